import type { CheckSeverity, CheckStatus } from '../core/asset-check.js';
import type { LogLevel } from '../storage/instance-storage.js';

/** What a run says about one check result, in its log and on the terminal alike. */
export function describeCheckResult(result: {
  readonly assetKey: string;
  readonly checkName: string;
  readonly status: CheckStatus;
  readonly severity: CheckSeverity;
  readonly blocking: boolean;
  readonly failing: number | null;
  readonly metadata: Readonly<Record<string, unknown>>;
}): { level: LogLevel; message: string } {
  const key = `${result.assetKey}.${result.checkName}`;
  const failing = result.failing === null ? '' : `: ${result.failing} failing`;
  switch (result.status) {
    case 'passed':
      return { level: 'info', message: `Check ${key} passed` };
    case 'warned':
      return { level: 'warn', message: `Check ${key} warned${failing}` };
    case 'failed':
      return { level: 'error', message: `Check ${key} failed${failing}${result.blocking ? ' (blocking)' : ''}` };
    case 'errored':
      return { level: 'error', message: `Check ${key} could not run: ${String(result.metadata.error)}${result.blocking ? ' (blocking)' : ''}` };
  }
}
