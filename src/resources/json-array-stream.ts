import { SourceError } from '../core/errors.js';

/**
 * The elements of one top-level JSON array, parsed incrementally from a stream of
 * UTF-8 bytes, so inputs far larger than V8's maximum string length can be read.
 * Only the element being read is held in memory between chunks; each complete
 * element is handed to the native `JSON.parse`. Every malformed input is a
 * non-retryable `SourceError` that names `where` and the line and column (or, for
 * bad UTF-8, the byte offset).
 *
 * @example
 * for await (const row of parseJsonArray(fs.createReadStream('customers.json'), 'customers.json')) { ... }
 */
export async function* parseJsonArray(chunks: AsyncIterable<Uint8Array>, where: string): AsyncGenerator<unknown> {
  for await (const batch of parseJsonArrayBatches(chunks, where)) yield* batch;
}

/**
 * The same elements as `parseJsonArray`, one array per input chunk: for callers that
 * collect every row, this avoids an async generator step per element.
 */
export async function* parseJsonArrayBatches(chunks: AsyncIterable<Uint8Array>, where: string): AsyncGenerator<unknown[]> {
  const parser = new JsonArrayParser(where);
  for await (const chunk of chunks) {
    const elements = parser.push(chunk);
    if (elements.length > 0) yield elements;
  }
  parser.end();
}

/**
 * The most bytes `JsonArrayParser` decodes into one string. A chunk of a
 * megabyte decodes to a string of up to 2 MB (two bytes a character once any
 * character is beyond Latin-1), and V8 gives an object over 128 KiB pages of
 * its own, mapped for it and unmapped when it dies: each chunk's text was
 * faulted into memory anew, half the page faults of a run over 5M rows and
 * 5 to 6 s of system time. 32 KiB decode to at most 64 KiB, an ordinary
 * young-generation object whose pages are reused.
 */
const DECODE_PIECE_BYTES = 32 * 1024;

/**
 * The parser behind `parseJsonArrayBatches`, fed synchronously: `push` each
 * chunk of UTF-8 bytes in order and get the elements it completed, then call
 * `end`, which throws if the input stopped short. For a worker thread that
 * reads a file with blocking reads.
 */
export class JsonArrayParser {
  readonly #decoder: Utf8ChunkDecoder;
  readonly #scanner: ArrayScanner;

  constructor(where: string) {
    this.#decoder = new Utf8ChunkDecoder(where);
    this.#scanner = new ArrayScanner(where);
  }

  push(chunk: Uint8Array): unknown[] {
    const elements: unknown[] = [];
    for (let from = 0; from < chunk.length; from += DECODE_PIECE_BYTES) {
      const text = this.#decoder.decode(chunk.subarray(from, from + DECODE_PIECE_BYTES));
      if (text.length > 0) this.#scanner.push(text, elements);
    }
    return elements;
  }

  end(): void {
    this.#decoder.end();
    this.#scanner.end();
  }
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const LESS_THAN = 0x3c;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BYTE_ORDER_MARK = 0xfeff;

/** How much of an HTML page an error quotes. */
const EXCERPT_LENGTH = 60;

/**
 * - `start`: before the first non-whitespace character;
 * - `array`: inside the top-level array;
 * - `after`: after its closing `]`, where only whitespace may follow;
 * - `object`: inside a top-level object, read to its end only to name its array properties in the error;
 * - `markup`: the input starts with `<`; collecting an excerpt for the error.
 */
type Phase = 'start' | 'array' | 'after' | 'object' | 'markup';

/** What may come next between the elements of the top-level array. */
type Expect = 'value-or-end' | 'value' | 'comma-or-end';

/** What comes next at the first level of a top-level object. */
type ObjectExpect = 'key' | 'colon' | 'value' | 'next';

interface Position {
  line: number;
  column: number;
}

/**
 * Finds the boundaries of the top-level array's elements by tracking strings,
 * escapes and bracket nesting; it does not validate an element's inside, which
 * `JSON.parse` does (and `locateJsonError` explains when it fails). Positions count
 * UTF-16 code units; lines are counted outside strings only, which is exact for
 * valid JSON (a raw line break inside a string is an error, which JSON.parse finds).
 */
class ArrayScanner {
  private phase: Phase = 'start';
  private expect: Expect = 'value-or-end';
  /** The closing bracket expected for each open container of the current element. */
  private readonly closers: number[] = [];
  private inString = false;
  private escaped = false;
  /** Inside a number or literal (`true`, `false`, `null`) at the array's first level. */
  private inScalar = false;
  private inElement = false;
  /** The current element's text from earlier chunks. */
  private pending = '';
  private count = 0;
  /** Where the current element (or the top-level object) starts. */
  private elementStart: Position = { line: 1, column: 1 };
  /** Characters before the current chunk. */
  private offset = 0;
  private line = 1;
  /** Character offset at which the current line starts. */
  private lineStart = 0;

