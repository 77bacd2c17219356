import { z } from 'zod';
import { DefinitionSite } from './definition-site.js';
import type { Definitions } from './definitions.js';
import { DefinitionError } from './errors.js';
import { ResourceSettings } from './resource-config.js';
import { suggestClosest } from './suggest.js';

/** Where the project's instance lives, when not in SQLite under `STRATA_HOME`. */
export interface InstanceConfig {
  /**
   * A Postgres database shared by every process and host of the project:
   * `url` is a `postgres://` URL, `schema` the schema of Strata's tables
   * (default `strata`). `STRATA_DATABASE_URL` wins over it when set;
   * `STRATA_DATABASE_SCHEMA` over `schema`.
   */
  readonly postgres?: { readonly url: string; readonly schema?: string | undefined } | undefined;
}

/** What `defineConfig` takes: the project's definitions, the settings of its configurable resources, and where its instance lives. */
export interface ConfigSpec {
  readonly definitions: Definitions;
  /**
   * Settings of configurable resources, by resource key, then config field.
   * An environment variable a resource names for a field wins over the value here.
   */
  readonly resources?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The instance: SQLite under `STRATA_HOME` when absent. Read only from a `strata.config.*` file. */
  readonly instance?: InstanceConfig;
}

const instanceConfigSchema = z.strictObject({
  postgres: z
    .strictObject({
      url: z.string().refine(isPostgresUrl, { error: (issue) => `expected a postgres:// URL, got ${describeScheme(issue.input)}` }),
      schema: z.string().min(1).optional(),
    })
    .optional(),
});

/**
 * The default export of `strata.config.ts`: the definitions the CLI runs,
 * with settings for their configurable resources and, optionally, where the
 * instance lives. Returns the definitions with those settings attached, so
 * the file is a definitions module like any other (`--definitions
 * strata.config.ts` works too). Checks that every key names a configurable
 * resource of the definitions, and the `instance` block (a `postgres://` URL,
 * no unknown keys), naming this file and the field; the resource values
 * themselves are checked against each resource's schema when the CLI starts,
 * together with the environment variables that may override them.
 *
 * The instance is chosen, first match wins: `STRATA_DATABASE_URL` (with
 * `STRATA_DATABASE_SCHEMA`); `instance.postgres` here (its `schema`, unless
 * `STRATA_DATABASE_SCHEMA` is set); SQLite under `STRATA_HOME`. It is read
 * only from a `strata.config.*` file, because commands that need no
 * definitions (`assets runs`, `assets logs`) import that file, and only that
 * file, to find the database.
 *
 * @example
 * // strata.config.ts
 * import { defineConfig } from 'strata-assets';
 * import { definitions } from './src/assets.js';
 *
 * export default defineConfig({
 *   definitions,
 *   resources: { warehouse: { url: 'postgres://localhost/dev' } },
 *   instance: { postgres: { url: 'postgres://strata@db.internal/pipelines' } },
 * });
 */
export function defineConfig(spec: ConfigSpec): Definitions {
  const { definitions } = spec;
  // The file that calls defineConfig (the project's strata.config.*), so a problem names where to fix it.
  const configFile = DefinitionSite.of(defineConfig).files[0] ?? 'the config';
  const instance = spec.instance === undefined ? undefined : instanceConfigSchema.safeParse(spec.instance);
  const configurable = [...definitions.resourceDefinitions.values()].filter((resource) => resource.config !== undefined).map((resource) => resource.key).sort();
  const problems: string[] = [];
  const settings: Record<string, ResourceSettings> = {};
  for (const [key, values] of Object.entries(spec.resources ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const where = `resources.${key} in the config`;
    const resource = definitions.resourceDefinitions.get(key);
    if (resource === undefined || resource.config === undefined) {
      const close = suggestClosest(key, configurable);
      problems.push(
        resource === undefined
          ? `${where}: no resource of the definitions has key "${key}"` + (close.length > 0 ? `; did you mean "${close[0]}"?` : configurable.length > 0 ? `; the configurable ones are ${configurable.join(', ')}` : '')
          : `${where}: resource "${key}" declares no config schema, so it takes no settings`,
      );
    } else if (key in definitions.resources) {
      problems.push(`${where}: the definitions supply a ready-made instance of "${key}", which would ignore these settings`);
    } else if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      problems.push(`${where}: expected an object of settings (field: value)`);
    } else {
      settings[key] = new ResourceSettings(values);
    }
  }
  if (instance?.success === false) {
    for (const issue of instance.error.issues) problems.push(`${['instance', ...issue.path, ...('keys' in issue ? [issue.keys.join(', ')] : [])].join('.')} in ${configFile}: ${describeInstanceIssue(issue)}`);
  }
  if (problems.length > 0) throw new DefinitionError(problems);
  return Object.freeze({ ...definitions, resources: Object.freeze({ ...definitions.resources, ...settings }), ...(instance === undefined ? {} : { instance: instance.data }) });
}

/**
 * `definitions` with the settings of their project's config, for definitions
 * named apart from it (`--definitions`, `STRATA_DEFINITIONS`): they belong
 * to the config's project, so they run with what a plain run of it uses.
 * `configured` is what the config's `defineConfig` returned; its settings
 * apply to each configurable resource that `definitions` declare and do not
 * supply ready-made, and its instance settings apply as they are. Settings of
 * resources `definitions` do not declare were checked against the config's
 * own definitions, and concern no asset here.
 */
export function withProjectConfig(definitions: Definitions, configured: Definitions): Definitions {
  const settings = Object.entries(configured.resources).filter(
    ([key, value]) => value instanceof ResourceSettings && definitions.resourceDefinitions.get(key)?.config !== undefined && !(key in definitions.resources),
  );
  const instance = instanceConfigOf(configured);
  if (settings.length === 0 && instance === undefined) return definitions;
  return Object.freeze({ ...definitions, resources: Object.freeze({ ...definitions.resources, ...Object.fromEntries(settings) }), ...(instance === undefined ? {} : { instance }) });
}

/** The instance settings `defineConfig` attached to definitions, or undefined (plain definitions, or none given). */
export function instanceConfigOf(definitions: Definitions): InstanceConfig | undefined {
  return (definitions as Definitions & { readonly instance?: InstanceConfig }).instance;
}

/** Whether `url` names a Postgres database (`postgres://` or `postgresql://`). */
export function isPostgresUrl(url: unknown): boolean {
  return typeof url === 'string' && /^postgres(?:ql)?:\/\//i.test(url);
}

/** A URL's scheme only: the rest may hold a password, and core has no redaction of its own. */
function describeScheme(url: unknown): string {
  if (typeof url !== 'string') return typeof url;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  return scheme === undefined ? 'text that is not a URL' : `a ${scheme}: URL`;
}

function describeInstanceIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key; the keys are ${issue.path.length === 0 ? 'postgres' : 'url, schema'}`;
  return issue.message;
}
