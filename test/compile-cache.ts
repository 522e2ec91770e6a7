/**
 * V8 code caching for the modules jest loads. jest compiles every module again for
 * every test file (each file has its own module registry and `vm` context), with
 * `vm.compileFunction` and no code cache: cdktf, the provider classes, zod and the AWS
 * SDK are parsed and compiled anew in each of a hundred suites. This wraps
 * `vm.compileFunction` in the worker so the second and later compilations of the same
 * source (same file, identical text) start from the code cache V8 produced the first
 * time. V8 checks a cache against its source and rejects a mismatch (then compiles as
 * usual), so behaviour is unchanged; only compile time goes (about 12% of the CPU time
 * of the construct, stack, flags and plan suites, measured 2026-11-27).
 */
import vm from 'node:vm';

type CompileFunction = typeof vm.compileFunction;

export interface CompileCacheStats {
  hits: number;
  misses: number;
  rejected: number;
}

const INSTALLED = Symbol.for('fleetflags.compileCache');

/** `compile` with a code cache per filename (reused only for an identical source), and its counters. */
export function cachingCompileFunction(compile: CompileFunction): { compileFunction: CompileFunction; stats: CompileCacheStats } {
  const cache = new Map<string, { readonly source: string; readonly data: Buffer }>();
  const stats: CompileCacheStats = { hits: 0, misses: 0, rejected: 0 };
  const compileFunction = ((code: string, params?: string[], options: vm.CompileFunctionOptions = {}) => {
    const key = options.filename;
    // A caller that manages its own cache, or an anonymous source: as is.
    if (!key || options.cachedData || options.produceCachedData) return compile(code, params, options);
    const hit = cache.get(key);
    if (hit && hit.source === code) {
      const fn = compile(code, params, { ...options, cachedData: hit.data }) as ReturnType<CompileFunction> & { cachedDataRejected?: boolean };
      if (fn.cachedDataRejected) stats.rejected++;
      else stats.hits++;
      return fn;
    }
    stats.misses++;
    const fn = compile(code, params, { ...options, produceCachedData: true }) as ReturnType<CompileFunction> & { cachedData?: Buffer };
    if (fn.cachedData) cache.set(key, { source: code, data: fn.cachedData });
    return fn;
  }) as CompileFunction;
  return { compileFunction, stats };
}

/** Replaces `vm.compileFunction` (what jest-runtime calls) with the caching one, once per process. */
export function installCompileCache(): void {
  const target = vm as unknown as Record<string | symbol, unknown>;
  if (target[INSTALLED]) return;
  target.compileFunction = cachingCompileFunction(vm.compileFunction).compileFunction;
  target[INSTALLED] = true;
}

/** Whether this process's `vm.compileFunction` is the caching one. */
export function compileCacheInstalled(): boolean {
  return (vm as unknown as Record<symbol, unknown>)[INSTALLED] === true;
}