  private excerpt = '';

  private objectExpect: ObjectExpect = 'key';
  private inKey = false;
  private keyPending = '';
  private key = '';
  private readonly arrayKeys: string[] = [];

  constructor(private readonly where: string) {}

  /** Scans the next piece of text, appending the elements it completes to `elements`. */
  push(text: string, elements: unknown[]): void {
    let index = 0;
    while (index < text.length) {
      switch (this.phase) {
        case 'start':
          index = this.scanStart(text, index);
          break;
        case 'array':
          index = this.scanArray(text, index, elements);
          break;
        case 'after':
          index = this.scanAfter(text, index);
          break;
        case 'object':
          index = this.scanObject(text, index);
          break;
        case 'markup':
          index = this.scanMarkup(text, index);
          break;
      }
    }
    this.offset += text.length;
  }

  end(): void {
    switch (this.phase) {
      case 'start':
        throw new SourceError(`${this.where}: empty response, expected a JSON array`, {
          hint: 'The source must return a JSON array of rows, e.g. [{"id": 1}, ...].',
        });
      case 'array': {
        const inside = this.inElement
          ? ` inside element ${this.count} (which starts at ${formatPosition(this.elementStart)})`
          : '';
        throw new SourceError(
          `${this.where}: unexpected end of input at ${formatPosition(this.here(this.offset))}${inside}: the JSON array is not closed (${this.count} complete element${this.count === 1 ? '' : 's'} read)`,
          { hint: 'The input is truncated: the download was cut off or the file was not written completely.' },
        );
      }
      case 'object':
        throw this.objectError();
      case 'markup':
        throw this.markupError();
      case 'after':
        return;
    }
  }

  private scanStart(text: string, index: number): number {
    for (; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (isWhitespace(code)) {
        if (code === NEWLINE) this.newline(this.offset + index);
        continue;
      }
      if (code === BYTE_ORDER_MARK && this.offset + index === 0) continue;
      if (code === OPEN_BRACKET) {
        this.phase = 'array';
        return index + 1;
      }
      if (code === OPEN_BRACE) {
        this.phase = 'object';
        this.elementStart = this.here(this.offset + index);
        this.closers.push(CLOSE_BRACE);
        return index + 1;
      }
      if (code === LESS_THAN) {
        this.phase = 'markup';
        return index;
      }
      const got = describeScalarStart(code);
      if (got !== undefined) {
        throw new SourceError(
          `${this.where}: expected a JSON array, got ${got} at ${formatPosition(this.here(this.offset + index))}`,
          { hint: 'The source must return a JSON array of rows, e.g. [{"id": 1}, ...].' },
        );
      }
      throw this.malformed(this.here(this.offset + index), `unexpected ${describeCharacter(code)}, expected a JSON array`);
    }
    return index;
  }

