import type { CheckStatus } from '../core/asset-check.js';
import type { EvaluatedCheck } from '../execution/evaluate-checks.js';
import { formatCount, formatDuration } from './format.js';
import { renderTable } from './render-table.js';
import type { Style } from './style.js';

type Colour = Parameters<Style['apply']>[0];

/** A failing row as a result keeps it: its cells, whatever the asset's columns. */
type SampleRow = Readonly<Record<string, unknown>>;

const STATUS_COLOUR: Readonly<Record<CheckStatus, Colour>> = { passed: 'green', warned: 'yellow', failed: 'red', errored: 'red' };

/** The colour of a check status, wherever one is printed. */
export function checkStatusColour(status: CheckStatus): Colour {
  return STATUS_COLOUR[status];
}

/** `error, blocking` / `error` / `warn`: what a check's failure does (`blocking` is true of error checks only, see `AssetCheck.blocking`). */
export function describeSeverity(check: { readonly severity: string; readonly blocking: boolean }): string {
  return check.blocking ? 'error, blocking' : check.severity;
}

/**
 * What a run's checks found: one line per check, then, for each that did not
 * pass, why (its error) or a sample of its failing rows, and a count line.
 */
export function renderCheckResults(checks: readonly EvaluatedCheck[], style: Style, width: number | undefined): string {
  const table = renderTable(
    [{ header: 'check', fixed: true }, { header: 'result', fixed: true }, { header: 'failing', align: 'right' }, { header: 'severity' }, { header: 'duration', align: 'right' }],
    checks.map((check) => [`${check.assetKey}.${check.checkName}`, check.status, check.failing === null ? '-' : formatCount(check.failing), describeSeverity(check), formatDuration(check.durationMs)]),
    { maxWidth: width, style: (column, padded, cell) => (column === 1 ? style.apply(checkStatusColour(cell as CheckStatus), padded) : padded) },
  );
  const lines = [table.trimEnd()];
  for (const check of checks) {
    if (check.status === 'passed') continue;
    const key = `${check.assetKey}.${check.checkName}`;
    if (check.status === 'errored') {
      lines.push(`${style.apply('red', `${key}:`)} could not run: ${String(check.metadata.error)}${check.metadata.hint === undefined ? '' : `\n  hint: ${String(check.metadata.hint)}`}`);
      continue;
    }
    lines.push(describeFailing(check, style, width));
  }
  const count = (status: CheckStatus) => checks.filter((check) => check.status === status).length;
  lines.push(`Checks: ${count('passed')} passed, ${count('warned')} warned, ${count('failed')} failed, ${count('errored')} could not run.`);
  return `${lines.join('\n')}\n`;
}

/** A check result as the commands' JSON documents give it. */
export function checkResultToJson(check: EvaluatedCheck) {
  return {
    check: `${check.assetKey}.${check.checkName}`,
    assetKey: check.assetKey,
    name: check.checkName,
    status: check.status,
    severity: check.severity,
    blocking: check.blocking,
    failing: check.failing,
    sample: check.sample,
    metadata: check.metadata,
    durationMs: check.durationMs,
    checkVersion: check.checkVersion,
    dataVersions: check.dataVersions,
  };
}

/**
 * `orders.unique_id failed (2 failing); the first 2:` and those rows as an
 * indented table: what a check that did not pass found.
 */
export function describeFailing(check: { readonly assetKey: string; readonly checkName: string; readonly status: CheckStatus; readonly failing: number | null; readonly sample: readonly SampleRow[] }, style: Style, width: number | undefined): string {
  const counted = check.failing === null ? '' : ` (${formatCount(check.failing)} failing)`;
  const head = `${style.apply(checkStatusColour(check.status), `${check.assetKey}.${check.checkName}`)} ${check.status}${counted}${check.sample.length === 0 ? '.' : `; the first ${check.sample.length === 1 ? 'one' : `${check.sample.length}`}:`}`;
  return check.sample.length === 0 ? head : `${head}\n${indent(renderSample(check.sample, width === undefined ? undefined : width - 2))}`;
}

function renderSample(rows: readonly SampleRow[], width: number | undefined): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return renderTable(
    columns.map((header) => ({ header })),
    rows.map((row) => columns.map((column) => (row[column] === null || row[column] === undefined ? '' : String(row[column])))),
    { maxWidth: width },
  ).trimEnd();
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
