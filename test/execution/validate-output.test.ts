import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager, type Row } from '../../src/index.js';
import { validateOutput } from '../../src/execution/validate-output.js';

/** Validates `rows` (ids 1, 2, 3, ...) as the output of an asset with `id` and one column `value` of `field`. */
function validate(field: z.ZodType, values: readonly unknown[]): () => void {
  const checked = asset({ key: 'checked', schema: z.object({ id: z.int(), value: field }), compute: () => [] });
  const defined = defineDefinitions({ assets: [checked], ioManagers: { default: new MemoryIOManager() } }).asset('checked')!;
  // Values outside CellValue (undefined) are what a JavaScript compute may return.
  return () => validateOutput(defined, values.map((value, index) => ({ id: index + 1, value }) as Row));
}

const invalid = (row: number, expected: string, got: string) =>
  `Asset "checked" returned an invalid row ${row} (id ${row + 1}): column "value" expected ${expected}, got ${got}.`;

describe('validateOutput', () => {
  it.each([
    ['string', z.string(), ['a', 'b', 1, 'c'], 2, 'a string', '1'],
    ['string', z.string(), ['a', undefined], 1, 'a string', 'undefined'],
    ['number', z.number(), [1.5, 2, Number.NaN], 2, 'a finite number', 'NaN'],
    ['number', z.number(), [1.5, Number.POSITIVE_INFINITY], 1, 'a finite number', 'Infinity'],
    ['number', z.number(), [1, '2'], 1, 'a finite number', '"2"'],
    ['integer', z.int(), [1, 2, 3.5], 2, 'a safe integer', '3.5'],
    ['integer', z.int(), [2 ** 53], 0, 'a safe integer', String(2 ** 53)],
    ['boolean', z.boolean(), [true, false, 0], 2, 'a boolean', '0'],
    ['non-nullable string', z.string(), ['a', null], 1, 'a string, not null', 'null'],
    ['non-nullable integer', z.int(), [null], 0, 'a integer, not null', 'null'],
  ])('names the first row whose value is not a %s', (_, field, values, row, expected, got) => {
    expect(validate(field, values)).toThrow(invalid(row, expected, got));
  });

  it.each([
    ['string', z.string().nullable(), ['a', null]],
    ['number', z.number().nullable(), [null, 1.5]],
    ['integer', z.int().nullable(), [1, null]],
    ['boolean', z.boolean().nullable(), [null, true]],
  ])('accepts nulls in a nullable %s column', (_, field, values) => {
    expect(validate(field, values)).not.toThrow();
  });

  it('runs a field\'s own checks beyond its kind on every value', () => {
    expect(validate(z.email(), ['a@example.com', 'not an email'])).toThrow(/^Asset "checked" returned an invalid row 1 \(id 2\): column "value" expected /);
    expect(validate(z.int().min(2), [2, 3, 1])).toThrow(/invalid row 2 \(id 3\)/);
  });

  it('names the first wrong row, whether its own checks or its kind refuse it', () => {
    expect(validate(z.int().min(2), [2, 1, 2.5])).toThrow(/invalid row 1 \(id 2\): column "value" expected /);
    expect(validate(z.int().min(2), [2, 2.5, 1])).toThrow(invalid(1, 'a safe integer', '2.5'));
  });
});
