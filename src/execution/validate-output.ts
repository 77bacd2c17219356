import { fromArquero, isArqueroTable } from '../core/arquero-table.js';
import type { ComputeOutput } from '../core/asset.js';
import type { DefinedAsset } from '../core/definitions.js';
import { describeValue, rowLabel } from '../core/describe-value.js';
import { SchemaError } from '../core/errors.js';
import type { ColumnSpec } from '../core/row-schema.js';
import { type Columns, type Row, Table } from '../core/table.js';
import type { z } from 'zod';

/** An input of the asset being validated whose table was itself validated, against the upstream's columns. */
export interface ValidatedInput {
  readonly asset: DefinedAsset;
  readonly table: Table<Row>;
}

/**
 * Turns what a compute returned into a table of exactly the asset's columns,
 * checking every value against the schema. Checks column by column: the kind
 * test is a `typeof` per value, and zod runs only on fields that carry extra
 * checks (`.email()`, `.min()`, ...), so millions of rows stay cheap.
 *
 * A column passed on unchanged from one of `inputs` (the same array, as a join
 * that keeps one side's columns returns them) with the same kind and no extra
 * checks is not checked again: those values were checked when the input was
 * produced, and tables are immutable.
 */
export function validateOutput(asset: DefinedAsset, computed: ComputeOutput<Row>, inputs: readonly ValidatedInput[] = []): Table<Row> {
  const names = asset.columns.map((column) => column.name);
  // An arquero table becomes a Table column by column, then is checked like one.
  const output = isArqueroTable(computed) ? fromArquero(computed, names) : computed;
  let table: Table<Row>;
  if (output instanceof Table) {
    const missing = names.filter((name) => !output.columnNames.includes(name));
    if (missing.length > 0) {
      throw new SchemaError(
        `Asset "${asset.key}" returned a table without column${missing.length === 1 ? '' : 's'} ${missing.map((n) => `"${n}"`).join(', ')}.`,
        { hint: `Its schema declares: ${names.join(', ')}.` },
      );
    }
    const columns = Object.fromEntries(names.map((name) => [name, output.column(name)])) as Columns<Row>;
    table = Table.fromColumns(columns, names);
  } else if (Array.isArray(output)) {
    table = Table.fromRows(output as readonly Row[], names);
  } else {
    throw new SchemaError(`Asset "${asset.key}" returned ${describeValue(output)}, not rows or a Table.`, {
      hint: 'Return an array of row objects, a Table built with Table.fromRows / Table.fromColumns, or an arquero table.',
    });
  }
  const checked = checkedColumnKinds(inputs);
  for (const column of asset.columns) {
    const field = asset.schema.shape[column.name] as z.ZodType;
    const refined = hasExtraChecks(field);
    if (!refined && checked.get(table.column(column.name)) === kindOf(column)) continue;
    checkColumn(asset, column, table, refined ? field : undefined);
  }
  return table;
}

/** The column arrays of `inputs`, each with the kind its values were checked against. */
function checkedColumnKinds(inputs: readonly ValidatedInput[]): Map<ReadonlyArray<unknown>, string> {
  const checked = new Map<ReadonlyArray<unknown>, string>();
  for (const input of inputs) {
    for (const column of input.asset.columns) checked.set(input.table.column(column.name), kindOf(column));
  }
  return checked;
}

function kindOf(column: ColumnSpec): string {
  return column.nullable ? `${column.kind}?` : column.kind;
}

/** Checks every value of `column` for its kind, and against `refined` (its zod field) when it has checks beyond the kind. */
function checkColumn(asset: DefinedAsset, column: ColumnSpec, table: Table<Row>, refined: z.ZodType | undefined): void {
  const values = table.column(column.name);
  const wrong = firstOfOtherKind(column, values);
  // The rows before the first of another kind may hold an earlier value the field's own checks refuse: the first wrong row is named.
  for (let index = 0; refined !== undefined && index < (wrong < 0 ? values.length : wrong); index++) {
    const result = refined.safeParse(values[index]);
    if (!result.success) throw invalidValue(asset, table, index, column.name, values[index], result.error.issues[0]?.message ?? 'a valid value');
  }
  if (wrong >= 0) throw invalidValue(asset, table, wrong, column.name, values[wrong], expectedInstead(column, values[wrong]));
}

/**
 * The index of the first of `values` not of the column's kind, or -1. One
 * loop per kind, the test inlined: half the time of one function testing
 * value by value, which adds up over the 55M values of a 5M-post run.
 */
function firstOfOtherKind(column: ColumnSpec, values: readonly unknown[]): number {
  const nullable = column.nullable;
  switch (column.kind) {
    case 'string':
      for (let index = 0; index < values.length; index++) if (typeof values[index] !== 'string' && (values[index] !== null || !nullable)) return index;
      return -1;
    case 'number':
      for (let index = 0; index < values.length; index++) if (!Number.isFinite(values[index]) && (values[index] !== null || !nullable)) return index;
      return -1;
    case 'integer':
      for (let index = 0; index < values.length; index++) if (!Number.isSafeInteger(values[index]) && (values[index] !== null || !nullable)) return index;
      return -1;
    case 'boolean':
      for (let index = 0; index < values.length; index++) if (typeof values[index] !== 'boolean' && (values[index] !== null || !nullable)) return index;
      return -1;
  }
}

/** What was expected instead of `value`, which is not of the column's kind. */
function expectedInstead(column: ColumnSpec, value: unknown): string {
  if (value === null) return `a ${column.kind}, not null`;
  return { string: 'a string', number: 'a finite number', integer: 'a safe integer', boolean: 'a boolean' }[column.kind];
}

/** zod fields whose checks go beyond the column kind we test ourselves (integers are one we test). */
function hasExtraChecks(field: z.ZodType): boolean {
  const def = field._zod.def as { type: string; checks?: unknown[]; format?: string; innerType?: z.ZodType };
  if (def.type === 'nullable' && def.innerType !== undefined) return hasExtraChecks(def.innerType);
  if (def.type === 'enum') return true;
  // z.email(), z.uuid(), ... are strings with a format.
  if (def.type === 'string' && def.format !== undefined) return true;
  const checks = def.checks?.length ?? 0;
  if (def.type === 'number' && (field as z.ZodNumber).isInt) {
    // z.int() carries the integer rule as its format; z.number().int() as one check.
    return checks > (def.format === 'safeint' ? 0 : 1);
  }
  return checks > 0;
}

function invalidValue(asset: DefinedAsset, table: Table<Row>, index: number, column: string, value: unknown, expected: string): SchemaError {
  const first = table.columnNames[0];
  const id = first !== undefined && first !== column ? ` (${first} ${describeValue(table.column(first)[index])})` : '';
  return new SchemaError(
    `Asset "${asset.key}" returned an invalid ${rowLabel(index)}${id}: column "${column}" expected ${expected}, got ${describeValue(value)}.`,
    { hint: `Fix the compute of "${asset.key}" or its schema; nothing was written.` },
  );
}

