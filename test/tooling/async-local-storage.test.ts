/**
 * The AsyncLocalStorage instances a test file makes are disabled when it is done
 * (test/async-local-storage.ts, called by test/environment.ts): the environment installed the
 * tracking, an instance made here is recorded, disabling since a mark leaves the earlier ones
 * (jest-circus's own, for this file's tests) alone, and a disabled instance still works when run again.
 */
import asyncHooks from 'node:async_hooks';
import { disableAsyncLocalStoragesSince, markAsyncLocalStorages } from '../async-local-storage';

describe('AsyncLocalStorage tracking', () => {
  test('GIVEN the jest environment WHEN a suite makes an AsyncLocalStorage THEN it is recorded, and still one of Node\'s', () => {
    // GIVEN a mark (jest-circus made its own instance for this file before it)
    const mark = markAsyncLocalStorages();
    expect(mark).toBeGreaterThanOrEqual(1);
    // WHEN
    const storage = new asyncHooks.AsyncLocalStorage<string>();
    // THEN it is recorded after the mark, and behaves as Node's
    expect(markAsyncLocalStorages()).toBe(mark + 1);
    const NodesOwn = Object.getPrototypeOf(asyncHooks.AsyncLocalStorage) as typeof asyncHooks.AsyncLocalStorage;
    expect(NodesOwn.name).toBe('AsyncLocalStorage');
    expect(storage).toBeInstanceOf(NodesOwn);
    expect(storage.run('a', () => storage.getStore())).toBe('a');
    expect(disableAsyncLocalStoragesSince(mark)).toBe(1);
  });

  test('GIVEN instances made since a mark, one inside an async context WHEN disabled since the mark THEN those are off and forgotten, the earlier ones untouched', async () => {
    // GIVEN an instance made before the mark, holding a store across an await
    const before = new asyncHooks.AsyncLocalStorage<string>();
    const mark = markAsyncLocalStorages();
    const after = [new asyncHooks.AsyncLocalStorage<string>(), new asyncHooks.AsyncLocalStorage<string>()];
    // WHEN disabled since the mark, while `before` runs
    const seen = await before.run('kept', () =>
      after[0].run('dropped', async () => {
        const inside = after[0].getStore();
        expect(disableAsyncLocalStoragesSince(mark)).toBe(2);
        await Promise.resolve();
        return { inside, before: before.getStore(), after: after[0].getStore() };
      }),
    );
    // THEN, inside its own run, the disabled instance has lost its store; the earlier one keeps its own
    expect(seen).toEqual({ inside: 'dropped', before: 'kept', after: undefined });
    expect(markAsyncLocalStorages()).toBe(mark);
    // AND a disabled instance that runs again works (Node enables it again)
    try {
      expect(await after[1].run('again', async () => {
        await Promise.resolve();
        return after[1].getStore();
      })).toBe('again');
    } finally {
      // (no instance of this test left on: the re-enabled one is no longer recorded, `before` is)
      after[1].disable();
      expect(disableAsyncLocalStoragesSince(mark - 1)).toBe(1);
    }
  });
});
