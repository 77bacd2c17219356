import type { Definitions } from './definitions.js';
import { DefinitionError } from './errors.js';
import { ResourceSettings } from './resource-config.js';
import { suggestClosest } from './suggest.js';

/** What `defineConfig` takes: the project's definitions, and the settings of its configurable resources. */
export interface ConfigSpec {
  readonly definitions: Definitions;
  /**
   * Settings of configurable resources, by resource key, then config field.
   * An environment variable a resource names for a field wins over the value here.
   */
  readonly resources?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * The default export of `strata.config.ts`: the definitions the CLI runs,
 * with settings for their configurable resources. Returns the definitions
 * with those settings attached, so the file is a definitions module like any
 * other (`--definitions strata.config.ts` works too). Checks that every key
 * names a configurable resource of the definitions; the values themselves are
 * checked against each resource's schema when the CLI starts, together with
 * the environment variables that may override them.
 *
 * @example
 * // strata.config.ts
 * import { defineConfig } from 'strata-assets';
 * import { definitions } from './src/assets.js';
 *
 * export default defineConfig({
 *   definitions,
 *   resources: { warehouse: { url: 'postgres://localhost/dev' } },
 * });
 */
export function defineConfig(spec: ConfigSpec): Definitions {
  const { definitions } = spec;
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
  if (problems.length > 0) throw new DefinitionError(problems);
  return Object.freeze({ ...definitions, resources: Object.freeze({ ...definitions.resources, ...settings }) });
}
