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
  const problems: string[] = [];
  for (const [name, field] of Object.entries(schema.shape)) {
    const described = describeField(field as z.ZodType);
    if (typeof described === 'string') problems.push(`column "${name}" ${described}`);
    else columns.push({ name, ...described });
  }
  if (columns.length === 0 && problems.length === 0) problems.push('the schema has no columns');
  return { columns, problems };
}

function describeField(field: z.ZodType): { kind: ColumnKind; nullable: boolean } | string {
  const def = field._zod.def;
  switch (def.type) {
    case 'nullable': {
      const inner = describeField((def as z.core.$ZodNullableDef).innerType as z.ZodType);
      return typeof inner === 'string' ? inner : { kind: inner.kind, nullable: true };
    }
    case 'string':
    case 'enum':
      return { kind: 'string', nullable: false };
    case 'number':
      return { kind: (field as z.ZodNumber).isInt ? 'integer' : 'number', nullable: false };
    case 'boolean':
      return { kind: 'boolean', nullable: false };
    default:
      return `has type "${def.type}"; a column must be a string, number, integer, boolean or enum (optionally .nullable())`;
  }
}
