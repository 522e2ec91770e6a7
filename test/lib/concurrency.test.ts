import { mapLimit, settledInOrder, valuesOrThrow } from '../../lib/concurrency';

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('settledInOrder', () => {
  it('GIVEN items that all succeed WHEN run two at a time THEN their values in the order of the items, never more than two running', async () => {
    let running = 0;
    let most = 0;
    const outcomes = await settledInOrder([30, 10, 20, 5], 2, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running -= 1;
      return ms * 2;
    });
    expect(outcomes).toEqual([{ value: 60 }, { value: 20 }, { value: 40 }, { value: 10 }]);
    expect(most).toBe(2);
  });

  it('GIVEN one item that fails while another runs WHEN run two at a time THEN the running one is waited for, no later item starts, and the failure is given back, not thrown', async () => {
    const slow = deferred<string>();
    const started: string[] = [];
    let slowDone = false;
    const run = settledInOrder(['slow', 'bad', 'later', 'last'], 2, async (item) => {
      started.push(item);
      if (item === 'slow') {
        const value = await slow.promise;
        slowDone = true;
        return value;
      }
      if (item === 'bad') throw new Error('bad failed');
      return item;
    });
    // WHEN 'bad' has failed, 'slow' is still running: settledInOrder has not returned
    await new Promise((r) => setTimeout(r, 20));
    expect(slowDone).toBe(false);
    slow.resolve('slow ok');
    const outcomes = await run;
    expect(slowDone).toBe(true);
    expect(started).toEqual(['slow', 'bad']);
    expect(outcomes).toEqual([{ value: 'slow ok' }, { error: new Error('bad failed') }]);
  });

  it('GIVEN a limit that is not a positive integer WHEN run THEN one at a time, every item still run', async () => {
    for (const limit of [0, -1, Number.NaN, 1.5]) {
      let running = 0;
      let most = 0;
      const outcomes = await settledInOrder([1, 2, 3], limit, async (n) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 1));
        running -= 1;
        return n;
      });
      expect({ limit, outcomes, most }).toEqual({ limit, outcomes: [{ value: 1 }, { value: 2 }, { value: 3 }], most: 1 });
    }
  });
});

describe('valuesOrThrow', () => {
  it('GIVEN outcomes that all have values WHEN read THEN the values in order', () => {
    expect(valuesOrThrow([{ value: 'a' }, { value: 'b' }])).toEqual(['a', 'b']);
  });

  it('GIVEN outcomes with two errors WHEN read THEN the first error is thrown', () => {
    const first = new Error('first');
    expect(() => valuesOrThrow([{ value: 'a' }, { error: first }, { error: new Error('second') }])).toThrow(first);
  });
});

describe('mapLimit', () => {
  it('GIVEN items WHEN mapped THEN the results keep the order of the items', async () => {
    await expect(mapLimit([3, 1, 2], 3, async (n) => n * 10)).resolves.toEqual([30, 10, 20]);
  });
});
