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

/** `text` cut to `width` terminal columns, its last one an ellipsis when anything was cut. */
export function truncateText(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let kept = '';
  let used = 0;
  for (const char of text) {
    const columns = charWidth(char.codePointAt(0)!);
    // A wide character that would end past the ellipsis is dropped whole: the padding makes up the column.
    if (used + columns > width - 1) break;
    kept += char;
    used += columns;
  }
  return `${kept}…`;
}

/** Text whose every character is one column wide: below the combining diacritics, no wide or zero-width character. */
const ONE_COLUMN_EACH = /^[\u0000-\u02ff]*$/;

/** Width in terminal columns, as a terminal shows plain text: CJK, fullwidth forms and emoji take two, combining marks none. */
export function visibleLength(text: string): number {
  // Every code point below U+0300 is one column (see charWidth): one native scan instead of a walk by code point, which a table of 100k assets does half a million times.
  if (ONE_COLUMN_EACH.test(text)) return text.length;
  let width = 0;
  for (const char of text) width += charWidth(char.codePointAt(0)!);
  return width;
}

/**
 * Code point ranges a terminal draws two columns wide: the wide and
 * fullwidth blocks of Unicode's East Asian Width (Hangul, CJK, kana,
 * fullwidth forms) and the emoji blocks. Without them, a table of names such
 * as 佐藤 健 loses its alignment and overflows the width it was fitted to.
 */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

function charWidth(code: number): number {
  // Combining diacritics, zero-width space and joiner, variation selectors: drawn over or between their neighbours.
  if ((code >= 0x0300 && code <= 0x036f) || (code >= 0x200b && code <= 0x200d) || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
  if (code < 0x1100) return 1;
  for (const [start, end] of WIDE_RANGES) if (code >= start && code <= end) return 2;
  return 1;
}
