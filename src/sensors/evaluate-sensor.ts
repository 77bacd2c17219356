import { z } from 'zod';
import type { AssetLogger } from '../core/asset.js';
import type { Definitions } from '../core/definitions.js';
import { StrataError } from '../core/errors.js';
import type { SensorDefinition } from '../core/sensor.js';
import type { Logger } from '../execution/logger.js';
import { AssetGraph } from '../graph/asset-graph.js';
import { selectAssets } from '../graph/resolve-selection.js';
import type { InstanceStorage, InstigatorState } from '../storage/instance-storage.js';
import { automationTag, describeTagKey, type RunTags } from '../core/run-tags.js';
import { jobPlanOptions, type JobPlanOptions, jobTags } from './run-job.js';

/** What a sensor is evaluated with. */
export interface SensorEvaluationContext {
  readonly definitions: Definitions;
  readonly storage: InstanceStorage;
  readonly now: Date;
  /** The sensor's stored state (cursor, last tick), if any. */
  readonly state: InstigatorState | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** A run request checked against the definitions, with the plan options its run is made with. */
export interface ResolvedRunRequest {
  /** The job, or null for a plain selection. */
  readonly job: string | null;
  readonly runKey: string | null;
  readonly planOptions: JobPlanOptions;
  /** The partition the run materializes (a schedule of a partitioned job); undefined for none. */
  readonly partition?: string | undefined;
  /** Recorded on the run: the job's tags, the request's over them, and `strata/<kind>=<name>` of what launched it. */
  readonly tags: RunTags;
  /** `job refresh` or `select "customers+"`: how listings show it. */
  readonly target: string;
}

export type SensorEvaluation =
  | { readonly skip: string; readonly cursor: string | undefined }
  | { readonly runRequests: readonly ResolvedRunRequest[]; readonly cursor: string | undefined };

const runRequestSchema = z.strictObject({
  job: z.string().min(1).optional(),
  select: z.string().min(1).optional(),
  runKey: z.string().min(1).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

/** The result is user code's output: checked here, at the boundary. */
const sensorResultSchema = z.union([
  z.strictObject({ runRequests: z.array(runRequestSchema), cursor: z.string().optional() }),
  z.strictObject({ skip: z.string().min(1), cursor: z.string().optional() }),
]);

/**
 * Evaluates a sensor once and checks what it returned: each run request must
 * name a known job or a valid selection (or fall back to the sensor's job).
 * Nothing is launched or stored here. Throws `STRATA_SENSOR_FAILED` when
 * `evaluate` throws, `STRATA_SENSOR_RESULT` for a result that breaks the rules.
 */
export async function evaluateSensor(sensor: SensorDefinition, context: SensorEvaluationContext): Promise<SensorEvaluation> {
  const logger = context.logger.child({ sensor: sensor.name });
  let returned: unknown;
  try {
    returned = await sensor.evaluate({
      name: sensor.name,
      cursor: context.state?.cursor ?? undefined,
      now: context.now,
      lastTickAt: context.state?.lastTickAt ?? undefined,
      latestMaterialization: async (assetKey) => (await context.storage.latestMaterializations([assetKey])).get(assetKey),
      definitions: context.definitions,
      env: context.env,
      cwd: context.cwd,
      signal: context.signal,
      log: assetLogger(logger),
    });
  } catch (error) {
    throw new StrataError('STRATA_SENSOR_FAILED', `Sensor "${sensor.name}" failed: ${error instanceof Error ? error.message : String(error)}`, {
      hint: error instanceof StrataError && error.hint !== undefined ? error.hint : "The error was thrown by the sensor's evaluate function; fix it there.",
      cause: error,
    });
  }
  const parsed = sensorResultSchema.safeParse(returned);
  if (!parsed.success) {
    throw invalidResult(
      sensor,
      `${parsed.error.issues.map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`)).join('; ')}`,
    );
  }
  const result = parsed.data;
  if ('skip' in result) return { skip: result.skip, cursor: result.cursor };
  if (result.runRequests.length === 0) return { skip: 'the sensor returned no run requests', cursor: result.cursor };
  const graph = new AssetGraph(context.definitions);
  const runRequests = result.runRequests.map((request, index) => resolveRequest(sensor, request, index, context.definitions, graph));
  return { runRequests, cursor: result.cursor };
}

function resolveRequest(
  sensor: SensorDefinition,
  request: z.infer<typeof runRequestSchema>,
  index: number,
  definitions: Definitions,
  graph: AssetGraph,
): ResolvedRunRequest {
  const runKey = request.runKey ?? null;
  try {
    if (request.job !== undefined && request.select !== undefined) {
      throw new StrataError('STRATA_SENSOR_RESULT', 'it names both a job and a selection; give one');
    }
    const tagProblem = Object.keys(request.tags ?? {}).map(describeTagKey).find((problem) => problem !== undefined);
    if (tagProblem !== undefined) throw new StrataError('STRATA_SENSOR_RESULT', `tag ${tagProblem}`);
    const tags = { ...request.tags, ...automationTag('sensor', sensor.name) };
    if (request.select !== undefined) {
      selectAssets(graph, { select: request.select });
      return { job: null, runKey, planOptions: { select: request.select }, tags, target: `select "${request.select}"` };
    }
    const job = request.job ?? sensor.job;
    if (job === undefined) throw new StrataError('STRATA_SENSOR_RESULT', 'it names no job or selection, and the sensor has no default job');
    return { job, runKey, planOptions: jobPlanOptions(definitions, job), tags: { ...jobTags(definitions, job), ...tags }, target: `job ${job}` };
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
    throw invalidResult(sensor, `runRequests[${index}]: ${error.message}`);
  }
}

function invalidResult(sensor: SensorDefinition, detail: string): StrataError {
  return new StrataError('STRATA_SENSOR_RESULT', `Sensor "${sensor.name}" returned an invalid result: ${detail}`, {
    hint: 'Return { runRequests: [{ job?, select?, runKey?, tags? }], cursor? } or { skip: "reason", cursor? }; a request names a job of the definitions or a selection.',
  });
}

/** The compute-style logger a sensor gets, writing to the daemon's logger. */
function assetLogger(logger: Logger): AssetLogger {
  return {
    debug: (message, data) => logger.debug(data ?? {}, message),
    info: (message, data) => logger.info(data ?? {}, message),
    warn: (message, data) => logger.warn(data ?? {}, message),
    error: (message, data) => logger.error(data ?? {}, message),
  };
}
