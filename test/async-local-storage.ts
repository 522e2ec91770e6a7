/**
 * jest-circus makes an AsyncLocalStorage in every test file (its test-execution context; zx
 * makes one too, for `within`), and Node 20 keeps every AsyncLocalStorage that has ever run in
 * one list for the life of the process: its async hook calls each of them for every promise and
 * every other async resource any later code creates. In a jest worker that runs dozens of suites
 * the list grew by one or two per suite, and each suite's promises paid for all the suites the
 * worker ran before it. The environment (test/environment.ts) marks where a test file starts and
 * disables what was made since when the file is done: `disable()`, Node's documented (experimental)
 * API (an instance that runs again enables itself again); with the list empty, Node turns its hook off.
 */
import asyncHooks from 'node:async_hooks';

type Storage = InstanceType<typeof asyncHooks.AsyncLocalStorage>;

/** Kept on the module object, so a second copy of this file (a second module registry) shares it. */
const STATE = Symbol.for('fleetflags.asyncLocalStorages');
type Hooks = typeof asyncHooks & { [STATE]?: { readonly made: Storage[] } };

/** Replaces the module's AsyncLocalStorage with a subclass that records each instance made; once per process. */
export function installAsyncLocalStorageTracking(): void {
  const hooks = asyncHooks as Hooks;
  if (hooks[STATE]) return;
  const state = { made: [] as Storage[] };
  class TrackedAsyncLocalStorage<T> extends asyncHooks.AsyncLocalStorage<T> {
    // Whatever the caller passes goes on (newer Node takes options: a default value, a name).
    constructor(...args: ConstructorParameters<typeof asyncHooks.AsyncLocalStorage>) {
      super(...args);
      state.made.push(this);
    }
  }
  hooks.AsyncLocalStorage = TrackedAsyncLocalStorage;
  hooks[STATE] = state;
}

function made(): Storage[] {
  return (asyncHooks as Hooks)[STATE]?.made ?? [];
}

/** Where the instances made from now on start (for disableAsyncLocalStoragesSince). */
export function markAsyncLocalStorages(): number {
  return made().length;
}

/** Disables and forgets the instances made since `mark`; how many. Those made before it stay as they are. */
export function disableAsyncLocalStoragesSince(mark: number): number {
  const since = made().splice(mark);
  for (const storage of since) storage.disable();
  return since.length;
}
