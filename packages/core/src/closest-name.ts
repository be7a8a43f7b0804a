/**
 * The entry of `names` nearest to `name` by edit distance (insertions,
 * deletions, substitutions and swaps of two neighbours, ignoring case), or
 * `undefined` when even the nearest differs in more than half of the longer
 * name's characters: the "did you mean" of `checkOptionKeys`, for names that
 * are not option keys (commands, codec names).
 *
 * @example
 * ```ts
 * closestName('lnes', ['lines', 'json', 'text']); // 'lines'
 * closestName('xyz', ['lines', 'json']); // undefined
 * ```
 */
export function closestName(name: string, names: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of names) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance && distance <= Math.max(wanted.length, candidate.length) / 2) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Damerau-Levenshtein distance (optimal string alignment) between `a` and `b`. */
function editDistance(a: string, b: string): number {
  // Three rows: the one before last (for swaps), the last, and the current.
  let before: number[] = [];
  let last = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((last[j] as number) + 1, (row[j - 1] as number) + 1, (last[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (before[j - 2] as number) + 1);
      }
      row.push(d);
    }
    before = last;
    last = row;
  }
  return last[b.length] as number;
}