  private scanArray(text: string, index: number, elements: unknown[]): number {
    const length = text.length;
    // Index in `text` where the current element starts; 0 when it began in an earlier chunk.
    let start = 0;
    while (index < length) {
      if (this.inString) {
        index = this.skipString(text, index);
        if (this.inString) break;
        if (this.closers.length === 0) this.emit(text, start, index, elements);
        continue;
      }
      if (this.inScalar) {
        while (index < length && isScalarCharacter(text.charCodeAt(index))) index++;
        if (index === length) break;
        this.inScalar = false;
        this.emit(text, start, index, elements);
        continue;
      }
      const code = text.charCodeAt(index);
      if (this.closers.length > 0) {
        if (code === QUOTE) this.inString = true;
        else if (code === OPEN_BRACE) this.closers.push(CLOSE_BRACE);
        else if (code === OPEN_BRACKET) this.closers.push(CLOSE_BRACKET);
        else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
          const expected = this.closers.pop();
          if (code !== expected) throw this.mismatch(code, expected, this.offset + index);
          if (this.closers.length === 0) {
            index++;
            this.emit(text, start, index, elements);
            continue;
          }
        } else if (code === NEWLINE) this.newline(this.offset + index);
        index++;
        continue;
      }
      // Between elements.
      if (isWhitespace(code)) {
        if (code === NEWLINE) this.newline(this.offset + index);
        index++;
        continue;
      }
      if (code === COMMA) {
        if (this.expect !== 'comma-or-end') {
          throw this.malformed(this.here(this.offset + index), "unexpected ',', expected an element");
        }
        this.expect = 'value';
        index++;
        continue;
      }
      if (code === CLOSE_BRACKET) {
        if (this.expect === 'value') {
          throw this.malformed(this.here(this.offset + index), "unexpected ']' after ',': a trailing comma is not allowed");
        }
        this.phase = 'after';
        return index + 1;
      }
      if (this.expect === 'comma-or-end') {
        throw this.malformed(
          this.here(this.offset + index),
          `unexpected ${describeCharacter(code)} after element ${this.count - 1}, expected ',' or ']'`,
        );
      }
      if (code === OPEN_BRACE) this.closers.push(CLOSE_BRACE);
      else if (code === OPEN_BRACKET) this.closers.push(CLOSE_BRACKET);
      else if (code === QUOTE) this.inString = true;
      else if (isScalarCharacter(code)) this.inScalar = true;
      else throw this.malformed(this.here(this.offset + index), `unexpected ${describeCharacter(code)}, expected an element`);
      this.inElement = true;
      this.elementStart = this.here(this.offset + index);
      start = index;
      index++;
    }
    if (this.inElement) this.pending += text.slice(start);
    return length;
  }

  /**
   * Moves past the rest of a string from `index`: returns the index after its
   * closing quote, or `text.length` (still inside the string) when the chunk ends
   * first. Raw control characters are left for JSON.parse to reject.
   */
  private skipString(text: string, index: number): number {
    let from = index;
    if (this.escaped) {
      this.escaped = false;
      from++;
    }
    // indexOf is far faster than a loop per character; a quote is escaped when an odd number of backslashes precede it.
    for (let quote = text.indexOf('"', from); quote !== -1; quote = text.indexOf('"', quote + 1)) {
      if (backslashesBefore(text, quote, from) % 2 === 0) {
        this.inString = false;
        return quote + 1;
      }
    }
    this.escaped = backslashesBefore(text, text.length, from) % 2 === 1;
    return text.length;
  }

  private emit(text: string, start: number, end: number, elements: unknown[]): void {
    const slice = text.slice(start, end);
    const elementText = this.pending.length > 0 ? this.pending + slice : slice;
    this.pending = '';
    let value: unknown;
    try {
      value = JSON.parse(elementText);
    } catch (cause) {
      const located = locateJsonError(elementText);
      throw this.malformed(offsetPosition(this.elementStart, elementText, located.index), located.problem, cause);
    }
    elements.push(value);
    this.count++;
    this.inElement = false;
    this.expect = 'comma-or-end';
  }

