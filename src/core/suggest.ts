/**
 * Up to `limit` candidates close to `input`, best first. A candidate that
 * contains what was typed comes before one that is only a few edits away, so
 * `daily-refresh` suggests `daily-data-refresh` (it holds both words, in
 * order) ahead of `hourly-refresh` (four edits): a name typed from memory
 * usually drops a word rather than misspells one. Within each group the
 * smaller edit distance wins, then alphabetical order, so the result is
 * stable.
 *
 * @example
 * suggestClosest('daily-refresh', ['hourly-refresh', 'daily-data-refresh']) // ['daily-data-refresh', 'hourly-refresh']
 */
export function suggestClosest(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const maxDistance = Math.max(2, Math.floor(input.length / 3));
  const words = input.split(WORD_SEPARATORS).filter((word) => word !== '');
  const scored: { candidate: string; contains: boolean; distance: number }[] = [];
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    const contains = candidate.includes(input) || input.includes(candidate) || containsWordsInOrder(candidate, words);
    if (distance <= maxDistance || contains) scored.push({ candidate, contains, distance });
  }
  scored.sort((a, b) => Number(b.contains) - Number(a.contains) || a.distance - b.distance || a.candidate.localeCompare(b.candidate));
  return scored.slice(0, limit).map((entry) => entry.candidate);
}

/** Where names are split into words: `daily-data-refresh`, `customer_totals`, `group:sources`, `a.b`. */
const WORD_SEPARATORS = /[-_.:/\s]+/;

/** Whether every word appears in `candidate`, in order and without overlapping (more than one word only: one word is a substring check). */
function containsWordsInOrder(candidate: string, words: readonly string[]): boolean {
  if (words.length < 2) return false;
  let from = 0;
  for (const word of words) {
    const at = candidate.indexOf(word, from);
    if (at === -1) return false;
    from = at + word.length;
  }
  return true;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
