import type { z } from 'zod';
import type { Definitions } from './definitions.js';
import { StrataError } from './errors.js';
import type { ResourceConfigSchema, ResourceDefinition } from './resource.js';
import { suggestClosest } from './suggest.js';

/**
 * The config file's settings for one configurable resource. `defineConfig`
 * puts it in `Definitions.resources` under the resource's key, where a
 * ready-made instance would otherwise go, so the settings travel wherever the
 * definitions do (worker threads import the same module).
 */
export class ResourceSettings {
  readonly values: Readonly<Record<string, unknown>>;

  constructor(values: Readonly<Record<string, unknown>>) {
    this.values = Object.freeze({ ...values });
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where each field of a config is set from, for parsing and for messages. */
interface SettingsSource {
  readonly env: Env;
  /** Field -> variable. */
  readonly variables: Readonly<Record<string, string>>;
  readonly fileValues: Readonly<Record<string, unknown>>;
  /** How a field of the config file is named in messages, e.g. `resources.api.url in the config file`; absent without a config file. */
  readonly fileField?: ((field: string) => string) | undefined;
}

/**
 * Parses settings: a field's environment variable wins when set (an empty
 * value counts as unset), then the config file's value, then the schema's
 * default. Returns every problem, each naming the variable or config-file
 * field to fix; values are never echoed, since settings hold secrets.
 */
function parseSettings<S extends ResourceConfigSchema>(schema: S, source: SettingsSource): { config: z.output<S> } | { problems: string[] } {
  const fields = Object.keys(schema.shape);
  const problems: string[] = [];
  for (const field of Object.keys(source.fileValues).sort()) {
    if (fields.includes(field)) continue;
    const close = suggestClosest(field, fields);
    problems.push(`${source.fileField?.(field) ?? field}: unknown setting${close.length > 0 ? `; did you mean "${close[0]}"?` : `; the settings are ${fields.join(', ')}`}`);
  }
  const input: Record<string, unknown> = { ...source.fileValues };
  const fromEnv = new Set<string>();
  for (const [field, variable] of Object.entries(source.variables)) {
    const value = source.env[variable];
    if (value === undefined || value === '') continue;
    input[field] = value;
    fromEnv.add(field);
  }
  const parsed = schema.safeParse(input);
  if (parsed.success && problems.length === 0) return { config: parsed.data };
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    const variable = source.variables[field];
    const rest = issue.path.length > 1 ? ` (at ${issue.path.slice(1).join('.')})` : '';
    if (fromEnv.has(field)) {
      problems.push(`${variable}: ${issue.message}${rest}`);
    } else if (input[field] === undefined) {
      const where = [variable === undefined ? undefined : `set ${variable}`, source.fileField?.(field)].filter((part) => part !== undefined);
      problems.push(`${field} is required${where.length > 0 ? `: ${where.join(', or ')}` : ''}`);
    } else {
      problems.push(`${source.fileField?.(field) ?? field}: ${issue.message}${rest}`);
    }
  }
  return { problems };
}

/**
 * The config a configurable resource is created with, from the environment
 * and the config file's settings (`defineConfig`), or every problem with them.
 */
export function resolveResourceConfig(
  definition: ResourceDefinition,
  env: Env,
  settings: ResourceSettings | undefined,
): { config: unknown } | { problems: string[] } {
  if (definition.config === undefined) return { config: undefined };
  const result = parseSettings(definition.config, {
    env,
    variables: definition.env ?? {},
    fileValues: settings?.values ?? {},
    fileField: (field) => `resources.${definition.key}.${field} in the config file`,
  });
  return 'problems' in result ? { problems: result.problems.map((problem) => `resource "${definition.key}": ${problem}`) } : result;
}

/**
 * Every problem with the config of the definitions' configurable resources,
 * in resource key order: what the CLI checks at start-up, so a bad variable
 * stops the command before anything runs. Resources the definitions supply as
 * ready-made instances take no config and are not checked.
 */
export function resourceConfigProblems(definitions: Definitions, env: Env): string[] {
  const problems: string[] = [];
  for (const key of [...definitions.resourceDefinitions.keys()].sort()) {
    const supplied = definitions.resources[key];
    if (key in definitions.resources && !(supplied instanceof ResourceSettings)) continue;
    const result = resolveResourceConfig(definitions.resourceDefinitions.get(key)!, env, supplied as ResourceSettings | undefined);
    if ('problems' in result) problems.push(...result.problems);
  }
  return problems;
}

/** The error for a list of config problems (of resources, or of `configFromEnv`). */
export function resourceConfigError(problems: readonly string[]): StrataError {
  return new StrataError(
    'STRATA_RESOURCE_CONFIG',
    `The configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    { hint: 'Set the variables named (an environment variable wins over the config file), or fix `resources` in the config file (defineConfig).' },
  );
}

/**
 * Settings read from environment variables alone, parsed by `schema`, for
 * configuration that is not a resource (a retry delay, a batch size). Throws
 * one error naming every variable at fault. Environment values are strings:
 * use `z.coerce.number()` and the like for other types.
 *
 * @example
 * const { delayMs } = configFromEnv(
 *   z.object({ delayMs: z.coerce.number().int().nonnegative().default(5_000) }),
 *   { delayMs: 'SOURCE_RETRY_DELAY_MS' },
 *   process.env,
 * );
 */
export function configFromEnv<S extends ResourceConfigSchema>(schema: S, variables: { readonly [F in keyof S['shape'] & string]?: string }, env: Env): z.output<S> {
  const result = parseSettings(schema, {
    env,
    variables: variables as Readonly<Record<string, string>>,
    fileValues: {},
  });
  if ('problems' in result) throw resourceConfigError(result.problems);
  return result.config;
}
