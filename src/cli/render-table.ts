export interface TableColumn {
  readonly header: string;
  readonly align?: 'left' | 'right';
  /** Never narrowed to fit the width: for values people copy (asset keys) or scan (statuses). */
  readonly fixed?: boolean;
}

/**
 * Renders rows as aligned plain-text columns (two spaces apart), narrowed to
 * `maxWidth` (the terminal's width) when given. `style` colours a padded cell;
 * it also gets the cell's full text, since the padded one may be truncated.
 */
export function renderTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  options: { style?: (column: number, padded: string, cell: string) => string; maxWidth?: number | undefined } = {},
): string {
  const widths = columns.map((column, index) => Math.max(column.header.length, ...rows.map((row) => visibleLength(row[index] ?? ''))));
  const maxWidth = usableWidth(options.maxWidth);
  if (maxWidth !== undefined) shrinkToFit(widths, columns.map((column) => column.fixed === true), maxWidth);
  const line = (cells: readonly string[], isHeader: boolean) =>
    cells
      .map((cell, index) => {
        const fitted = truncateText(cell, widths[index]!);
        const padding = ' '.repeat(Math.max(0, widths[index]! - visibleLength(fitted)));
        const padded = columns[index]!.align === 'right' ? padding + fitted : fitted + padding;
        return isHeader || options.style === undefined ? padded : options.style(index, padded, cell);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header), true), ...rows.map((row) => line(row, false))].join('\n') + '\n';
}

/**
 * The terminal width to fit output into, or undefined for no limit (not a
 * terminal). A pseudo-terminal may report a width of 0: anything implausible
 * counts as unknown.
 */
export function usableWidth(columns: number | undefined): number | undefined {
  return columns !== undefined && columns >= 40 ? columns : undefined;
}

/** Narrows the widest columns that are not fixed first until the table fits `budget` characters (never below 8 per column). */
function shrinkToFit(widths: number[], fixed: readonly boolean[], budget: number): void {
  const total = () => widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1);
  const narrowable = widths.map((_, index) => index).filter((index) => !fixed[index]);
  while (total() > budget && narrowable.length > 0) {
    const widest = narrowable.reduce((best, index) => (widths[index]! > widths[best]! ? index : best));
    if (widths[widest]! <= 8) return;
    widths[widest]!--;
  }
}

/** `text` cut to `width` characters, its last one an ellipsis when anything was cut. */
export function truncateText(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Length in characters (code points), as a terminal shows plain text. */
export function visibleLength(text: string): number {
  return [...text].length;
}
