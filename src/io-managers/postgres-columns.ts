import type { ColumnKind, ColumnSpec } from '../core/row-schema.js';
import { quotePostgresName } from './postgres-name.js';

/**
 * The Postgres type of each column kind. Enums are `string` columns: a
 * `ColumnSpec` does not keep the enum's values, and the asset's schema
 * already checks them before anything is stored.
 */
const POSTGRES_TYPES: Record<ColumnKind, string> = {
  string: 'text',
  // zod's integers go up to 2^53 - 1, past a 4-byte integer.
  integer: 'bigint',
  // Every finite double, -0 included, reads back bit for bit.
  number: 'double precision',
  boolean: 'boolean',
};

/** The column list of `CREATE TABLE` for an asset's columns: a type per kind, `NOT NULL` unless nullable. */
export function postgresColumnDefinitions(columns: readonly ColumnSpec[]): string {
  return columns
    .map((column) => `${quotePostgresName(column.name, 'column name')} ${POSTGRES_TYPES[column.kind]}${column.nullable ? '' : ' NOT NULL'}`)
    .join(', ');
}

/**
 * The select list that reads an asset's columns back as the CSV reader
 * expects them. Booleans are cast to text: Postgres writes a boolean as
 * `t`/`f` in CSV, but its text form is `true`/`false`, what the CSV codec
 * writes and reads.
 */
export function postgresColumnOutputs(columns: readonly ColumnSpec[]): string {
  return columns
    .map((column) => {
      const name = quotePostgresName(column.name, 'column name');
      return column.kind === 'boolean' ? `${name}::text AS ${name}` : name;
    })
    .join(', ');
}
