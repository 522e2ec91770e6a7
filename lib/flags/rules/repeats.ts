/** Each value seen earlier in the list: its index, and the index where it first appears. For the "listed once" rules. */
export function repeats(values: readonly string[]): Array<{ readonly index: number; readonly first: number }> {
  const firsts = new Map<string, number>();
  const out: Array<{ index: number; first: number }> = [];
  values.forEach((value, index) => {
    const first = firsts.get(value);
    if (first === undefined) firsts.set(value, index);
    else out.push({ index, first });
  });
  return out;
}
