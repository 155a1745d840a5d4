// "Did you mean": the known name closest to a misspelt one, by edit distance (fastest-levenshtein).
import { distance } from "fastest-levenshtein";

/**
 * The candidate nearest to `word`, when it is close enough to be a likely typo: at most a third of the longer
 * name's letters differ (at least 2 may: transposed letters), case-insensitive, and not every letter. Ties go to the first.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    if (c === word) continue;
    const d = distance(w, c.toLowerCase());
    const longest = Math.max(w.length, c.length);
    if (d < bestDistance && d < longest && d <= Math.max(2, Math.floor(longest / 3))) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** " (did you mean X?)" or "", to append to a message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const n = nearest(word, candidates);
  return n === undefined ? "" : ` (did you mean "${n}"?)`;
}
