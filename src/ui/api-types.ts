/*
 * The JSON API of `assets ui`: every request body, response and Server-Sent
 * Event the server (src/ui/server) sends and the browser (src/ui/client)
 * reads. This file imports nothing, so the client bundle can import it as
 * types only, and the two sides cannot drift apart.
 *
 * The vocabulary is the CLI's `--json`: times are ISO 8601 strings (UTC) or
 * null, run statuses and tick records are those of `assets runs --json` and
 * `assets ticks --json`, stale reasons are the planner's kinds with the
 * sentences `assets why` prints.
 *
 * Security (see src/ui/server/security.ts): every POST carries the page's
 * token in the `x-strata-token` header (read it from
 * `<meta name="strata-token">`), and is sent from the page's own origin.
 * Every failure answers with `ApiErrorResponse` and a 4xx/5xx status; a
 * query parameter a route does not take, or one given twice, is a 400.
 */

/**
 * What `assets status` calls an asset (fresh, stale, missing, and
 * `failed-check`: fresh, but its latest output failed a check of severity
 * error), and two the UI adds from the runs: `failed` (its last attempt in a
 * run failed, and nothing materialized it since) and `running` (a step of it
 * is in flight now).
 */
export type AssetStatusWord = 'fresh' | 'stale' | 'missing' | 'failed-check' | 'failed' | 'running';

/** A run's status, as `assets runs --json` prints it. */
export type RunStatusWord = 'queued' | 'started' | 'success' | 'failed' | 'canceled' | 'nothing-to-do';

/** The planner's stale reason kinds (see DESIGN.md "Staleness"). */
export type StaleReasonKind = 'missing' | 'code-changed' | 'config-changed' | 'upstream-changed' | 'upstream-planned' | 'output-modified' | 'expired' | 'window-closed' | 'forced' | 'unreadable';

/** How every endpoint reports a failure. */
export interface ApiErrorResponse {
  readonly error: ApiError;
}

/** One error: what went wrong, how to fix it, and for a selection error the CLI's caret text. */
export interface ApiError {
  /** The message as `error:` prints it, without the caret lines of a selection error (see `caret`). */
  readonly message: string;
  /** What to do about it, as `hint:` prints it; null when there is none. */
  readonly hint: string | null;
  /** The Strata error code (`STRATA_SELECTION_SYNTAX`, ...); null for HTTP-level errors. */
  readonly code: string | null;
  /**
   * For a selection syntax error: the expression and a caret under the
   * offending column, two lines each indented by two spaces, exactly as the
   * CLI prints them under the message (show it in a monospace font). Null otherwise.
   */
  readonly caret: string | null;
}

/** Why an asset is stale: one entry per reason, in the planner's order. */
export interface ReasonJson {
  readonly kind: StaleReasonKind;
  /** The sentence `assets why` prints for it. */
  readonly sentence: string;
}

/**
 * How many partitions of a partitioned asset are in each status (each
 * judged as a run of it would judge it), and the counts as `assets status`
 * prints them.
 */
export interface PartitionCountsJson {
  readonly total: number;
  readonly fresh: number;
  readonly stale: number;
  readonly missing: number;
  /** `35/40 fresh, 3 stale, 2 missing`, or `no partitions yet` (dynamic partitions before any is added). */
  readonly summary: string;
}

/* ---------------------------------------------------------------- graph */

/** `GET /api/graph?select=EXPR&exclude=EXPR`: the whole graph, laid out left to right, with statuses. */
export interface GraphResponse {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Groups sorted by name; each box encloses its nodes. */
  readonly groups: readonly GraphGroup[];
  /** The size of the whole drawing, in the same units as the boxes (SVG user units). */
  readonly width: number;
  readonly height: number;
  /** The keys the `select`/`exclude` query selects, in topological order; null when neither was given. */
  readonly selected: readonly string[] | null;
  /** Warnings about parts of a union in the selection that select nothing (likely typos), as the CLI prints them on stderr; empty without a selection. */
  readonly warnings: readonly string[];
  /**
   * The project files of the assets' code changed on disk since `assets ui`
   * loaded the definitions, relative to the project root: its plans and runs
   * use the code it loaded until it restarts.
   */
  readonly codeEditedSinceLoad: readonly string[];
}

