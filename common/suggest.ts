/**
 * "Did you mean …?" suggestions for misspelt keys, actions, step ids and names. A typo at 3 a.m.
 * should cost one glance, not a trip to the docs.
 *
 * Workflow-safe: pure functions, no imports.
 */

/** Levenshtein distance with adjacent transpositions counted as one edit ("revoek" → "revoke"). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_unused, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo, ignoring case:
 * about one edit per four characters (at least 1, at most 3; none for one- or two-letter input), or one being a prefix of the other
 * (`incident_id` → `incident`). Ties go to the earlier candidate, so callers control preference
 * by order.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  const limit = needle.length <= 2 ? 0 : Math.min(3, Math.max(1, Math.floor((needle.length - 1) / 4)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const lower = candidate.toLowerCase();
    const prefix = Math.min(lower.length, needle.length) >= 4 && (lower.startsWith(needle) || needle.startsWith(lower));
    // The distance is at least the length gap (and exactly it for a prefix), so a long hostile
    // input costs a subtraction per candidate rather than a quadratic table.
    const lengthGap = Math.abs(lower.length - needle.length);
    if (!prefix && lengthGap > limit) continue;
    const distance = prefix ? lengthGap : editDistance(needle, lower);
    if ((distance <= limit || prefix) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or the empty string, ready to append to a message. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closestMatch(input, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
