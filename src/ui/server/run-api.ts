import { Hono } from 'hono';
import { z } from 'zod';
import { StrataError } from '../../core/errors.js';
import type { MaterializeResult } from '../../execution/run-result.js';
import { describeReason } from '../../instance/describe-reason.js';
import { whatStaysStale } from '../../instance/stays-stale.js';
import { runStatusSchema } from '../../storage/instance-storage.js';
import type { CancelResponse, MaterializeResponse, PlanResponse, RunDetailResponse, RunsResponse } from '../api-types.js';
import { badRequest } from './api-error.js';
import { queryParameters } from './query-parameters.js';
import { runEventJson, runJson, stepAttempts } from './run-views.js';
import type { UiContext } from './ui-context.js';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 500;

/** The body of `POST /api/plan` and `POST /api/materialize`. */
const selectionRequestSchema = z.object({ select: z.string().optional(), exclude: z.string().optional() }).strict();

/** The runs, one run, the dry run, launching and canceling (see api-types.ts). */
export function runApi({ instance, hub, onError, launched }: UiContext): Hono {
  const api = new Hono();

  api.get('/runs', queryParameters('status', 'limit'), async (c) => {
    const query = c.req.valid('query');
    const status = query.status || undefined;
    const parsedStatus = status === undefined ? undefined : runStatusSchema.safeParse(status);
    if (parsedStatus !== undefined && !parsedStatus.success) throw badRequest(`status must be one of ${runStatusSchema.options.join(', ')}, got "${status}".`, 'Leave it out to list runs of every status.');
    const limitText = query.limit;
    const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}, got "${limitText}".`, `Leave it out for the latest ${DEFAULT_LIMIT}.`);
    const page = await instance.runs({ limit, status: parsedStatus?.data });
    const body: RunsResponse = { runs: page.runs.map(({ run, counts, workers }) => runJson(run, [], { counts, workers })), hasMore: page.hasMore };
    return c.json(body);
  });

  api.get('/runs/:id', queryParameters(), async (c) => {
    const run = await instance.findRun(c.req.param('id'));
    const events = await instance.runEvents(run.runId);
    const body: RunDetailResponse = { run: runJson(run, events), events: events.map(runEventJson), steps: stepAttempts(events) };
    return c.json(body);
  });

  api.post('/plan', queryParameters(), async (c) => {
    const selection = await selectionOf(c.req.raw);
    const warnings = await instance.selectionWarnings(selection);
    // As `/materialize` runs it, and `assets materialize --dry-run` shows it: the stale partitions first, one run each, then the rest.
    const { selected, partitions, skippedInPartitions, partitionsOnlySkipping, rest } = await instance.dryRun({ ...selection, partitionsFirst: true });
    const planned = rest?.plan.plan.planned ?? [];
    // Checks that would run again are work too: the run that evaluates them is recorded, as the CLI's.
    const checks = rest?.checksAgain ?? [];
    const nothingToDo = partitions.length === 0 && planned.length === 0 && checks.length === 0;
    // Selected assets a run leaves stale for upstreams it leaves out: why an empty plan contradicts the graph's stale nodes, or what stays stale after a run.
    // Asked of the whole selection even when partitions run first, as the runs ask it after them and `--dry-run` asks it.
    const [staysStale, checksNotPassed] = await Promise.all([whatStaysStale(instance, selection, selected, []), nothingToDo ? instance.checksNotPassed(selected) : []]);
    const body: PlanResponse = {
      selected,
      partitions,
      skippedInPartitions: skippedInPartitions.map(({ key, partitions: skippedIn, checks }) => ({ key, partitions: skippedIn, blockedBy: checks })),
      partitionsOnlySkipping,
      plan: planned.map((asset) => ({
        key: asset.key,
        reasons: asset.reasons.map((reason) => ({ kind: reason.kind, sentence: describeReason(asset.key, reason, asset.source) })),
        skipped: rest!.blocked.has(asset.key),
        blockedBy: rest!.blocked.get(asset.key)?.checks ?? [],
      })),
      sources: (rest?.plan.plan.assets ?? []).flatMap((asset) => (asset.source === undefined ? [] : [{ key: asset.key, location: asset.source.location ?? null, checked: asset.source.checked, note: asset.source.note ?? null }])),
      checks,
      warnings: warnings.map((warning) => warning.message),
      staleForUnselected: staysStale.assets,
      checksNotPassed,
    };
    return c.json(body);
  });

  api.post('/materialize', queryParameters(), async (c) => {
    const selection = await selectionOf(c.req.raw);
    // Answered as soon as the run is recorded (its run-start event), or when
    // the run turns out to have nothing to do, or fails to start; the run
    // itself goes on in this process, reporting to the event stream.
    const runId = await new Promise<string | null>((resolve, reject) => {
      let started: string | undefined;
      const ended = async (result: MaterializeResult) => {
        if (result.runId !== null) await hub.runEnded(result.runId);
      };
      // As `assets materialize`: the stale partitions of partitioned assets first, one run each, then the rest.
      const run = instance
        .materializeSelection({
          ...selection,
          trigger: 'ui',
          onEvent: (event) => {
            if (event.type === 'run-start' && started === undefined) {
              started = event.runId;
              resolve(event.runId);
            }
            hub.runEvent(event).catch(onError);
          },
          onPartitionRun: (_partition, result) => ended(result),
        })
        .then(
          async ({ rest }) => {
            resolve(rest?.runId ?? null);
            if (rest !== undefined) await ended(rest);
          },
          (error: unknown) => (started === undefined ? reject(error) : onError(error)),
        )
        .catch(onError)
        .finally(() => launched.delete(run));
      launched.add(run);
    });
    const body: MaterializeResponse = { runId };
    return c.json(body, runId === null ? 200 : 202);
  });

  api.post('/runs/:id/cancel', queryParameters(), async (c) => {
    let body: CancelResponse;
    try {
      const { run } = await instance.cancel(c.req.param('id'));
      body = { runId: run.runId, outcome: 'requested' };
    } catch (error) {
      if (!(error instanceof StrataError && error.code === 'STRATA_RUN_ENDED')) throw error;
      body = { runId: (await instance.findRun(c.req.param('id'))).runId, outcome: 'already-ended' };
    }
    return c.json(body);
  });

  return api;
}

/** The selection in a POST body: JSON `{ select?, exclude? }`, or no body for everything. */
async function selectionOf(request: Request): Promise<z.infer<typeof selectionRequestSchema>> {
  const text = await request.text();
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw badRequest('The request body is not JSON.', 'Send {"select": "...", "exclude": "..."} with content-type application/json.');
  }
  const parsed = selectionRequestSchema.safeParse(json);
  if (!parsed.success) throw badRequest(`The request body is not a selection: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')}.`, 'Send {"select": "...", "exclude": "..."}, both optional strings.');
  return parsed.data;
}
