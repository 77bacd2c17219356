import { describe, expect, it } from 'vitest';
import { describeValue, rowLabel } from '../../src/core/describe-value.js';

describe('describeValue', () => {
  it('quotes strings, shows objects as JSON and numbers as they are', () => {
    expect(describeValue('')).toBe('""');
    expect(describeValue(' ')).toBe('" "');
    expect(describeValue({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
    expect(describeValue(1.5)).toBe('1.5');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
  });

  it('says what JSON would hide or refuse', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(describeValue(12n)).toBe('12n (a bigint)');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('[object Object]');
  });

  it('cuts a long value after 80 characters', () => {
    expect(describeValue('x'.repeat(200))).toBe(`"${'x'.repeat(79)}...`);
  });
});

describe('rowLabel', () => {
  it('numbers rows from 0, as Table.row does', () => {
    expect(rowLabel(0)).toBe('row 0');
  });
});
