import type { AnyAsset } from '../core/asset.js';
import { UnknownAssetError } from '../core/errors.js';
import type { JobDefinition } from '../core/job.js';
import type { AutomationStatus } from '../core/schedule.js';
import { sensor, type SensorDefinition } from '../core/sensor.js';
import { suggestClosest } from '../core/suggest.js';

/** What `assetSensor()` takes. */
export interface AssetSensorSpec {
  readonly name: string;
  /** The asset to watch, or its key. */
  readonly asset: AnyAsset | string;
  /** The job to run when it gets a new materialization. */
  readonly job: JobDefinition | string;
  /** Default 30. */
  readonly intervalSeconds?: number;
  /** Default `running`. */
  readonly defaultStatus?: AutomationStatus;
  readonly description?: string;
}

/**
 * A sensor that runs a job whenever an asset gets a new materialization
 * (by any run: the CLI's, a schedule's, another sensor's). Its cursor is the
 * run id of the last materialization it acted on; on its first evaluation the
 * latest materialization counts as new. The run key is `<asset>@<run id>`, so
 * one materialization launches the job once.
 *
 * @example
 * const onCustomers = assetSensor({ name: 'customers-updated', asset: customers, job: 'analytics' });
 */
export function assetSensor(spec: AssetSensorSpec): SensorDefinition {
  const key = typeof spec.asset === 'string' ? spec.asset : spec.asset.key;
  const jobName = typeof spec.job === 'string' ? spec.job : spec.job.name;
  return sensor({
    name: spec.name,
    intervalSeconds: spec.intervalSeconds ?? 30,
    job: spec.job,
    defaultStatus: spec.defaultStatus,
    description: spec.description ?? `Runs job ${jobName} when asset ${key} gets a new materialization.`,
    evaluate: async ({ cursor, definitions, latestMaterialization }) => {
      if (definitions.asset(key) === undefined) {
        throw new UnknownAssetError('asset', key, suggestClosest(key, definitions.assets.map((asset) => asset.key)));
      }
      const latest = await latestMaterialization(key);
      if (latest === undefined) return { skip: `asset ${key} has never been materialized` };
      if (latest.runId === cursor) return { skip: `no new materialization of ${key} since run ${cursor}` };
      return { runRequests: [{ runKey: `${key}@${latest.runId}` }], cursor: latest.runId };
    },
  });
}
