import type { AnyAsset, AssetDefinition } from './asset.js';
import { assetCheckProblems } from './check-definitions.js';
import { partitionProblems } from './partition-definitions.js';
import { parseDuration } from './duration.js';
import { markDeclared, wasDeclared } from './declared-assets.js';
import { DefinitionSite } from './definition-site.js';
import { DefinitionError, StrataError } from './errors.js';
import { type DependencyLists, findCycles } from './find-cycles.js';
import type { IOManager } from './io-manager.js';
import { checkJob, type JobDefinition } from './job.js';
import { multiAssetProblems } from './multi-asset.js';
import type { ResourceDefinition } from './resource.js';
import type { RetryPolicy } from './retry-policy.js';
import { type ColumnSpec, describeColumns, schemaProblems } from './row-schema.js';
import { checkSchedule, type ScheduleDefinition } from './schedule.js';
import { checkSensor, type SensorDefinition } from './sensor.js';
import { suggestClosest } from './suggest.js';

const ASSET_KEY_PATTERN = /^[a-z][a-z0-9_]*$/;
/** Pool names: a letter or digit, then letters, digits, `_`, `-`, `.` (they are typed on the command line: `assets pools set api 1`). */
export const POOL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Names of jobs, schedules and sensors: lowercase, kebab-case or snake_case. */
const AUTOMATION_NAME_PATTERN = /^[a-z][a-z0-9_-]*$/;

/** What `defineDefinitions` takes. */
export interface DefinitionsSpec {
  readonly assets: readonly AnyAsset[];
  /** IO managers by key; assets name one with `ioManager` (default `"default"`). */
  readonly ioManagers?: Readonly<Record<string, IOManager>>;
  /**
   * Ready-made resource instances by resource key, used instead of calling the
   * resource's `create` (a test double, a client configured by hand). The
   * code versions of the assets that use them cover the calling module.
   */
  readonly resources?: Readonly<Record<string, unknown>>;
  /** Retry policy of assets that declare none. Default: no retries. */
  readonly defaultRetry?: RetryPolicy;
  /** Named selections that schedules, sensors and `assets materialize --job` run. */
  readonly jobs?: readonly JobDefinition[];
  readonly schedules?: readonly ScheduleDefinition[];
  readonly sensors?: readonly SensorDefinition[];
}

/** An asset as the definitions checked it: with its columns and freshness resolved. */
export interface DefinedAsset extends AssetDefinition {
  readonly columns: readonly ColumnSpec[];
  readonly maxAgeMs: number | undefined;
}

/** A checked, immutable set of definitions: what every command and run works from. */
export interface Definitions {
  /** Every asset, sorted by key. */
  readonly assets: readonly DefinedAsset[];
  readonly ioManagers: Readonly<Record<string, IOManager>>;
  /** Every resource some asset uses, by resource key. */
  readonly resourceDefinitions: ReadonlyMap<string, ResourceDefinition>;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly defaultRetry: RetryPolicy | undefined;
  /** Every job, sorted by name. */
  readonly jobs: readonly JobDefinition[];
  /** Every schedule, sorted by name. */
  readonly schedules: readonly ScheduleDefinition[];
  /** Every sensor, sorted by name. */
  readonly sensors: readonly SensorDefinition[];
  /** The asset with `key`, or undefined. */
  asset(key: string): DefinedAsset | undefined;
  /** The job, schedule or sensor with that name, or undefined. */
  job(name: string): JobDefinition | undefined;
  schedule(name: string): ScheduleDefinition | undefined;
  sensor(name: string): SensorDefinition | undefined;
}

/**
 * Checks a whole definition set at once and throws one `DefinitionError`
 * listing every problem: invalid or duplicate keys, deps on unknown assets,
 * cycles (with their path), unknown IO managers, schemas that are not flat
 * tables, bad freshness or retry settings, invalid pool names, clashing resource keys; jobs,
 * schedules and sensors with invalid or duplicate names, references to jobs
 * that do not exist, invalid cron expressions or time zones; invalid asset
 * checks (see `assetCheckProblems`); multi-assets with a bad or shared name
 * or an output left out (see `multiAssetProblems`). (Job selections
 * need the asset graph: `checkJobSelections` in `src/graph` checks those.)
 */
