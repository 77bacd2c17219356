/** Trims `text` and collapses every run of whitespace (newlines and tabs included) to one space. */
export function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Length in Unicode code points, so an emoji counts once, not as two UTF-16 units. */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** Whitespace-separated tokens of already cleaned text. */
export function wordCount(cleaned: string): number {
  return cleaned === '' ? 0 : cleaned.split(' ').length;
}

/**
 * Rounds to 2 decimals by the number's exact binary value (what `toFixed`
 * does): 2.675 is stored as 2.67499999…, so it gives 2.67, not 2.68.
 */
export function round2(value: number): number {
  return Number(value.toFixed(2));
}
