/**
 * The code cache of the modules jest compiles (test/compile-cache.ts): the first
 * compilation of a source is Node's own, the second a script of it, the third and later
 * start from V8's cache of that script made after it ran (so it holds the functions
 * compiled lazily); a changed source never gets the old code; stack traces and syntax
 * errors read as with Node's `vm.compileFunction`.
 */
import vm from 'node:vm';
import { cachingCompileFunction, compileCacheInstalled, originalCompileFunction } from '../compile-cache';

// Node's own: this worker's vm.compileFunction is the caching one (test/environment.ts)
const nodeCompile = originalCompileFunction();
const SOURCE = 'let total = 0; for (const n of list) total += n; return { total, helper: (x) => x * factor };';
// A module whose function is compiled only when called (V8 compiles lazily)
const LAZY = `exports.work = function work(n) {\n${Array.from({ length: 200 }, (_, i) => `  n = (n * ${i + 3} + ${i}) % 1000003;`).join('\n')}\n  return n;\n};`;

describe('cachingCompileFunction', () => {
  test('GIVEN one file compiled three times with the same source WHEN called THEN the third compilation is a cache hit and all behave the same', () => {
    const { compileFunction, stats } = cachingCompileFunction(nodeCompile);
    const compiled = [1, 2, 3].map(() => compileFunction(SOURCE, ['list', 'factor'], { filename: '/project/lib/sum.js', parsingContext: vm.createContext({}) }));
    expect(stats).toMatchObject({ hits: 1, misses: 2, rejected: 0 });
    for (const fn of compiled) {
      const result = fn([1, 2, 3], 2) as { total: number; helper: (x: number) => number };
      expect(result.total).toBe(6);
      expect(result.helper(5)).toBe(10);
    }
  });

  test('GIVEN a module whose function a test file called WHEN compiled again THEN the cache holds that function too: larger than a cache made at compile time', () => {
    // GIVEN the first two compilations, run and their function called (as the first test files would)
    const { compileFunction, stats } = cachingCompileFunction(nodeCompile);
    const results = [1, 2, 3].map(() => {
      const exports: { work?: (n: number) => number } = {};
      compileFunction(LAZY, ['exports'], { filename: '/project/lib/lazy.js' })(exports);
      return exports.work!(7);
    });

    // THEN the third was a hit, with the same result, from a cache larger than the one compileFunction makes before anything ran
    expect(stats).toMatchObject({ hits: 1, misses: 2, rejected: 0 });
    expect(new Set(results).size).toBe(1);
    const atCompileTime = (nodeCompile(LAZY, ['exports'], { filename: '/x.js', produceCachedData: true }) as { cachedData?: Buffer }).cachedData!;
    expect(stats.cachedBytes).toBeGreaterThan(atCompileTime.length * 2);
  });

  test('GIVEN the file changed between compilations WHEN compiled THEN it starts again (Node\'s own compilation) and runs the new source; other parameters too', () => {
    const { compileFunction, stats } = cachingCompileFunction(nodeCompile);
    for (let i = 0; i < 3; i++) compileFunction(SOURCE, ['list', 'factor'], { filename: '/project/lib/sum.js' });
    const changed = compileFunction(SOURCE.replace('total += n', 'total += n * 10'), ['list', 'factor'], { filename: '/project/lib/sum.js' });
    expect(stats).toMatchObject({ hits: 1, misses: 3, rejected: 0 });
    expect((changed([1, 2, 3], 1) as { total: number }).total).toBe(60);
    compileFunction(SOURCE.replace('total += n', 'total += n * 10'), ['list', 'factor', 'extra'], { filename: '/project/lib/sum.js' });
    expect(stats).toMatchObject({ hits: 1, misses: 4 });
  });

  test('GIVEN a module that throws on its third line WHEN run THEN the stack names the same line and column as Node\'s compileFunction, each time', () => {
    const source = '"use strict";\nconst a = 1;\nconst b = a + (() => { throw new Error("boom"); })();\nreturn b;';
    const frame = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as Error).stack!.split('\n').find((l) => l.includes('/project/lib/boom.js'));
      }
      return undefined;
    };
    const { compileFunction, stats } = cachingCompileFunction(nodeCompile);
    const reference = frame(() => nodeCompile(source, [], { filename: '/project/lib/boom.js' })());
    expect(reference).toMatch(/\/project\/lib\/boom\.js:3:\d+/);
    for (let i = 0; i < 3; i++) expect(frame(() => compileFunction(source, [], { filename: '/project/lib/boom.js' })())).toBe(reference);
    expect(stats).toMatchObject({ hits: 1, misses: 2 });
  });

  test.each([
    ['does not compile', 'const = 1;'],
    ['would close a wrapper early and run as a script', 'return 1;\n})(); globalThis.escaped = true; (function () {'],
  ])('GIVEN a source that %s WHEN compiled, again and again THEN each time the error is Node\'s compileFunction\'s own, and nothing of it ran', (_what, source) => {
    const { compileFunction } = cachingCompileFunction(nodeCompile);
    const context = vm.createContext({});
    const error = (compile: typeof vm.compileFunction) => {
      try {
        compile(source, ['exports'], { filename: '/project/lib/bad.js', parsingContext: context });
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
      return 'compiled';
    };
    const reference = error(nodeCompile);
    expect(reference).toMatch(/^SyntaxError: /);
    for (let i = 0; i < 3; i++) expect(error(compileFunction)).toBe(reference);
    expect(vm.runInContext('globalThis.escaped', context)).toBeUndefined();
  });

  test('GIVEN a parsing context WHEN compiled three times THEN each function runs in that context (its globals, its Array), as with compileFunction', () => {
    const { compileFunction, stats } = cachingCompileFunction(nodeCompile);
    const context = vm.createContext({ marker: 'suite' });
    const ContextArray = vm.runInContext('Array', context) as ArrayConstructor;
    for (let i = 0; i < 3; i++) {
      const result = compileFunction('return { list: [], marker: typeof marker === "string" ? marker : "none" };', [], { filename: '/project/lib/realm.js', parsingContext: context })() as { list: unknown[]; marker: string };
      expect(result.list).toBeInstanceOf(ContextArray);
      expect(result.marker).toBe('suite');
    }
    expect(stats).toMatchObject({ hits: 1, misses: 2 });
  });

  test('GIVEN a caller\'s own line offset, or a hashbang (which jest strips, compileFunction takes and a script does not) WHEN compiled three times THEN Node\'s compileFunction compiles it each time, with the same result', () => {
    const { compileFunction, stats } = cachingCompileFunction(nodeCompile);
    const offset = '\n\nthrow new Error("at line 3 + 10");';
    const line = (compile: typeof vm.compileFunction) => {
      try {
        compile(offset, [], { filename: '/project/lib/offset.js', lineOffset: 10 })();
      } catch (e) {
        return /offset\.js:(\d+)/.exec((e as Error).stack!)?.[1];
      }
      return undefined;
    };
    const reference = line(nodeCompile);
    expect(reference).toBe('13');
    for (let i = 0; i < 3; i++) expect(line(compileFunction)).toBe(reference);
    for (let i = 0; i < 3; i++) expect(compileFunction('#!/usr/bin/env node\nreturn 42;', [], { filename: '/project/bin/tool.js' })()).toBe(42);
    expect(stats.hits).toBe(0);
  });

  test('GIVEN no filename, or a caller with its own cache options WHEN compiled THEN nothing is cached', () => {
    const { compileFunction, stats } = cachingCompileFunction(nodeCompile);
    for (let i = 0; i < 3; i++) compileFunction('return 1;');
    for (let i = 0; i < 3; i++) compileFunction('return 2;', [], { filename: '/x.js', produceCachedData: true });
    expect(stats).toEqual({ hits: 0, misses: 0, rejected: 0, cachedBytes: 0 });
  });

  test('GIVEN a jest worker WHEN the environment (test/environment.ts) loaded THEN vm.compileFunction is the caching one, and Node\'s own is kept', () => {
    expect(compileCacheInstalled()).toBe(true);
    expect(vm.compileFunction).not.toBe(nodeCompile);
    expect(nodeCompile.name).toBe('compileFunction');
  });
});
