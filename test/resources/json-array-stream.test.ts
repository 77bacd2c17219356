import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/core/errors.js';
import { JsonArrayParser, parseJsonArray } from '../../src/resources/json-array-stream.js';

const encoder = new TextEncoder();

/** `bytes` cut into pieces of the given sizes (the last size repeats). */
async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let turn = 0;
  while (offset < bytes.length) {
    const size = sizes[Math.min(turn, sizes.length - 1)]!;
    yield bytes.slice(offset, offset + size);
    offset += size;
    turn++;
  }
}

async function parse(input: string | Uint8Array, sizes: readonly number[] = [1 << 16]): Promise<unknown[]> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  const elements: unknown[] = [];
  for await (const element of parseJsonArray(chunked(bytes, sizes), 'test.json')) elements.push(element);
  return elements;
}

async function parseError(input: string | Uint8Array, sizes?: readonly number[]): Promise<SourceError> {
  const error: unknown = await parse(input, sizes).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SourceError);
  const sourceError = error as SourceError;
  expect(sourceError.retryable).toBe(false);
  expect(sourceError.message).toMatch(/^test\.json: /);
  return sourceError;
}

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RICH = JSON.stringify([
  { id: 1, name: 'Zoë Ünal', city: '東京', note: 'emoji 😀 and 👩‍💻', tags: ['a', 'b'] },
  { id: 2, text: 'brackets [ ] { } , : inside "quotes"', path: 'C:\\temp\\x', nested: { deep: [[1, [2, [3]]], { k: null }] } },
  [],
  {},
  'plain string',
  -12.5e3,
  0,
  true,
  false,
  null,
  { escapes: '\u0001\t\n\r\b\f/\\"', unicode: 'é\u2028\u2029' },
]);