/** An asset of the graph. `x`/`y` are the top-left corner of its box. */
export interface GraphNode {
  readonly key: string;
  readonly group: string;
  readonly status: AssetStatusWord;
  /**
   * The stale reasons (empty when fresh), each with its `assets why`
   * sentence. Always empty for a partitioned asset: each partition has its
   * own (`GET /api/assets/:key/partitions`).
   */
  readonly reasons: readonly ReasonJson[];
  /**
   * The sentences `assets why` prints for the asset, one per line: the
   * reasons, or the fresh sentence (with an ISO time), plus a note for a
   * source that cannot be checked, a line for each of its checks that
   * failed or warned on its latest output and for each upstream check that
   * blocks it; for a `failed` asset, a last line with the run and the error
   * of its failed attempt. For a partitioned asset, the counts and where
   * the partitions that are not fresh are listed, instead of the reasons.
   */
  readonly why: readonly string[];
  /** For a partitioned asset, the latest materialization of any of its partitions. */
  readonly lastMaterializedAt: string | null;
  /**
   * Rows of the last materialization, when its IO manager counted them;
   * null for a partitioned asset (the rows of its latest partition are not
   * the asset's: each partition's are in its partitions).
   */
  readonly rows: number | null;
  /** For a partitioned asset, how many partitions are in each status (its `status` sums them up); null for an unpartitioned one. */
  readonly partitions: PartitionCountsJson | null;
  /** As in `AssetResponse.blockedBy`: failing blocking checks upstream that keep runs from building it. */
  readonly blockedBy: readonly string[];
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A dependency, drawn from upstream to downstream through `points` (the first on `from`'s box, the last on `to`'s). */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly points: readonly Point[];
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A group's labelled box (top-left corner and size) and its assets, sorted. */
export interface GraphGroup {
  readonly name: string;
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly keys: readonly string[];
}

/* ---------------------------------------------------------------- assets */

/** `GET /api/assets/:key`: one asset, as `assets list`, `why` and `history` show it. Unknown key: 404 with did-you-mean in the hint. */
export interface AssetResponse {
  readonly key: string;
  readonly description: string | null;
  readonly group: string;
  /** Tags as declared (`tag:api` selects by them). */
  readonly tags: readonly string[];
  /** The key of its IO manager, and that manager's kind (`csv`, `memory`, `postgres`, ...). */
  readonly ioManager: { readonly key: string; readonly kind: string };
  readonly deps: { readonly upstream: readonly string[]; readonly downstream: readonly string[] };
  /** The declared schema's columns in order; empty when the asset declares none. */
  readonly columns: readonly ColumnJson[];
  /** The current code version (what a run would record now). */
  readonly codeVersion: string;
  /** The data version of its last materialization; null when never materialized, and for a partitioned asset (each partition has its own). */
  readonly dataVersion: string | null;
  readonly status: AssetStatusWord;
  /** As in `GraphNode.reasons`. */
  readonly reasons: readonly ReasonJson[];
  /** As in `GraphNode.why`; for a partitioned asset, naming the first partitions that are stale or missing. */
  readonly why: readonly string[];
  readonly lastMaterializedAt: string | null;
  /** As in `GraphNode.rows`. */
  readonly rows: number | null;
  /** As in `GraphNode.partitions`. */
  readonly partitions: PartitionCountsJson | null;
  /** Newest first, at most 50 (of every partition, for a partitioned asset). */
  readonly history: readonly HistoryEntry[];
  /** Its declared checks in name order, each with its latest result; empty when it declares none. */
  readonly checks: readonly CheckJson[];
  /**
   * Blocking checks of its upstream assets (`orders.unique_id`) whose latest
   * result failed and that it does not ignore: runs skip it until they pass.
   */
  readonly blockedBy: readonly string[];
}

/** How a check's latest result ended (see `assets checks`); `never-run` when it has none. */
export type CheckStatusWord = 'passed' | 'warned' | 'failed' | 'errored' | 'never-run';

/** A declared check and its latest result, exactly as `assets checks --json` prints each. */
export interface CheckJson {
  /** `<asset>.<name>`: `orders.unique_id`. */
  readonly check: string;
  readonly assetKey: string;
  readonly name: string;
  readonly description: string | null;
  /** `error` fails the run (and, when `blocking`, skips what depends on the asset); `warn` is only reported. */
  readonly severity: 'warn' | 'error';
  /** Whether a failure skips what depends on the asset: never for a `warn` check. */
  readonly blocking: boolean;
  readonly status: CheckStatusWord;
  /** Whether the latest result still speaks for what is stored (same check code, same data versions); false: the next run checks again. */
  readonly current: boolean;
  /** How many rows (or things) failed it; null when it never ran or could not run. */
  readonly failing: number | null;
  /** Up to 5 of the failing rows, as stored with the result (cells are strings, numbers, booleans or null). */
  readonly sample: readonly Readonly<Record<string, unknown>>[];
  /** What the check recorded besides (for `errored`: `error`, and maybe `hint`). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The run that produced the latest result, and when; null when it never ran. */
  readonly runId: string | null;
  readonly checkedAt: string | null;
}

/** A column of an asset's schema; `type` as the schema describes it (`string`, `number`, `integer`, `boolean`, ...). */
export interface ColumnJson {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

/** One materialization, with the fields `assets history --json` prints that the asset page shows. */
export interface HistoryEntry {
  readonly materializedAt: string;
  readonly runId: string;
  /** The partition it materialized; null for an unpartitioned asset. */
  readonly partition: string | null;
  readonly rows: number | null;
  readonly durationMs: number;
  /** Why it was planned (reason kinds). */
  readonly reasons: readonly string[];
  readonly dataVersion: string;
  readonly codeVersion: string;
}

/**
 * `GET /api/assets/:key/partitions`: every partition of a partitioned asset
 * in key order, each judged as a run of it would judge it, as
 * `assets partitions <key> --json` lists them. An unpartitioned asset
 * answers 400, an unknown one 404.
 */
export interface PartitionsResponse {
  readonly key: string;
  readonly counts: PartitionCountsJson;
  /** The failing blocking checks of unpartitioned upstreams that make every partition's run skip the asset, as `assets partitions --json` lists them. */
  readonly blockedBy: readonly string[];
  readonly partitions: readonly PartitionJson[];
}

/** One partition's state, with the fields `assets partitions --json` prints. */
export interface PartitionJson {
  readonly partition: string;
  readonly status: 'fresh' | 'stale' | 'missing';
  /** Why it is stale or missing, each with the sentence `assets why <key> --partition <partition>` prints; empty when fresh. */
  readonly reasons: readonly ReasonJson[];
  /** Its latest materialization: when, its data version, rows (when its IO manager counted them) and run; null when never materialized. */
  readonly lastMaterializedAt: string | null;
  readonly dataVersion: string | null;
  readonly rows: number | null;
  readonly runId: string | null;
}

/**
 * `GET /api/assets/:key/preview?partition=K`: the first rows of the stored
 * output, read through the asset's IO manager's scan (only as far as those
 * rows, where the IO manager can: see `scanStored`). For a partitioned asset,
 * of partition `K`, or without it of the partition materialized last.
 * An asset (or partition) never materialized answers 404 with a hint; a
 * partition the asset does not have answers 400 saying why (out of range,
 * a dynamic key never added) and where the list is; `partition` on an
 * unpartitioned asset answers 400; an output that cannot be read answers the
 * IO manager's error.
 */
export interface PreviewResponse {
  readonly key: string;
  /** The partition shown; null for an unpartitioned asset. */
  readonly partition: string | null;
  /** The schema's column names, in order. */
  readonly columns: readonly string[];
  /** At most `limit` rows; cells are strings, numbers, booleans or null. */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly limit: number;
  /** True when the output holds more rows than were returned. */
  readonly truncated: boolean;
}

/* ---------------------------------------------------------------- runs */

/** How many assets of a run ended each way (`assets runs --json`'s `assets`). */
export interface AssetActionCounts {
  readonly materialized: number;
  readonly 'up-to-date': number;
  readonly failed: number;
  readonly skipped: number;
}

/** A run, exactly as `assets runs --json` and `assets logs --json` print it. */
export interface RunJson {
  readonly runId: string;
  readonly status: RunStatusWord;
  /** `cli`, `ui`, `schedule:<name>`, `sensor:<name>`. */
  readonly trigger: string;
  readonly selection: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly pid: number | null;
  readonly hostname: string | null;
  /** Labels given to the run (`--tag`, a job's, schedule's or sensor's `tags`, `strata/schedule=<name>`). */
  readonly tags: Readonly<Record<string, string>>;
  /** The run this one re-executes (`--from-failure`, `assets rerun`); null for a first execution. */
  readonly parentRunId: string | null;
  readonly assets: AssetActionCounts;
  readonly workers: readonly string[];
}

/** `GET /api/runs?status=S&limit=N` (default 20, at most 500): as `assets runs --json`. */
export interface RunsResponse {
  readonly runs: readonly RunJson[];
  readonly hasMore: boolean;
}

/** A run event, as `assets logs --json` prints it. */
export interface RunEventJson {
  readonly seq: number;
  readonly runId: string;
  readonly time: string;
  readonly type: 'run-start' | 'run-end' | 'step-start' | 'step-success' | 'step-failure' | 'step-skip' | 'step-retry' | 'log';
  readonly assetKey: string | null;
  readonly attempt: number | null;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly data: Readonly<Record<string, unknown>> | null;
}

/** One attempt of one step, for the timeline: a bar from `startedAt` to `endedAt` coloured by `outcome`. */
export interface StepAttempt {
  readonly assetKey: string;
  readonly attempt: number;
  readonly startedAt: string;
  /** Null while it runs. */
  readonly endedAt: string | null;
  /** `running` while in flight; `retried` when it failed and another attempt followed. */
  readonly outcome: 'running' | 'success' | 'failure' | 'retried' | 'skipped';
  /** The error of a failed attempt; null otherwise. */
  readonly error: { readonly message: string; readonly hint: string | null } | null;
}

/**
 * `GET /api/runs/:id` (any unique prefix of the id, as `assets logs` takes):
 * the run and its events as `assets logs --json`, and the step attempts.
 */
export interface RunDetailResponse {
  readonly run: RunJson;
  readonly events: readonly RunEventJson[];
  /** In the order they started. Steps skipped without starting appear with equal start and end. */
  readonly steps: readonly StepAttempt[];
}

/* ---------------------------------------------------------------- actions */

/** The body of `POST /api/plan` and `POST /api/materialize`: the CLI's `--select` and `--exclude`. */
export interface SelectionRequest {
  readonly select?: string | undefined;
  readonly exclude?: string | undefined;
}

/**
 * `POST /api/plan`: the dry run `assets materialize --dry-run --json` shows
 * (the same `selected`, `partitions`, `plan` steps, `sources` and `checks`),
 * shaped for the page: each reason with its sentence, and what stays stale
 * or has not passed as `staleForUnselected` and `checksNotPassed`.
 */
export interface PlanResponse {
  /** Every selected key, in topological order. */
  readonly selected: readonly string[];
  /**
   * The partitions in which a selected partitioned asset is stale or
   * missing, in key order: a run materializes each first, one run each, as
   * `assets materialize` does, then `plan`.
   */
  readonly partitions: readonly string[];
  /**
   * The planned assets the runs of `partitions` would skip, each with the
   * partitions whose runs would, for the failing blocking checks
   * `blockedBy` of an unpartitioned upstream those runs do not run, or
   * (with none) because an upstream it reads would be skipped, as
   * `assets materialize --dry-run --json` lists them.
   */
  readonly skippedInPartitions: readonly { readonly key: string; readonly partitions: readonly string[]; readonly blockedBy: readonly string[] }[];
  /** The partitions of `partitions` whose runs would skip every asset they plan (see `skippedInPartitions`): runs that materialize nothing. */
  readonly partitionsOnlySkipping: readonly string[];
  /**
   * What the run of the selected unpartitioned assets would materialize,
   * after the partitions, in order, and why. Empty with no partition and
   * no `checks`: everything is up to date. `skipped`: the run would skip it, for the
   * failing blocking checks `blockedBy` of an upstream it reads, or (with
   * none) because an upstream it reads would be skipped.
   */
  readonly plan: readonly { readonly key: string; readonly reasons: readonly ReasonJson[]; readonly skipped: boolean; readonly blockedBy: readonly string[] }[];
  readonly sources: readonly { readonly key: string; readonly location: string | null; readonly checked: boolean; readonly note: string | null }[];
  /**
   * The checks the run would evaluate again on what is stored, without
   * materializing their assets (the check, or a table it judged, changed
   * since its latest result), as `assets materialize --dry-run --json` lists
   * them: work of their own, so a plan with only these still has a run to
   * launch.
   */
  readonly checks: readonly { readonly check: string; readonly assetKey: string; readonly name: string }[];
  /** Warnings about parts of a union that select nothing, as the CLI prints them on stderr. */
  readonly warnings: readonly string[];
  /**
   * The selected assets that a run of `plan` leaves stale, because upstreams
   * the selection leaves out are not up to date (a run reads what those
   * stored), with those upstreams and the stale partitions of each
   * partitioned one: why an empty plan leaves them stale, or what stays
   * stale after a run that has work.
   */
  readonly staleForUnselected: readonly { readonly key: string; readonly upstreams: readonly string[]; readonly upstreamPartitions: Readonly<Record<string, readonly string[]>> }[];
  /**
   * When the plan is empty, the checks of selected assets that have not
   * passed on what those store: a run does not check unchanged data again,
   * so materializing changes nothing for them. Empty when the plan has work.
   */
  readonly checksNotPassed: readonly { readonly key: string; readonly assetKey: string; readonly status: 'failed' | 'errored' }[];
}

/**
 * `POST /api/materialize`: 202, the run was recorded and goes on in the
 * server's process (trigger `ui`); follow it with `GET /api/runs/:id` and
 * the events. 200 with `runId` null when nothing was stale (no run is
 * recorded then). A selection error answers 400 before anything runs.
 */
export interface MaterializeResponse {
  readonly runId: string | null;
}

/** `POST /api/runs/:id/cancel`: the run was asked to stop (it ends `canceled` once its steps notice). */
export interface CancelResponse {
  readonly runId: string;
  /** `requested`: the run is going and was told to stop; `already-ended`: nothing to do. */
  readonly outcome: 'requested' | 'already-ended';
}

/** `POST /api/schedules/:name/start|stop` and `POST /api/sensors/:name/start|stop`: the new state. */
export interface InstigatorActionResponse {
  readonly kind: 'schedule' | 'sensor';
  readonly name: string;
  readonly status: 'running' | 'stopped';
}

/* ---------------------------------------------------------------- automation */

/** A tick, as `assets ticks --json` prints it. */
export interface TickJson {
  readonly id: number;
  readonly kind: 'schedule' | 'sensor';
  readonly name: string;
  readonly tickTime: string;
  readonly evaluatedAt: string;
  readonly status: 'success' | 'skipped' | 'failed';
  readonly runIds: readonly string[];
  readonly skipReason: string | null;
  readonly error: string | null;
  readonly cursor: string | null;
}

/** A schedule, as `assets schedules --json` prints it. */
export interface ScheduleJson {
  readonly name: string;
  readonly job: string;
  /** Its cron expression; null for a schedule on an interval. */
  readonly cron: string | null;
  /** Its interval (`90m`, or milliseconds), as declared; null for a cron schedule. */
  readonly every: string | number | null;
  /** Where its interval's ticks are counted from, as declared; null for the default (midnight of 2000-01-01 in its time zone). */
  readonly anchor: string | null;
  /** The cron or the interval in plain English (`At 02:00 every day`, `Every 90 minutes from 2026-01-01 00:00`). */
  readonly description: string;
  /** For a job over time-partitioned assets, what each tick materializes (`materializes the partition of the day that ended (daily from 2026-01-01 (UTC))`); else null. */
  readonly partitions: string | null;
  readonly timezone: string;
  readonly status: 'running' | 'stopped';
  /** `instance`: set by start/stop; `definition`: as declared. */
  readonly statusSetBy: 'definition' | 'instance';
  readonly startedAt: string | null;
  /** The next 3 tick times, UTC. */
  readonly nextTicks: readonly string[];
  readonly lastTick: TickJson | null;
}

/** A sensor, as `assets sensors --json` prints it. `lastTick` is its last evaluation. */
export interface SensorJson {
  readonly name: string;
  readonly job: string | null;
  readonly intervalSeconds: number;
  readonly description: string | null;
  readonly status: 'running' | 'stopped';
  readonly statusSetBy: 'definition' | 'instance';
  readonly startedAt: string | null;
  readonly cursor: string | null;
  readonly lastTick: TickJson | null;
}

/** `GET /api/automation`: schedules and sensors sorted as declared, and the 20 newest ticks. */
export interface AutomationResponse {
  readonly schedules: readonly ScheduleJson[];
  readonly sensors: readonly SensorJson[];
  readonly ticks: readonly TickJson[];
}

/* ---------------------------------------------------------------- live events */

/**
 * `GET /api/events`: Server-Sent Events. Each message's `event:` field is
 * the `type` below and its `data:` the JSON of the whole object. A comment
 * line (`: keep-alive`) comes every 15 s. Runs of this server come as they
 * happen; runs of other processes (the CLI, a daemon, workers) within about
 * half a second, read from the instance. The browser's EventSource
 * reconnects by itself; after a reconnect, re-read what you show.
 */
export type UiEvent = RunStartedEvent | RunEndedEvent | StepStartedEvent | StepEndedEvent | MaterializationEvent | CheckEvaluatedEvent | TickEvent;

/** A run started (or was first seen started). */
export interface RunStartedEvent {
  readonly type: 'run-started';
  readonly run: RunJson;
}

/** A run ended; `run.status` says how. */
export interface RunEndedEvent {
  readonly type: 'run-ended';
  readonly run: RunJson;
}

/** An attempt of a step started: the asset is `running`. */
export interface StepStartedEvent {
  readonly type: 'step-started';
  readonly runId: string;
  readonly assetKey: string;
  readonly attempt: number;
  readonly time: string;
}

/** An attempt of a step ended. `failure` carries the error; `skipped` covers up-to-date (early cutoff) and upstream failures. */
export interface StepEndedEvent {
  readonly type: 'step-ended';
  readonly runId: string;
  readonly assetKey: string;
  readonly attempt: number;
  readonly time: string;
  readonly outcome: 'success' | 'failure' | 'retried' | 'skipped';
  readonly error: { readonly message: string; readonly hint: string | null } | null;
}

/**
 * An asset was materialized: re-read its node (`GET /api/graph`) or page, as
 * its status and its descendants' may have changed.
 */
export interface MaterializationEvent {
  readonly type: 'materialization';
  readonly runId: string;
  readonly assetKey: string;
  readonly time: string;
  readonly rows: number | null;
}

/**
 * A run evaluated one of an asset's checks (after a materialization, or in
 * `assets check`): re-read the asset's page and the graph, as its status and
 * what it blocks may have changed. Sent as the run logs the result, which
 * the run stores just after: a page that re-reads at once may still see
 * the previous result, and the run's end (`run-ended`) comes after both.
 */
export interface CheckEvaluatedEvent {
  readonly type: 'check-evaluated';
  readonly runId: string;
  readonly assetKey: string;
  /** `<asset>.<name>`: `orders.unique_id`. */
  readonly check: string;
  readonly status: Exclude<CheckStatusWord, 'never-run'>;
  readonly failing: number | null;
  readonly time: string;
}

/** A schedule or sensor ticked. */
export interface TickEvent {
  readonly type: 'tick';
  readonly tick: TickJson;
}
