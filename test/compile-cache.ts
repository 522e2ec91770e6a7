/**
 * V8 code caching for the modules jest loads. jest compiles every module again for
 * every test file (each file has its own module registry and `vm` context), with
 * `vm.compileFunction` and no code cache: cdktf, the provider classes, zod and the AWS
 * SDK are parsed and compiled anew in each of a hundred suites. This replaces
 * `vm.compileFunction` in the worker so that, from the third compilation of the same
 * source (same file, identical text and parameters) on, it starts from a V8 code cache.
 *
 * The cache is made once a test file has run the module, not when it is compiled: V8
 * compiles most functions lazily, on their first call, and a cache made at compile time
 * holds little more than the module's top level. The function `compileFunction` returns
 * cannot make a cache later; a `vm.Script` can (`createCachedData` takes everything compiled
 * so far). So:
 * 1. the first compilation of a source is Node's `compileFunction`, as in jest: it accepts
 *    exactly a function body, and reports a source that is not one (jest's syntax error);
 * 2. the second, of a source the first accepted, is the script
 *    `(function (<jest's parameters>) {\n<source>\n})` with a line offset of -1 (line and
 *    column numbers stay the module's own, in stack traces as in jest's). Only an accepted
 *    source is wrapped: none can close the wrapper early and run as a script of its own;
 * 3. the third and later start from the cache of the second's script, made when the third
 *    asks for it. V8 checks a cache against its source and rejects a mismatch (then compiles
 *    as usual), so behaviour is unchanged; only compile time goes. (jest's coverage with
 *    `coverageProvider: 'v8'` would read the wrapper's offsets; the project runs no coverage.)
 * A caller's own line or column offset, and a body the wrapper does not compile (a hashbang,
 * which jest strips before this), go to Node's `compileFunction` every time. A module a test
 * file compiles a third time itself (`jest.resetModules`) gets a cache of what had run by then.
 *
 * Measured 2026-11-29 (evening) on the 2-core machine, four pairs alternating (its speed
 * drifted during them): `npm run test:quick` 16.0-17.5 s wall and 28-31 s of CPU, against
 * 17.9-19.7 s and 32-35 s with a cache made at compile time (docs/benchmarks.md, the round
 * of 2026-11-29, evening); that one had cut about 12% of the CPU time of the construct,
 * stack, flags and plan suites (2026-11-27).
 */
import vm from 'node:vm';

type CompileFunction = typeof vm.compileFunction;

export interface CompileCacheStats {
  hits: number;
  misses: number;
  rejected: number;
  /** Bytes of code cache made (each module's once, at its third compilation). */
  cachedBytes: number;
}

const INSTALLED = Symbol.for('fleetflags.compileCache');
const ORIGINAL = Symbol.for('fleetflags.compileCache.original');

interface Entry {
  readonly source: string;
  readonly params: string;
  /** The script of the second compilation, until its cache is made (then dropped). */
  script?: vm.Script;
  data?: Buffer;
  /** The wrapper did not compile: compileFunction each time. */
  unwrappable?: boolean;
}

/** `compile` with a code cache per filename (reused only for an identical source and parameters), and its counters. */
export function cachingCompileFunction(compile: CompileFunction): { compileFunction: CompileFunction; stats: CompileCacheStats } {
  const cache = new Map<string, Entry>();
  const stats: CompileCacheStats = { hits: 0, misses: 0, rejected: 0, cachedBytes: 0 };
  const compileFunction = ((code: string, params: string[] = [], options: vm.CompileFunctionOptions = {}) => {
    const key = options.filename;
    // A caller that manages its own cache, an anonymous source, one with context extensions or its own offsets: as is.
    if (!key || options.cachedData || options.produceCachedData || options.contextExtensions?.length || options.lineOffset || options.columnOffset) {
      return compile(code, params, options);
    }
    const paramList = params.join(', ');
    const entry = cache.get(key);
    if (entry === undefined || entry.source !== code || entry.params !== paramList) {
      // First seen (or changed): compileFunction itself, which accepts exactly a function body. Only a
      // source it compiled is ever put in the wrapper below, so none can close the wrapper early.
      const fn = compile(code, params, options);
      stats.misses++;
      cache.set(key, { source: code, params: paramList });
      return fn;
    }
    if (entry.script) {
      // The third compilation: the second has run by now, its lazily compiled functions are in the cache.
      entry.data = entry.script.createCachedData();
      entry.script = undefined;
      stats.cachedBytes += entry.data.length;
    }
    if (entry.unwrappable) return compile(code, params, options);
    let script: vm.Script;
    try {
      script = new vm.Script(`(function (${paramList}) {\n${code}\n})`, {
        filename: key,
        lineOffset: -1,
        cachedData: entry.data,
        importModuleDynamically: options.importModuleDynamically as vm.ScriptOptions['importModuleDynamically'],
      });
    } catch {
      // A body compileFunction takes and a script does not (a hashbang, which jest strips before this): as is, from now on.
      entry.unwrappable = true;
      return compile(code, params, options);
    }
    if (entry.data && !script.cachedDataRejected) stats.hits++;
    else {
      if (entry.data) stats.rejected++;
      else stats.misses++;
      entry.script = script;
    }
    return (options.parsingContext ? script.runInContext(options.parsingContext) : script.runInThisContext()) as ReturnType<CompileFunction>;
  }) as CompileFunction;
  return { compileFunction, stats };
}

/** Replaces `vm.compileFunction` (what jest-runtime calls) with the caching one, once per process. */
export function installCompileCache(): void {
  const target = vm as unknown as Record<string | symbol, unknown>;
  if (target[INSTALLED]) return;
  target[ORIGINAL] = vm.compileFunction;
  target.compileFunction = cachingCompileFunction(vm.compileFunction).compileFunction;
  target[INSTALLED] = true;
}

/** Whether this process's `vm.compileFunction` is the caching one. */
export function compileCacheInstalled(): boolean {
  return (vm as unknown as Record<symbol, unknown>)[INSTALLED] === true;
}

/** Node's own `vm.compileFunction`, also once the caching one replaced it (what the tests compare with). */
export function originalCompileFunction(): CompileFunction {
  return ((vm as unknown as Record<symbol, unknown>)[ORIGINAL] as CompileFunction | undefined) ?? vm.compileFunction;
}
