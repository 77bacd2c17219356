import { z } from 'zod';

/**
 * The zod schema of an asset's rows: an object whose fields are flat columns
 * (string, number, integer, boolean or enum, each possibly nullable).
 */
export type RowSchema = z.ZodObject<z.ZodRawShape>;

/** The row type a `RowSchema` describes. */
export type RowOf<S extends RowSchema> = z.infer<S>;

/** How a column is stored and read back: CSV and other text formats coerce by this. */
export type ColumnKind = 'string' | 'number' | 'integer' | 'boolean';

export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
}

/**
 * The columns of a row schema in declaration order, or the problems that keep
 * it from being a flat table (so definition validation can report them all).
 */
export function describeColumns(schema: RowSchema): { columns: ColumnSpec[]; problems: string[] } {
  const columns: ColumnSpec[] = [];
  const problems = eachField(schema, (name, field) => {
    // zod works out `isInt` from the number's checks on first read: a few microseconds a column.
    const kind = field.type === 'number' ? (field.schema.isInt ? 'integer' : 'number') : field.type;
    columns.push({ name, kind, nullable: field.nullable });
  });
  return { columns, problems };
}

/**
 * The problems of `describeColumns` alone. Validation checks every schema on
 * every load, while only a run reads the columns: this leaves out telling
 * integer from number columns, which cost half of validating the schemas of
 * 100k assets.
 */
export function schemaProblems(schema: RowSchema): string[] {
  return eachField(schema, () => {});
}

/** A column's zod type, unwrapped from `.nullable()`; number columns keep their schema for `isInt`. */
type FieldType = { readonly type: 'string' | 'boolean'; readonly nullable: boolean } | { readonly type: 'number'; readonly schema: z.ZodNumber; readonly nullable: boolean };

/** Calls `column` for each field that is a flat column, in declaration order; returns the problems of the others. */
function eachField(schema: RowSchema, column: (name: string, field: FieldType) => void): string[] {
  const problems: string[] = [];
  let columns = 0;
  // The definition's shape, which `schema.shape` returns: the first read of `shape` defines it on the
  // schema twice over (zod computes it lazily), a tenth of a second at 100k schemas.
  for (const [name, field] of Object.entries(schema._zod.def.shape)) {
    const typed = fieldType(field as z.ZodType);
    if (typeof typed === 'string') problems.push(`column "${name}" ${typed}`);
    else {
      columns++;
      column(name, typed);
    }
  }
  if (columns === 0 && problems.length === 0) problems.push('the schema has no columns');
  return problems;
}

function fieldType(field: z.ZodType): FieldType | string {
  const def = field._zod.def;
  switch (def.type) {
    case 'nullable': {
      const inner = fieldType((def as z.core.$ZodNullableDef).innerType as z.ZodType);
      return typeof inner === 'string' ? inner : { ...inner, nullable: true };
    }
    case 'string':
    case 'enum':
      return { type: 'string', nullable: false };
    case 'number':
      return { type: 'number', schema: field as z.ZodNumber, nullable: false };
    case 'boolean':
      return { type: 'boolean', nullable: false };
    default:
      return `has type "${def.type}"; a column must be a string, number, integer, boolean or enum (optionally .nullable())`;
  }
}