describe('parseJsonArray', () => {
  it('yields every element of an array, equal to JSON.parse of the whole', async () => {
    expect(await parse(RICH)).toEqual(JSON.parse(RICH));
  });

  it('parses the same when fed one byte at a time', async () => {
    expect(await parse(RICH, [1])).toEqual(JSON.parse(RICH));
  });

  it('parses the same whatever chunk boundary splits a multi-byte character or an escape', async () => {
    const text = '[{"a":"é日😀\\u00e9\\ud83d\\ude00\\"\\\\"},"x"]';
    const bytes = encoder.encode(text);
    const expected = JSON.parse(text);
    for (let split = 1; split < bytes.length; split++) {
      expect(await parse(bytes, [split, bytes.length])).toEqual(expected);
    }
  });

  it('decodes escapes: quote, backslash, \\u00e9 and surrogate pairs', async () => {
    const text = String.raw`["\"", "\\", "\u00e9", "\ud83d\ude00", "a\\\"b", "\/"]`;
    expect(await parse(text, [1])).toEqual(['"', '\\', 'é', '😀', 'a\\"b', '/']);
  });

  it('keeps strings that contain brackets, braces, commas and colons intact', async () => {
    const text = '["]", "[", "}", "{", ",", ":", "\\"]\\"", {"k]": "v{,"}]';
    expect(await parse(text, [1])).toEqual([']', '[', '}', '{', ',', ':', '"]"', { 'k]': 'v{,' }]);
  });

  it('reads nested arrays and objects as single elements', async () => {
    const text = '[[1, [2, [3, [4]]]], {"a": {"b": {"c": [{"d": []}]}}}, [[], {}]]';
    expect(await parse(text, [3])).toEqual(JSON.parse(text));
  });

  it('accepts whitespace around and between elements, and a leading byte order mark', async () => {
    expect(await parse('\ufeff \n\t[ 1 ,\r\n 2 , "x" ]\n\n ')).toEqual([1, 2, 'x']);
  });

  it('accepts an empty array', async () => {
    expect(await parse(' [ ] ')).toEqual([]);
  });

  it('streams 50,000 elements cut into random chunk sizes to the same result as JSON.parse', async () => {
    const next = random(20_240_601);
    const rows = Array.from({ length: 50_000 }, (_, id) => ({
      id,
      name: `user ${id} ${'é😀'.repeat(id % 3)}`,
      score: next() * 1000 - 500,
      tags: id % 7 === 0 ? [] : ['x', { y: id % 5 === 0 ? null : '[,]' }],
    }));
    const bytes = encoder.encode(JSON.stringify(rows, null, 2));
    const sizes = Array.from({ length: 20_000 }, () => 1 + Math.floor(next() * 700));
    expect(await parse(bytes, sizes)).toEqual(rows);
  });

  it('yields the elements of a chunk before the next chunk arrives', async () => {
    let release!: () => void;
    const secondChunk = new Promise<void>((resolve) => (release = resolve));
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('[{"id": 1}, {"id"');
      await secondChunk;
      yield encoder.encode(': 2}]');
    }
    const elements = parseJsonArray(slow(), 'slow');
    expect((await elements.next()).value).toEqual({ id: 1 });
    release();
    expect((await elements.next()).value).toEqual({ id: 2 });
    expect((await elements.next()).done).toBe(true);
  });

  describe('errors', () => {
    it('rejects an empty input', async () => {
      expect((await parseError('')).message).toBe('test.json: empty response, expected a JSON array');
      expect((await parseError(' \n\t ')).message).toBe('test.json: empty response, expected a JSON array');
    });

    it('rejects a top-level object and names its one array property in the hint', async () => {
      const error = await parseError('{"meta": {"page": 1, "list": [0]}, "data": [{"id": 1}, {"id": 2}], "total": 2}', [5]);
      expect(error.message).toBe('test.json: expected a JSON array, got an object at line 1, column 1');
      expect(error.hint).toContain('"data"');
    });

    it('does not guess a property when an object has several arrays', async () => {
      const error = await parseError('\n  {"a": [1], "b": [2]}');
      expect(error.message).toBe('test.json: expected a JSON array, got an object at line 2, column 3');
      expect(error.message).toContain('got an object');
      expect(error.hint).not.toContain('"a"');
      expect(error.hint).not.toContain('"b"');
    });

    it('rejects a scalar at the top level', async () => {
      expect((await parseError('  42')).message).toBe('test.json: expected a JSON array, got a number at line 1, column 3');
      expect((await parseError('"rows"')).message).toContain('got a string');
      expect((await parseError('null')).message).toContain('got a bare value');
    });

    it('rejects an HTML page and quotes its start', async () => {
      const page = `<!DOCTYPE html>\n<html>\n  <head><title>Sign in</title></head><body>${'x'.repeat(200)}</body></html>`;
      const error = await parseError(page, [7]);
      expect(error.message).toMatch(/^test\.json: expected a JSON array, got an HTML page: "<!DOCTYPE html> <html> <head><title>Sign in<\/title>/);
      expect(error.message.length).toBeLessThan(140);
    });

    it('locates malformed JSON inside an element by line and column', async () => {
      const error = await parseError('[\n  {"a": 1},\n  {"b": tru}\n]', [4]);
      expect(error.message).toBe(`test.json: malformed JSON at line 3, column 9: unexpected 't', expected a value`);
    });

    it('locates a trailing comma inside an object', async () => {
      const error = await parseError('[{"a": 1,}]');
      expect(error.message).toBe(`test.json: malformed JSON at line 1, column 10: unexpected '}', expected a property name in double quotes`);
    });

    it('locates a missing comma between elements', async () => {
      const error = await parseError('[1 2]');
      expect(error.message).toBe(`test.json: malformed JSON at line 1, column 4: unexpected '2' after element 0, expected ',' or ']'`);
    });

    it('locates a trailing comma before the closing bracket', async () => {
      expect((await parseError('[1,]')).message).toBe(
        `test.json: malformed JSON at line 1, column 4: unexpected ']' after ',': a trailing comma is not allowed`,
      );
    });

    it('locates a mismatched closing bracket', async () => {
      expect((await parseError('[{"a": [1}]', [1])).message).toBe(
        `test.json: malformed JSON at line 1, column 10: unexpected '}', expected ']'`,
      );
    });

    it('locates a raw line break inside a string', async () => {
      expect((await parseError('["a\nb"]')).message).toBe(
        'test.json: malformed JSON at line 1, column 4: raw control character U+000A inside a string; it must be escaped',
      );
    });

    it('locates an invalid escape sequence', async () => {
      expect((await parseError('[1,\n "a\\qb"]')).message).toBe(`test.json: malformed JSON at line 2, column 4: invalid escape sequence '\\q'`);
    });

    it('reports truncated input with where it ends and how many elements were complete', async () => {
      const error = await parseError('[1, 2, {"a": "b', [2]);
      expect(error.message).toBe(
        'test.json: unexpected end of input at line 1, column 16 inside element 2 (which starts at line 1, column 8): the JSON array is not closed (2 complete elements read)',
      );
      expect((await parseError('[1,\n2,\n')).message).toBe(
        'test.json: unexpected end of input at line 3, column 1: the JSON array is not closed (2 complete elements read)',
      );
    });

    it('rejects anything but whitespace after the array', async () => {
      expect((await parseError('[1] x')).message).toBe(`test.json: malformed JSON at line 1, column 5: unexpected 'x' after the end of the array`);
      expect((await parseError('[1]\n[2]', [1])).message).toBe(
        `test.json: malformed JSON at line 2, column 1: unexpected '[' after the end of the array`,
      );
    });

    it('reports invalid UTF-8 with its byte offset', async () => {
      const bytes = new Uint8Array([...encoder.encode('[1, "é'), 0xff, ...encoder.encode('"]')]);
      expect((await parseError(bytes, [1])).message).toBe('test.json: invalid UTF-8 at byte offset 7');
      expect((await parseError(bytes)).message).toBe('test.json: invalid UTF-8 at byte offset 7');
    });

    it('reports input that ends inside a UTF-8 character', async () => {
      const bytes = new Uint8Array([...encoder.encode('["'), 0xe6, 0x97]);
      expect((await parseError(bytes)).message).toBe('test.json: the input ends inside a UTF-8 character at byte offset 2');
    });
  });
});

