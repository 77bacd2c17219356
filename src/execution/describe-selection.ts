import type { PlanOptions } from './plan-materialization.js';

/** How a run records its selection: the expression, then the options that change the plan. */
export function describeSelection(options: PlanOptions): string {
  const parts = [options.select ?? '*'];
  if (options.exclude !== undefined) parts.push(`--exclude ${options.exclude}`);
  if (options.refresh !== undefined) parts.push(`--refresh ${options.refresh}`);
  if (options.force === true) parts.push('--force');
  if (options.partition !== undefined) parts.push(`--partition ${options.partition}`);
  return parts.join(' ');
}
