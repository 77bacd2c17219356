import { describe, expect, it } from 'vitest';
import { packRecords, unpackRecords } from '../../src/parallel/record-columns.js';

/** Packs, posts through a real structured clone as a worker's message would be, and unpacks. */
function roundTrip(records: unknown[]): { records: unknown[]; kind: string } {
  const { packed, transfer } = packRecords(records);
  const received = structuredClone(packed, { transfer });
  return { records: unpackRecords(received), kind: received.kind };
}

describe('packRecords / unpackRecords', () => {
  it('rebuilds records of one shape from columns, strings of one and two bytes per character mixed', () => {
    const long = 'x'.repeat(40_000);
    const records = [
      { id: 1, title: 'plain', body: 'café', score: -0 },
      { id: 2.5, title: '', body: 'emoji 😀 here', score: 1e308 },
      { id: -3, title: long, body: '\ud800 lone surrogate', score: Number.MIN_VALUE },
      { id: 4, title: 'after a long one', body: '', score: 0 },
    ];
    const { records: back, kind } = roundTrip(records);
    expect(kind).toBe('columns');
    expect(back).toEqual(records);
    expect(Object.is((back[0] as { score: number }).score, -0)).toBe(true);
    expect(Object.keys(back[0] as object)).toEqual(['id', 'title', 'body', 'score']);
  });

  it('keeps the order of values across many pieces of a string column', () => {
    const records = Array.from({ length: 5_000 }, (_, index) => ({ text: index % 7 === 0 ? `wide ${index} ✓` : `narrow ${index} ${'y'.repeat(index % 50)}`, empty: '' }));
    expect(roundTrip(records).records).toEqual(records);
  });

  it('sends columns of other values (null, booleans, objects, mixed kinds) as they are', () => {
    const records = [
      { id: 1, flag: true, nested: { a: [1, 2] }, mixed: 'a', maybe: null },
      { id: 2, flag: false, nested: { a: [] }, mixed: 3, maybe: 'x' },
    ];
    expect(roundTrip(records).records).toEqual(records);
  });

  it('sends records of different shapes, or that are not plain objects, as records', () => {
    for (const records of [[{ a: 1 }, { b: 1 }], [{ a: 1, b: 2 }, { b: 2, a: 1 }], [{ a: 1 }, { a: 1, b: 2 }], [1, 'two', null, [3]], [JSON.parse('{"__proto__": 1}')]]) {
      const { records: back, kind } = roundTrip(records);
      expect(kind).toBe('records');
      expect(back).toEqual(records);
    }
  });
});
