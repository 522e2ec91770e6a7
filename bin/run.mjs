#!/usr/bin/env node
// Runs a TypeScript entry point: esbuild bundles it (our code, plus zod and jsonc-parser) into dist/,
// then Node runs the bundle. This is the "loader that costs little" that cdktf.json's
// app command and every npm script go through: no npx, no ts-node.
// - The build is skipped when none of the bundle's inputs changed since the last one
//   (their sizes and mtimes are kept beside the bundle), so a synth pays ~0 ms for it.
// - zod and jsonc-parser are bundled in: one file parses in about half the time of zod's ~100 modules
//   (jsonc-parser's require alone took 8-10 ms).
//   Every other package stays external (cdktf and the provider must not be bundled).
//
// Usage: node bin/run.mjs <entry.ts> [args...]
// The entry exports main(args): its return value is the exit code; a thrown
// FleetflagsError prints its message and exits with its exitCode.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const BUNDLED_PACKAGES = /^(zod|jsonc-parser)(\/|$)/;
// jsonc-parser's main entry is UMD, whose requires esbuild cannot follow: its ES module build is bundled.
const BUNDLED_ENTRIES = { 'jsonc-parser': 'node_modules/jsonc-parser/lib/esm/main.js' };

// No version checks to checkpoint-api.hashicorp.com from anything we start (Terraform, the
// cdktf app): offline they only print "[ERROR] ... getaddrinfo ENOTFOUND" lines. Set it only
// when unset, so CHECKPOINT_DISABLE= (empty) still lets someone opt back in.
if (process.env.CHECKPOINT_DISABLE === undefined) process.env.CHECKPOINT_DISABLE = '1';
// On Node 20 the AWS SDK prints an eight-line NodeVersionSupportWarning in every process that makes a
// client (each deploy's health step, drift, publish-build, ...): SDK releases after the first week of
// January 2027 require Node 22. The versions package-lock.json pins run on Node 20; the README's Quiet
// output section says what upgrading them takes. Set only when unset, like CHECKPOINT_DISABLE.
if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bin/run.mjs <entry.ts> [args...]');
  process.exit(2);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// The entry, relative to the project root (as npm scripts and cdktf.json give it) or absolute: it must be a
// TypeScript file of the project. Its bundle goes to the same place under dist/ either way, never outside it.
const entryPath = path.resolve(root, entry);
const entryInProject = path.relative(root, entryPath);
if (entryInProject.startsWith('..') || path.isAbsolute(entryInProject) || !entryPath.endsWith('.ts') || !existsSync(entryPath)) {
  console.error(
    `bin/run.mjs: no entry point ${JSON.stringify(entry)} (resolved against the project root: ${entryPath}). ` +
      `Allowed: a .ts file of the project, such as scripts/check-flags.ts. Fix: run it from anywhere as node <project>/bin/run.mjs scripts/<name>.ts, or use npm run <script>.`,
  );
  process.exit(2);
}
const outfile = path.join(root, 'dist', entryInProject.replace(/\.ts$/, '.cjs'));
const inputsFile = `${outfile}.inputs.json`;

if (!isFresh()) await build();

process.argv = [process.argv[0], outfile, ...args];
// Source maps cost ~300 ms per synth (Node then parses the maps of every package it
// loads); the bundle is not minified, so its stack traces read well without them.
// FLEETFLAGS_SOURCE_MAPS=1 turns them on for debugging.
if (process.env.FLEETFLAGS_SOURCE_MAPS === '1') process.setSourceMapsEnabled(true);
// Entry points export `main(args)`; importing one for a test runs nothing.
const entryModule = createRequire(import.meta.url)(outfile);
if (typeof entryModule.main !== 'function') {
  console.error(`${entry} exports no main(args) function`);
  process.exit(2);
}
try {
  const code = await entryModule.main(args);
  process.exitCode = typeof code === 'number' ? code : 0;
} catch (e) {
  // FleetflagsError (lib/errors/base.ts) carries a message for people and an exit code.
  if (e && typeof e.exitCode === 'number') {
    console.error(e.message);
    process.exitCode = e.exitCode;
  } else {
    console.error(e);
    process.exitCode = 1;
  }
}

function fingerprint(file) {
  const s = statSync(path.join(root, file));
  return `${s.size}:${s.mtimeMs}`;
}

function isFresh() {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false;
  try {
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    return Object.entries(inputs).every(([file, print]) => fingerprint(file) === print);
  } catch {
    return false; // an input was deleted or renamed
  }
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: [entryPath],
    outfile,
    write: false,
    metafile: true,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: process.env.FLEETFLAGS_SOURCE_MAPS === '1' ? 'inline' : false,
    logLevel: 'warning',
    plugins: [
      {
        name: 'external-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) => {
            if (Object.hasOwn(BUNDLED_ENTRIES, a.path)) return { path: path.join(root, BUNDLED_ENTRIES[a.path]) };
            return BUNDLED_PACKAGES.test(a.path) ? undefined : { path: a.path, external: true };
          });
        },
      },
    ],
  });
  const built = result.outputFiles[0].contents;
  // This file is an input too: a change to what it bundles (BUNDLED_PACKAGES) builds again.
  const inputs = Object.fromEntries(
    [...Object.keys(result.metafile.inputs), 'bin/run.mjs']
      .filter((f) => !f.startsWith('node_modules/') || BUNDLED_PACKAGES.test(f.replace(/^node_modules\//, '')))
      .map((f) => [f, fingerprint(f)]),
  );
  // Several processes (jest workers, parallel scripts) may run one entry at once:
  // write atomically, so nobody requires a half-written file.
  mkdirSync(path.dirname(outfile), { recursive: true });
  for (const [file, contents] of [
    [outfile, built],
    [inputsFile, JSON.stringify(inputs)],
  ]) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, file);
  }
}
