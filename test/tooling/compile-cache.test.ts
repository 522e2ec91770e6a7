/**
 * The code cache of the modules jest compiles (test/compile-cache.ts): a second
 * compilation of the same file and source starts from V8's cache; a changed source
 * never gets the old code.
 */
import vm from 'node:vm';
import { cachingCompileFunction, compileCacheInstalled } from '../compile-cache';

const SOURCE = 'let total = 0; for (const n of list) total += n; return { total, helper: (x) => x * factor };';

describe('cachingCompileFunction', () => {
  test('GIVEN one file compiled twice with the same source WHEN called THEN the second compilation is a cache hit and both functions behave the same', () => {
    const { compileFunction, stats } = cachingCompileFunction(vm.compileFunction);
    const first = compileFunction(SOURCE, ['list', 'factor'], { filename: '/project/lib/sum.js' });
    const second = compileFunction(SOURCE, ['list', 'factor'], { filename: '/project/lib/sum.js', parsingContext: vm.createContext({}) });
    expect(stats).toEqual({ hits: 1, misses: 1, rejected: 0 });
    const [a, b] = [first([1, 2, 3], 2), second([1, 2, 3], 2)] as Array<{ total: number; helper: (x: number) => number }>;
    expect(a.total).toBe(6);
    expect(b.total).toBe(6);
    expect(b.helper(5)).toBe(10);
  });

  test('GIVEN the file changed between compilations WHEN compiled THEN it is a miss and runs the new source', () => {
    const { compileFunction, stats } = cachingCompileFunction(vm.compileFunction);
    compileFunction(SOURCE, ['list', 'factor'], { filename: '/project/lib/sum.js' });
    const changed = compileFunction(SOURCE.replace('total += n', 'total += n * 10'), ['list', 'factor'], { filename: '/project/lib/sum.js' });
    expect(stats).toEqual({ hits: 0, misses: 2, rejected: 0 });
    expect((changed([1, 2, 3], 1) as { total: number }).total).toBe(60);
  });

  test('GIVEN no filename, or a caller with its own cache options WHEN compiled THEN nothing is cached', () => {
    const { compileFunction, stats } = cachingCompileFunction(vm.compileFunction);
    compileFunction('return 1;');
    compileFunction('return 1;');
    compileFunction('return 2;', [], { filename: '/x.js', produceCachedData: true });
    compileFunction('return 2;', [], { filename: '/x.js', produceCachedData: true });
    expect(stats).toEqual({ hits: 0, misses: 0, rejected: 0 });
  });

  test('GIVEN a jest worker WHEN the environment (test/environment.ts) loaded THEN vm.compileFunction is the caching one', () => {
    expect(compileCacheInstalled()).toBe(true);
  });
});
