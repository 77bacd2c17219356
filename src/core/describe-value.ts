/*
 * How error messages show a value they reject and the row it is in, the same
 * wherever a table is checked: a compute's output, a table being stored, rows
 * read from a source.
 */

/** The longest a described value gets before it is cut, with `...`, so one huge cell cannot flood a message. */
const VALUE_LENGTH = 80;

/**
 * A value as a message shows it: a string quoted (so `""` and `" "` can be
 * told apart), an object or array as its JSON, a bigint with its `n`; cut
 * after 80 characters.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  let text: string;
  try {
    // NaN and Infinity would become JSON's null: numbers say what they are.
    text = typeof value === 'string' || (typeof value === 'object' && value !== null) ? (JSON.stringify(value) ?? String(value)) : String(value);
  } catch {
    // A cycle, or a bigint inside an object.
    text = String(value);
  }
  return text.length > VALUE_LENGTH ? `${text.slice(0, VALUE_LENGTH)}...` : text;
}

/** A row as messages name it: by its index from 0, as `Table.row(index)` and an array of rows number it. */
export function rowLabel(index: number): string {
  return `row ${index}`;
}
