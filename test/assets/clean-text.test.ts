import { describe, expect, it } from 'vitest';
import { cleanText, codePointLength, round2, wordCount } from '../../src/assets/clean-text.js';

// The definitions these fast versions must agree with, written the obvious way.
const reference = {
  clean: (text: string) => text.replace(/\s+/g, ' ').trim(),
  length: (text: string) => [...text].length,
  words: (cleaned: string) => (cleaned === '' ? 0 : cleaned.split(/\s+/).length),
};

const samples = [
  '',
  ' ',
  'plain words here',
  '  leading and trailing  ',
  'tabs\tand\nnewlines\r\nand  doubles',
  'no-break\u00a0space and ideographic\u3000space',
  'line\u2028separator',
  'emoji 🚀 and 👩‍💻 and a lone \ud83d surrogate',
  'Zoë Ångström',
  'x',
  '\n\n',
];

describe('the cleaning rules of the example', () => {
  it('cleans exactly like "trim and collapse every whitespace run"', () => {
    for (const text of samples) expect(cleanText(text)).toBe(reference.clean(text));
  });

  it('counts code points, not UTF-16 units', () => {
    for (const text of samples) expect(codePointLength(text)).toBe(reference.length(text));
    expect(codePointLength('🚀')).toBe(1);
    expect(codePointLength('👩‍💻')).toBe(3);
  });

  it('counts whitespace-separated words of cleaned text', () => {
    for (const text of samples) expect(wordCount(cleanText(text))).toBe(reference.words(reference.clean(text)));
  });

  it('rounds to two decimals by the exact binary value', () => {
    expect(round2(2.675)).toBe(2.67);
    expect(round2(1.005)).toBe(1);
    expect(round2(10 / 3)).toBe(3.33);
    expect(round2(0.125)).toBe(0.13);
  });
});
