/** A value a table cell can hold. Tables are flat: nested data is flattened by the asset that produces it. */
export type CellValue = string | number | boolean | null;

/** One row of a table: column name to cell value. */
export type Row = { [column: string]: CellValue };

/** A table's data as one array per column, all of the same length. */
export type Columns<R extends object> = { [K in keyof R]: ReadonlyArray<R[K]> };

/**
 * An immutable columnar table whose rows are typed `R`. Columnar because the
 * assets that read it mostly scan one or two columns of many rows; `rows()`
 * and iteration build row objects only for code that wants them.
 *
 * @example
 * const customers = Table.fromRows([{ id: 1, name: 'Ada' }], ['id', 'name']);
 * customers.column('name'); // ['Ada']
 */
export class Table<R extends object = Row> {
  readonly columnNames: readonly (keyof R & string)[];
  readonly numRows: number;
  readonly #columns: Columns<R>;

  private constructor(columnNames: readonly (keyof R & string)[], columns: Columns<R>, numRows: number) {
    this.columnNames = columnNames;
    this.#columns = columns;
    this.numRows = numRows;
  }

  /** Builds a table from one array per column; every column must have the same length. */
  static fromColumns<R extends object>(columns: Columns<R>, columnNames?: readonly (keyof R & string)[]): Table<R> {
    const names = columnNames ?? (Object.keys(columns) as (keyof R & string)[]);
    let numRows: number | undefined;
    for (const name of names) {
      const values = columns[name];
      if (values === undefined) throw new TypeError(`Table.fromColumns: column "${name}" is missing`);
      if (numRows === undefined) numRows = values.length;
      else if (values.length !== numRows) {
        throw new TypeError(
          `Table.fromColumns: column "${name}" has ${values.length} values, but "${names[0]}" has ${numRows}`,
        );
      }
    }
    return new Table(names, columns, numRows ?? 0);
  }

  /** Builds a table from row objects, keeping only `columnNames`, in that order. */
  static fromRows<R extends object>(rows: Iterable<R>, columnNames: readonly (keyof R & string)[]): Table<R> {
    const columns = {} as { [K in keyof R]: R[K][] };
    for (const name of columnNames) columns[name] = [];
    let numRows = 0;
    for (const row of rows) {
      for (const name of columnNames) columns[name].push(row[name]);
      numRows++;
    }
    return new Table(columnNames, columns, numRows);
  }

  /** The values of one column, in row order. */
  column<K extends keyof R & string>(name: K): ReadonlyArray<R[K]> {
    const values = this.#columns[name];
    if (values === undefined) {
      throw new RangeError(`Table has no column "${name}"; it has ${this.columnNames.join(', ')}`);
    }
    return values;
  }

  /** The row at `index` as a fresh object. */
  row(index: number): R {
    const row = {} as R;
    for (const name of this.columnNames) row[name] = this.#columns[name][index] as R[typeof name];
    return row;
  }

  /** Every row as an object, in order. */
  rows(): R[] {
    return Array.from(this);
  }

  *[Symbol.iterator](): Iterator<R> {
    for (let index = 0; index < this.numRows; index++) yield this.row(index);
  }
}
