/**
 * A condition on a check's failing count, written as dbt writes `warn_if` and
 * `error_if`: a comparison and a whole number, such as `'>0'`, `'>=10'`,
 * `'!=0'` or `'=0'`.
 */
export type CheckThreshold = `${'>' | '>=' | '<' | '<=' | '=' | '==' | '!='}${number}`;

/** dbt's default for both thresholds: any failing row counts. */
export const ANY_FAILING: CheckThreshold = '!=0';

const THRESHOLD = /^\s*(>=|<=|==|!=|>|<|=)\s*(\d+)\s*$/;

/**
 * The test a threshold stands for, or a sentence saying why it is not one
 * (so the definitions can report it with every other problem).
 */
export function parseThreshold(threshold: string): ((failing: number) => boolean) | string {
  const match = THRESHOLD.exec(threshold);
  if (match === null) {
    return `invalid threshold ${JSON.stringify(threshold)}; write a comparison and a whole number, such as '>0', '>=10' or '!=0'`;
  }
  const limit = Number(match[2]);
  switch (match[1]) {
    case '>':
      return (failing) => failing > limit;
    case '>=':
      return (failing) => failing >= limit;
    case '<':
      return (failing) => failing < limit;
    case '<=':
      return (failing) => failing <= limit;
    case '!=':
      return (failing) => failing !== limit;
    default:
      return (failing) => failing === limit;
  }
}