export function defineDefinitions(spec: DefinitionsSpec): Definitions {
  const problems: string[] = [];
  const ioManagers = spec.ioManagers ?? {};
  // Assets are numbered in declaration order: `declared[id]`, `idOf.get(key)`.
  const declared: DefinedAsset[] = [];
  const idOf = new Map<string, number>();
  const resourceDefinitions = new Map<string, ResourceDefinition>();
  // The modules that call this, for the code they hand over: read once, when first needed.
  let callSite: DefinitionSite | undefined;
  const calledFrom = () => (callSite ??= DefinitionSite.of(defineDefinitions));
  const supplied = spec.resources !== undefined && Object.keys(spec.resources).length > 0;

  // Indexed loops over assets and deps: `for...of` allocates per step until V8 optimizes the loop.
  for (let index = 0; index < spec.assets.length; index++) {
    const asset = spec.assets[index]!;
    const where = `asset "${asset.key}"`;
    if (!ASSET_KEY_PATTERN.test(asset.key)) {
      problems.push(`${where}: invalid key; keys match ${ASSET_KEY_PATTERN.source} (lowercase letters, digits, _)`);
    }
    if (idOf.has(asset.key)) {
      problems.push(`${where}: declared more than once`);
      continue;
    }
    const ofSchema = schemaProblems(asset.schema);
    for (let problem = 0; problem < ofSchema.length; problem++) problems.push(`${where}: schema ${ofSchema[problem]}`);
    if (!(asset.ioManager in ioManagers)) {
      const known = Object.keys(ioManagers).sort();
      problems.push(
        `${where}: unknown IO manager "${asset.ioManager}"; ` +
          (known.length > 0 ? `the definitions provide ${known.map((k) => `"${k}"`).join(', ')}` : 'the definitions provide none (pass ioManagers)'),
      );
    }
    if (asset.retry !== undefined) problems.push(...checkRetryPolicy(asset.retry, where));
    if (asset.pool !== undefined && (typeof asset.pool !== 'string' || !POOL_NAME_PATTERN.test(asset.pool))) {
      problems.push(`${where}: invalid pool ${JSON.stringify(asset.pool)}; pool names match ${POOL_NAME_PATTERN.source} (letters, digits, _, -, .)`);
    }
    const maxAgeMs = resolveMaxAge(asset, problems);
    const resourceNames = Object.keys(asset.resources);
    for (let resource = 0; resource < resourceNames.length; resource++) {
      const name = resourceNames[resource]!;
      const definition = asset.resources[name]!;
      const known = resourceDefinitions.get(definition.key);
      if (known !== undefined && known !== definition) {
        problems.push(`${where}: resource "${name}" has key "${definition.key}", which another resource already uses`);
      }
      resourceDefinitions.set(definition.key, definition);
    }
    // Code handed over here runs as the asset's: ready-made resource instances the calling modules
    // hold, and the compute of an asset copied with another (`{ ...orders, compute: timed(orders.compute) }`).
    // The code versions of the assets that run it cover those modules too.
    const usesSupplied = supplied && resourceNames.some((name) => Object.hasOwn(spec.resources!, asset.resources[name]!.key));
    const runsHandedOverCode = usesSupplied || !wasDeclared(asset);
    idOf.set(asset.key, declared.length);
    declared.push(definedAsset(asset, maxAgeMs, runsHandedOverCode ? asset.definedIn?.joinedWith(calledFrom()) : asset.definedIn));
  }
  problems.push(...checkRetryPolicy(spec.defaultRetry, 'defaultRetry'));

  const order = keyOrder(declared);
  const assets = order.map((id) => declared[id]!);
  for (const cycle of findCycles(dependencyLists(order, declared, idOf, problems))) {
    // Read in data-flow order (upstream first), as lineage is drawn.
    problems.push(`dependency cycle: ${cycle.map((position) => assets[position]!.key).reverse().join(' -> ')}`);
  }

  const automation = checkAutomation(spec, problems);
  const assetByKey = (key: string) => {
    const id = idOf.get(key);
    return id === undefined ? undefined : declared[id];
  };
  problems.push(...assetCheckProblems(assets, assetByKey));
  problems.push(...multiAssetProblems(assets, assetByKey, ASSET_KEY_PATTERN));
  problems.push(...partitionProblems(assets, assetByKey));

  if (problems.length > 0) throw new DefinitionError(problems);

  return Object.freeze({
    assets: Object.freeze(assets),
    ioManagers: Object.freeze({ ...ioManagers }),
    resourceDefinitions,
    resources: Object.freeze({ ...spec.resources }),
    defaultRetry: spec.defaultRetry,
    jobs: sortedValues(automation.jobs),
    schedules: sortedValues(automation.schedules),
    sensors: sortedValues(automation.sensors),
    asset: assetByKey,
    job: (name: string) => automation.jobs.get(name),
    schedule: (name: string) => automation.schedules.get(name),
    sensor: (name: string) => automation.sensors.get(name),
  });
}

