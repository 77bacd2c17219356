/*
 * The names under which a materialization records the fingerprints of the
 * settings it ran with (`RecordedMaterialization.configVersions`): a declared
 * setting of a resource as `<resource>.<setting>`, and an environment
 * variable the resource read from its `env` beyond those as
 * `<resource>.$env.<VARIABLE>` (settings are a zod object's field names,
 * identifiers in practice, so none begins with `$env.`).
 */

/** What a variable's name follows in a recorded name, after its resource's. */
export const ENV_READ = '$env.';

/** The recorded name of a declared setting of `resource`. */
export function settingName(resource: string, setting: string): string {
  return `${resource}.${setting}`;
}

/** The recorded name of an environment variable `resource` read beyond its settings. */
export function envReadName(resource: string, variable: string): string {
  return `${resource}.${ENV_READ}${variable}`;
}

/** A recorded name taken apart: `setting` null for a variable the resource read itself, which `variable` names. */
export function parseSettingName(name: string): { readonly resource: string; readonly setting: string | null; readonly variable: string | undefined } {
  const dot = name.indexOf('.');
  const resource = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  return rest.startsWith(ENV_READ) ? { resource, setting: null, variable: rest.slice(ENV_READ.length) } : { resource, setting: rest, variable: undefined };
}