  private scanAfter(text: string, index: number): number {
    for (; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (!isWhitespace(code)) {
        throw this.malformed(
          this.here(this.offset + index),
          `unexpected ${describeCharacter(code)} after the end of the array`,
        );
      }
      if (code === NEWLINE) this.newline(this.offset + index);
    }
    return index;
  }

  /** Reads a top-level object to its end, noting which first-level properties hold arrays. */
  private scanObject(text: string, index: number): number {
    const length = text.length;
    let keyStart = 0;
    while (index < length) {
      if (this.inString) {
        index = this.skipString(text, index);
        if (this.inString) break;
        if (this.inKey) {
          this.inKey = false;
          this.key = parseKey(this.keyPending + text.slice(keyStart, index));
          this.keyPending = '';
        }
        continue;
      }
      const code = text.charCodeAt(index);
      const firstLevel = this.closers.length === 1;
      if (code === QUOTE) {
        this.inString = true;
        if (firstLevel && this.objectExpect === 'key') {
          this.inKey = true;
          keyStart = index;
          this.objectExpect = 'colon';
        } else if (firstLevel) this.objectExpect = 'next';
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        if (firstLevel && this.objectExpect === 'value') {
          if (code === OPEN_BRACKET) this.arrayKeys.push(this.key);
          this.objectExpect = 'next';
        }
        this.closers.push(code === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET);
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        this.closers.pop();
        if (this.closers.length === 0) throw this.objectError();
      } else if (firstLevel && code === COLON) this.objectExpect = 'value';
      else if (firstLevel && code === COMMA) this.objectExpect = 'key';
      index++;
    }
    if (this.inKey) this.keyPending += text.slice(keyStart);
    return length;
  }

  private scanMarkup(text: string, index: number): number {
    this.excerpt = (this.excerpt + text.slice(index, index + EXCERPT_LENGTH * 2)).replace(/\s+/g, ' ');
    if (this.excerpt.trim().length > EXCERPT_LENGTH) throw this.markupError();
    return text.length;
  }

  private objectError(): SourceError {
    const only = this.arrayKeys.length === 1 ? this.arrayKeys[0] : undefined;
    const hint =
      only !== undefined
        ? `The rows seem to be in its property "${only}": the source must return that array itself, not an object around it.`
        : 'The source must return a JSON array of rows at the top level, e.g. [{"id": 1}, ...], not an object.';
    return new SourceError(`${this.where}: expected a JSON array, got an object at ${formatPosition(this.elementStart)}`, { hint });
  }

  private markupError(): SourceError {
    const collapsed = this.excerpt.trim();
    const excerpt = collapsed.length > EXCERPT_LENGTH ? `${collapsed.slice(0, EXCERPT_LENGTH)}...` : collapsed;
    return new SourceError(`${this.where}: expected a JSON array, got an HTML page: ${JSON.stringify(excerpt)}`, {
      hint: 'This is a web page, not JSON data: check that the source location points at the data itself.',
    });
  }

  private mismatch(code: number, expected: number | undefined, offset: number): SourceError {
    const wanted = expected === undefined ? '' : `, expected ${describeCharacter(expected)}`;
    return this.malformed(this.here(offset), `unexpected ${describeCharacter(code)}${wanted}`);
  }

  private malformed(position: Position, problem: string, cause?: unknown): SourceError {
    return new SourceError(`${this.where}: malformed JSON at ${formatPosition(position)}: ${problem}`, {
      hint: 'The source must be one valid JSON array; fix the data at that position.',
      cause,
    });
  }

  private newline(offset: number): void {
    this.line++;
    this.lineStart = offset + 1;
  }

  private here(offset: number): Position {
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}

/**
 * Decodes UTF-8 chunk by chunk, carrying a character split across chunks over to
 * the next one itself (rather than using TextDecoder's stream mode) so that an
 * invalid sequence can be reported at its exact byte offset.
 */
class Utf8ChunkDecoder {
  // ignoreBOM: each call decodes a fresh piece; the scanner skips a BOM at the very start only.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private carry: Uint8Array | undefined;
  /** Bytes decoded so far, i.e. the offset of `carry`'s first byte. */
  private decoded = 0;