/**
 * The asset with its columns and resolved freshness. Fields are listed rather
 * than spread (`{ ...asset }`): V8 builds a spread copy of a frozen object
 * through a slow path that allocates over twice as much, and definition sets
 * of 100k assets are checked on every load. Every field of `AssetDefinition`
 * is required, so one added there fails to compile here until it is copied.
 */
function definedAsset(asset: AnyAsset, maxAgeMs: number | undefined, definedIn: DefinitionSite | undefined): DefinedAsset {
  const defined = {
    key: asset.key,
    schema: asset.schema,
    deps: asset.deps,
    resources: asset.resources,
    group: asset.group,
    tags: asset.tags,
    description: asset.description,
    ioManager: asset.ioManager,
    codeVersion: asset.codeVersion,
    codeVersionIsExplicit: asset.codeVersionIsExplicit,
    definedIn,
    retry: asset.retry,
    maxAge: asset.maxAge,
    pool: asset.pool,
    observe: asset.observe,
    checks: asset.checks,
    ignoreFailedChecks: asset.ignoreFailedChecks,
    multiAsset: asset.multiAsset,
    partitions: asset.partitions,
    partitionMappings: asset.partitionMappings,
    partitionColumn: asset.partitionColumn,
    compute: asset.compute,
    maxAgeMs,
  } satisfies Omit<DefinedAsset, 'columns'>;
  Object.defineProperty(defined, 'columns', LAZY_COLUMNS);
  // Declared as much as what it was made from: handed to `defineDefinitions` again, its site covers its code already.
  return markDeclared(Object.freeze(defined as typeof defined & Pick<DefinedAsset, 'columns'>));
}

/** The columns of each defined asset whose `columns` has been read. */
const columnsOf = new WeakMap<object, readonly ColumnSpec[]>();

/**
 * `columns`, worked out when first read (by a run, an IO manager), not on
 * every load: a command that only plans never reads them, and telling integer
 * from number columns costs zod more than the rest of checking a schema. The
 * schema's problems were checked already, so this cannot fail. One shared
 * getter, not one per asset: V8 gives objects with different accessor
 * functions different shapes, and a getter in an object literal makes the
 * object a slow dictionary.
 */
const LAZY_COLUMNS: PropertyDescriptor = {
  enumerable: true,
  get(this: DefinedAsset): readonly ColumnSpec[] {
    let columns = columnsOf.get(this);
    if (columns === undefined) columnsOf.set(this, (columns = describeColumns(this.schema).columns));
    return columns;
  },
};

/** The ids of `declared` ordered by key (UTF-16 code units, as `Array#sort` orders strings). */
function keyOrder(declared: readonly DefinedAsset[]): number[] {
  const keys = declared.map((asset) => asset.key);
  return keys.map((_, id) => id).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
}

/**
 * The deps of each asset in key order, as positions in that order, for
 * `findCycles`; pushes a problem for each dep on an unknown asset (in key
 * order) and leaves it out. Integer positions rather than keys, because
 * definition sets of 100k assets are checked on every load.
 */
function dependencyLists(order: readonly number[], declared: readonly DefinedAsset[], idOf: ReadonlyMap<string, number>, problems: string[]): DependencyLists {
  const positionOf = new Int32Array(order.length);
  for (let position = 0; position < order.length; position++) positionOf[order[position]!] = position;
  const start = new Int32Array(order.length + 1);
  const deps: number[] = [];
  for (let position = 0; position < order.length; position++) {
    start[position] = deps.length;
    const asset = declared[order[position]!]!;
    for (let index = 0; index < asset.deps.length; index++) {
      const dep = asset.deps[index]!;
      const id = idOf.get(dep);
      if (id === undefined) problems.push(`asset "${asset.key}": depends on "${dep}", which is not among the definitions' assets`);
      else deps.push(positionOf[id]!);
    }
  }
  start[order.length] = deps.length;
  return { start, deps };
}