describe('JsonArrayParser', () => {
  // Dense multi-byte text (2, 3 and 4 bytes a character) over a few hundred
  // kilobytes: the parser decodes a large chunk in pieces, and whatever byte
  // the pieces' boundaries fall on, a character split there must be joined.
  const rows = Array.from({ length: 3_000 }, (_, id) => ({ id, text: `é日😀 ${id} ${'ü語🎉'.repeat(id % 13)}` }));
  const json = JSON.stringify(rows);

  it('gives every element of one large chunk, however its characters fall on the decoding pieces', () => {
    for (let shift = 0; shift < 12; shift++) {
      const parser = new JsonArrayParser('big.json');
      const bytes = encoder.encode(' '.repeat(shift) + json);
      expect(bytes.length).toBeGreaterThan(200_000);
      expect(parser.push(bytes)).toEqual(rows);
      parser.end();
    }
  });

  it('reports invalid UTF-8 and malformed JSON far into a large chunk at their exact place', () => {
    const bytes = encoder.encode(json);
    const invalidAt = 150_001;
    const broken = new Uint8Array(bytes);
    broken[invalidAt] = 0xff;
    expect(() => new JsonArrayParser('big.json').push(broken)).toThrow(`big.json: invalid UTF-8 at byte offset ${invalidAt}`);

    const malformed = `${json.slice(0, -1)},
{"id": 3000, "text": "x",}]`;
    expect(() => new JsonArrayParser('big.json').push(encoder.encode(malformed))).toThrow(
      `big.json: malformed JSON at line 2, column 26: unexpected '}', expected a property name in double quotes`,
    );
  });
});

