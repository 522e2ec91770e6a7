/** Runs `fn` over `items`, at most `limit` at once, keeping the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** What settledInOrder gives for an item it ran. */
export type Settled<R> = { readonly value: R } | { readonly error: unknown };

/**
 * Runs `fn` over `items`, at most `limit` at once, waiting for every run it started (none is left
 * running behind a failure), and starting no more items after one has failed. The outcomes of the
 * items run, in the order of `items`; the caller decides what to throw.
 */
export async function settledInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<Settled<R>[]> {
  let failed = false;
  const outcomes = await mapLimit(items, Number.isInteger(limit) && limit > 0 ? limit : 1, async (item, i): Promise<Settled<R> | undefined> => {
    if (failed) return undefined;
    try {
      return { value: await fn(item, i) };
    } catch (error) {
      failed = true;
      return { error };
    }
  });
  return outcomes.filter((o): o is Settled<R> => o !== undefined);
}

/** The values of settledInOrder's outcomes, in order; throws the first error, if any. */
export function valuesOrThrow<R>(outcomes: readonly Settled<R>[]): R[] {
  const failed = outcomes.find((o): o is { readonly error: unknown } => 'error' in o);
  if (failed) throw failed.error;
  return outcomes.map((o) => (o as { readonly value: R }).value);
}
