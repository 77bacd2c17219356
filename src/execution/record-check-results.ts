import type { InstanceStorage } from '../storage/instance-storage.js';
import { describeCheckResult } from './describe-check-result.js';
import type { EvaluatedCheck } from './evaluate-checks.js';
import type { RunRecorder } from './run-recorder.js';

/**
 * Records what a run's checks found: one log event per result (so `assets
 * logs` and the run's followers see it), written before the results
 * themselves, which become the checks' latest.
 */
export async function recordCheckResults(recorder: RunRecorder, storage: InstanceStorage, runId: string, checkedAt: Date, evaluated: readonly EvaluatedCheck[]): Promise<void> {
  for (const result of evaluated) {
    const described = describeCheckResult(result);
    recorder.event({
      type: 'log',
      assetKey: result.assetKey,
      level: described.level,
      message: described.message,
      data: { check: result.checkName, status: result.status, severity: result.severity, blocking: result.blocking, failing: result.failing },
    });
  }
  await recorder.flush();
  await storage.recordCheckResults(
    evaluated.map((result) => ({
      ...result,
      sample: [...result.sample],
      metadata: { ...result.metadata },
      dataVersions: { ...result.dataVersions },
      runId,
      partition: null,
      checkedAt,
    })),
  );
}
