/** Human-readable figures for the bench table; results.json keeps the raw numbers. */

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '-';
  const mb = bytes / (1024 * 1024);
  return mb >= 1024 ? `${(mb / 1024).toFixed(2)} GB` : `${Math.round(mb)} MB`;
}

export function formatRate(perSecond, unit) {
  if (perSecond === null || perSecond === undefined) return '-';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M ${unit}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k ${unit}/s`;
  return `${perSecond.toFixed(1)} ${unit}/s`;
}

/** 1k, 10k, 1M, 5M: the sizes as the issue names them. */
export function formatCount(count) {
  if (count >= 1e6 && count % 1e6 === 0) return `${count / 1e6}M`;
  if (count >= 1e3 && count % 1e3 === 0) return `${count / 1e3}k`;
  return String(count);
}

/** Renders rows (arrays of strings) under headers as a plain aligned text table. */
export function renderTable(headers, rows) {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells) =>
    cells
      .map((cell, column) => {
        const text = cell ?? '';
        // Figures align right, labels left.
        return column >= 2 && column <= 6 ? text.padStart(widths[column]) : text.padEnd(widths[column]);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