interface Automation {
  readonly jobs: Map<string, JobDefinition>;
  readonly schedules: Map<string, ScheduleDefinition>;
  readonly sensors: Map<string, SensorDefinition>;
}

/**
 * Checks jobs, schedules and sensors, pushing every problem. Schedules and
 * sensors share one namespace, since ticks and `assets ticks <name>` name
 * either by its name alone.
 */
function checkAutomation(spec: DefinitionsSpec, problems: string[]): Automation {
  const jobs = new Map<string, JobDefinition>();
  for (const job of spec.jobs ?? []) {
    if (!nameProblem(`job "${job.name}"`, job.name, jobs.has(job.name), problems)) jobs.set(job.name, job);
    problems.push(...checkJob(job));
  }
  const instigators = new Map<string, string>();
  const claim = (kind: string, name: string): boolean => {
    const where = `${kind} "${name}"`;
    const taken = instigators.get(name);
    if (taken !== undefined && taken !== kind) {
      problems.push(`${where}: a ${taken} already has that name; schedules and sensors share one namespace`);
      return false;
    }
    if (nameProblem(where, name, taken !== undefined, problems)) return false;
    instigators.set(name, kind);
    return true;
  };
  const jobReference = (where: string, jobName: string) => {
    if (jobs.has(jobName)) return;
    const suggestions = suggestClosest(jobName, jobs.keys());
    problems.push(
      `${where}: runs job "${jobName}", which is not among the definitions' jobs` +
        (suggestions.length > 0 ? `; did you mean ${suggestions.map((name) => `"${name}"`).join(' or ')}?` : ''),
    );
  };

  const schedules = new Map<string, ScheduleDefinition>();
  for (const schedule of spec.schedules ?? []) {
    if (claim('schedule', schedule.name)) schedules.set(schedule.name, schedule);
    problems.push(...checkSchedule(schedule));
    jobReference(`schedule "${schedule.name}"`, schedule.job);
  }
  const sensors = new Map<string, SensorDefinition>();
  for (const sensor of spec.sensors ?? []) {
    if (claim('sensor', sensor.name)) sensors.set(sensor.name, sensor);
    problems.push(...checkSensor(sensor));
    if (sensor.job !== undefined) jobReference(`sensor "${sensor.name}"`, sensor.job);
  }
  return { jobs, schedules, sensors };
}

/** Pushes the problem with a name, if any, and says whether there was one. */
function nameProblem(where: string, name: string, duplicate: boolean, problems: string[]): boolean {
  if (typeof name !== 'string' || !AUTOMATION_NAME_PATTERN.test(name)) {
    problems.push(`${where}: invalid name; names match ${AUTOMATION_NAME_PATTERN.source} (lowercase letters, digits, _ and -)`);
    return true;
  }
  if (duplicate) {
    problems.push(`${where}: declared more than once`);
    return true;
  }
  return false;
}

function sortedValues<T>(byName: ReadonlyMap<string, T>): readonly T[] {
  return Object.freeze([...byName.keys()].sort().map((name) => byName.get(name)!));
}

function resolveMaxAge(asset: AnyAsset, problems: string[]): number | undefined {
  if (asset.maxAge === undefined) return undefined;
  try {
    return parseDuration(asset.maxAge, `asset "${asset.key}": freshness.maxAge`);
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

function checkRetryPolicy(policy: RetryPolicy | undefined, where: string): string[] {
  if (policy === undefined) return [];
  const problems: string[] = [];
  if (!Number.isInteger(policy.maxRetries) || policy.maxRetries < 0) {
    problems.push(`${where}: retry.maxRetries must be a whole number >= 0, got ${policy.maxRetries}`);
  }
  if (!Number.isFinite(policy.delayMs) || policy.delayMs < 0) {
    problems.push(`${where}: retry.delayMs must be >= 0 milliseconds, got ${policy.delayMs}`);
  }
  if (policy.jitter !== undefined && !(policy.jitter >= 0 && policy.jitter <= 1)) {
    problems.push(`${where}: retry.jitter must be between 0 and 1, got ${policy.jitter}`);
  }
  return problems;
}
