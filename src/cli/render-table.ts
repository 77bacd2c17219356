export interface TableColumn {
  readonly header: string;
  readonly align?: 'left' | 'right';
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
  // A pseudo-terminal may report a width of 0: treat anything implausible as unknown.
  if (options.maxWidth !== undefined && options.maxWidth >= 40) shrinkToFit(widths, options.maxWidth);
  const line = (cells: readonly string[], isHeader: boolean) =>
    cells
      .map((cell, index) => {
        const fitted = truncate(cell, widths[index]!);
        const padding = ' '.repeat(Math.max(0, widths[index]! - visibleLength(fitted)));
        const padded = columns[index]!.align === 'right' ? padding + fitted : fitted + padding;
        return isHeader || options.style === undefined ? padded : options.style(index, padded, cell);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header), true), ...rows.map((row) => line(row, false))].join('\n') + '\n';
}

/** Narrows the widest columns first until the table fits `budget` characters (never below 8 per column). */
function shrinkToFit(widths: number[], budget: number): void {
  const total = () => widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1);
  while (total() > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 8) return;
    widths[widest]!--;
  }
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function visibleLength(text: string): number {
  return [...text].length;
}
