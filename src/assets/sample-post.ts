import type { SampleRandom } from './sample-random.js';
import { sampleVocabulary as words } from './sample-vocabulary.js';

/*
 * Posts are the bulk of a big sample (5M of them in the benchmarks), so each is
 * built straight as its JSON line, and its texts from pieces that are already
 * JSON-escaped: the words need no escaping, and the quotes, tabs and newlines
 * are escaped once, below. That spares JSON.stringify a scan of every body,
 * about a fifth of the generation time.
 *
 * As for users, the awkward features (quoted phrases, emoji, stray whitespace,
 * blank lines, CRLF) are placed by id, `id % period === phase`, so every
 * 100-post sample holds each of them whatever the seed.
 */

/** A text in its JSON string form, without the surrounding quotes. */
function escaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

const QUOTE = escaped('"');
const LF = escaped('\n');
const CRLF = escaped('\r\n');
const EMOJI = words.emoji.map(escaped);
const TITLE_GAPS = ['  ', '\t', ' \t'].map(escaped);
const BODY_GAPS = ['   ', '\t', ' \t  '].map(escaped);
const TITLE_LEADS = [' ', '  ', '\t'].map(escaped);
const TITLE_TAILS = [' ', '  ', ' \n'].map(escaped);
const BODY_LEADS = ['\t', '  ', '\n'].map(escaped);
const BODY_TAILS = [' ', '  \n', '\n'].map(escaped);

/**
 * Every word of running text, repeated in proportion to its list's share: about
 * 1.5% outside ASCII, a third English, the rest lorem ipsum. The size is a power
 * of two so that, for a 32-bit draw, the fraction left over after picking a slot
 * is uniform and independent of the slot: it decides the comma for free.
 */
const WORD_TABLE: readonly string[] = (() => {
  const size = 4096;
  const foreignSlots = Math.round(0.015 * size);
  const englishSlots = Math.round(0.32 * size);
  const table: string[] = [];
  const fill = (pool: readonly string[], slots: number): void => {
    for (let slot = 0; slot < slots; slot++) table.push(escaped(pool[Math.floor((slot * pool.length) / slots)] as string));
  };
  fill(words.foreignWords, foreignSlots);
  fill(words.englishWords, englishSlots);
  fill(words.latinWords, size - foreignSlots - englishSlots);
  return table;
})();

/**
 * The JSON line of post `id` by `userId`, keys in JSONPlaceholder's order: a
 * lowercase lorem-ipsum title and a body of 3-5 lines joined by newlines.
 *
 * @example
 * samplePostLine(1, 3, new SampleRandom(1, 2));
 * // '{"userId":3,"id":1,"title":"facilis animi","body":"update labore accusamus ...\ninventore, to ..."}'
 */
export function samplePostLine(id: number, userId: number, random: SampleRandom): string {
  return `{"userId":${userId},"id":${id},"title":"${postTitle(id, random)}","body":"${postBody(id, random)}"}`;
}

/**
 * `count` words, some followed by a comma; with `gaps`, one word is preceded by
 * a run of whitespace. Joined once by the caller, which makes one flat string
 * where appending word by word would build a rope.
 */
function wordList(random: SampleRandom, count: number, commaChance: number, gaps: readonly string[] | undefined): string[] {
  const list: string[] = [];
  for (let index = 0; index < count; index++) {
    const scaled = random.next() * WORD_TABLE.length;
    const slot = Math.floor(scaled);
    const word = WORD_TABLE[slot] as string;
    list.push(index < count - 1 && scaled - slot < commaChance ? `${word},` : word);
  }
  if (gaps !== undefined && count > 1) {
    const at = random.int(1, count - 1);
    list[at] = `${random.pick(gaps)}${list[at]}`;
  }
  return list;
}

/** Wraps two neighbouring words in double quotes, as one quoted phrase. */
function quotePhrase(list: string[], random: SampleRandom): void {
  if (list.length < 2) return;
  const start = random.int(0, list.length - 2);
  list[start] = `${QUOTE}${list[start]}`;
  list[start + 1] = `${list[start + 1]}${QUOTE}`;
}

function postTitle(id: number, random: SampleRandom): string {
  const list = wordList(random, random.int(2, 8), 0.08, id % 16 === 9 ? TITLE_GAPS : undefined);
  if (id % 12 === 5) quotePhrase(list, random);
  // Emoji are astral code points: a title length in code points is shorter than in UTF-16 units.
  if (id % 20 === 7) list.splice(random.int(0, list.length), 0, random.pick(EMOJI));
  let title = list.join(' ');
  // Uppercasing the first character is safe on escaped text: a leading `\"` stays as is.
  if (random.chance(0.15)) title = title.charAt(0).toUpperCase() + title.slice(1);
  if (id % 10 === 3) title = `${random.pick(TITLE_LEADS)}${title}${random.pick(TITLE_TAILS)}`;
  return title;
}

function postBody(id: number, random: SampleRandom): string {
  const lineCount = random.int(3, 5);
  const quotedLine = id % 7 === 2 ? random.int(0, lineCount - 1) : -1;
  const spacedLine = id % 6 === 1 ? random.int(0, lineCount - 1) : -1;
  const lines: string[] = [];
  for (let line = 0; line < lineCount; line++) {
    const list = wordList(random, random.int(5, 12), 0.06, line === spacedLine ? BODY_GAPS : undefined);
    if (line === quotedLine) quotePhrase(list, random);
    lines.push(random.chance(0.25) ? `${list.join(' ')}.` : list.join(' '));
  }
  // An empty line between two others: a paragraph break inside the body.
  if (id % 15 === 4) lines.splice(random.int(1, lineCount - 1), 0, '');
  let body = lines.join(id % 13 === 6 ? CRLF : LF);
  if (id % 11 === 0) body = `${random.pick(BODY_LEADS)}${body}`;
  if (id % 8 === 5) body += random.pick(BODY_TAILS);
  return body;
}