  constructor(private readonly where: string) {}

  decode(chunk: Uint8Array): string {
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    const end = completeLength(bytes);
    let text: string;
    try {
      text = this.decoder.decode(bytes.subarray(0, end));
    } catch (cause) {
      throw new SourceError(`${this.where}: invalid UTF-8 at byte offset ${this.decoded + firstInvalidByte(bytes, end)}`, {
        hint: 'The source must be JSON encoded as UTF-8.',
        cause,
      });
    }
    this.carry = end < bytes.length ? bytes.slice(end) : undefined;
    this.decoded += end;
    return text;
  }

  end(): void {
    if (this.carry === undefined) return;
    throw new SourceError(`${this.where}: the input ends inside a UTF-8 character at byte offset ${this.decoded}`, {
      hint: 'The input is truncated or not UTF-8: the download was cut off or the file was not written completely.',
    });
  }
}

/** The length of the prefix of `bytes` that does not end inside a multi-byte character. */
function completeLength(bytes: Uint8Array): number {
  const length = bytes.length;
  const stop = Math.max(0, length - 4);
  let lead = length - 1;
  while (lead >= stop && (bytes[lead]! & 0xc0) === 0x80) lead--;
  // No lead byte among the last four: the bytes are invalid; let the decoder report it.
  if (lead < stop) return length;
  const byte = bytes[lead]!;
  const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return lead + size > length ? lead : length;
}

/** The index of the first byte of the first invalid UTF-8 sequence in `bytes[0, end)`. */
function firstInvalidByte(bytes: Uint8Array, end: number): number {
  let index = 0;
  while (index < end) {
    const byte = bytes[index]!;
    if (byte < 0x80) {
      index++;
      continue;
    }
    let size: number;
    // Tighter second-byte ranges exclude overlong forms, surrogates and code points above U+10FFFF.
    let low = 0x80;
    let high = 0xbf;
    if (byte >= 0xc2 && byte <= 0xdf) size = 2;
    else if (byte >= 0xe0 && byte <= 0xef) {
      size = 3;
      if (byte === 0xe0) low = 0xa0;
      if (byte === 0xed) high = 0x9f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      size = 4;
      if (byte === 0xf0) low = 0x90;
      if (byte === 0xf4) high = 0x8f;
    } else return index;
    if (index + size > end) return index;
    const second = bytes[index + 1]!;
    if (second < low || second > high) return index;
    for (let next = 2; next < size; next++) {
      if ((bytes[index + next]! & 0xc0) !== 0x80) return index;
    }
    index += size;
  }
  return index;
}

class LocatedJsonError {
  constructor(
    readonly index: number,
    readonly problem: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * Where and why `JSON.parse` rejected `text`. V8's messages do not always carry a
 * position, so this strict re-reader, run only after a failure, finds it.
 */
function locateJsonError(text: string): { index: number; problem: string } {
  let index = 0;
  const fail = (problem: string): never => {
    throw new LocatedJsonError(index, problem);
  };
  const skipWhitespace = (): void => {
    while (index < text.length && isWhitespace(text.charCodeAt(index))) index++;
  };
  const unexpected = (expected: string): never =>
    fail(index < text.length ? `unexpected ${describeCharacter(text.charCodeAt(index))}, expected ${expected}` : `unexpected end of input, expected ${expected}`);
  const readString = (): void => {
    index++;
    for (;;) {
      if (index >= text.length) fail('unterminated string');
      const code = text.charCodeAt(index);
      if (code === QUOTE) {
        index++;
        return;
      }
      if (code === BACKSLASH) {
        const escape = text[index + 1];
        if (escape !== undefined && '"\\/bfnrt'.includes(escape)) index += 2;
        else if (escape === 'u') {
          HEX4.lastIndex = index + 2;
          if (!HEX4.test(text)) fail('invalid \\u escape: it needs four hex digits');
          index += 6;
        } else fail(`invalid escape sequence '\\${escape ?? ''}'`);
      } else if (code < SPACE) fail(`raw ${describeCharacter(code)} inside a string; it must be escaped`);
      else index++;
    }
  };
  const readValue = (): void => {
    skipWhitespace();
    const code = text.charCodeAt(index);
    if (code === OPEN_BRACE) {
      index++;
      skipWhitespace();
      if (text.charCodeAt(index) === CLOSE_BRACE) {
        index++;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text.charCodeAt(index) !== QUOTE) unexpected('a property name in double quotes');
        readString();
        skipWhitespace();
        if (text.charCodeAt(index) !== COLON) unexpected("':' after the property name");
        index++;
        readValue();
        skipWhitespace();
        const next = text.charCodeAt(index);
        if (next === CLOSE_BRACE) {
          index++;
          return;
        }
        if (next !== COMMA) unexpected("',' or '}'");
        index++;
      }
    }
    if (code === OPEN_BRACKET) {
      index++;
      skipWhitespace();
      if (text.charCodeAt(index) === CLOSE_BRACKET) {
        index++;
        return;
      }
      for (;;) {
        readValue();
        skipWhitespace();
        const next = text.charCodeAt(index);
        if (next === CLOSE_BRACKET) {
          index++;
          return;
        }
        if (next !== COMMA) unexpected("',' or ']'");
        index++;
      }
    }
    if (code === QUOTE) return readString();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, index)) {
        index += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = index;
    if (NUMBER.test(text)) {
      index = NUMBER.lastIndex;
      return;
    }
    unexpected('a value');
  };
  try {
    readValue();
    skipWhitespace();
    if (index < text.length) unexpected('the end of the element');
  } catch (error) {
    if (error instanceof LocatedJsonError) return error;
    // Nesting too deep to re-read recursively: point at the element itself.
    if (error instanceof RangeError) return { index: 0, problem: 'the element is not valid JSON' };
    throw error;
  }
  return { index: 0, problem: 'the element is not valid JSON' };
}

/** How many backslashes directly precede `text[end]`, looking no further back than `from`. */
function backslashesBefore(text: string, end: number, from: number): number {
  let at = end - 1;
  while (at >= from && text.charCodeAt(at) === BACKSLASH) at--;
  return end - 1 - at;
}

/** The position `index` characters into `text`, which starts at `start`. */
function offsetPosition(start: Position, text: string, index: number): Position {
  const lastNewline = index === 0 ? -1 : text.lastIndexOf('\n', index - 1);
  if (lastNewline === -1) return { line: start.line, column: start.column + index };
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) lines++;
  return { line: start.line + lines, column: index - lastNewline };
}

function parseKey(raw: string): string {
  try {
    return String(JSON.parse(raw));
  } catch {
    return raw;
  }
}

function formatPosition(position: Position): string {
  return `line ${position.line}, column ${position.column}`;
}

function isWhitespace(code: number): boolean {
  return code === SPACE || code === NEWLINE || code === CARRIAGE_RETURN || code === TAB;
}

/** Characters of numbers and of `true`/`false`/`null` (and of their misspellings, which JSON.parse rejects). */
function isScalarCharacter(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    code === 0x2d ||
    code === 0x2b ||
    code === 0x2e
  );
}

function describeScalarStart(code: number): string | undefined {
  if (code === QUOTE) return 'a string';
  if (code === 0x2d || (code >= 0x30 && code <= 0x39)) return 'a number';
  if (code === 0x74 || code === 0x66 || code === 0x6e) return 'a bare value (true, false or null)';
  return undefined;
}

function describeCharacter(code: number): string {
  if (code < SPACE || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCharCode(code)}'`;
}
