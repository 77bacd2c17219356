import { createHmac } from 'node:crypto';
import type { Definitions } from '../core/definitions.js';
import { resolveResourceConfig, ResourceSettings } from '../core/resource-config.js';
import { ENV_READ, envReadName, parseSettingName, settingName } from '../core/setting-names.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Fingerprints of the resource settings every asset would run with now:
 * asset key -> `<resource>.<setting>` -> HMAC-SHA256 (keyed with the
 * instance key) of the setting's resolved value, for each configurable
 * resource the asset uses. Recorded with each materialization, so a changed
 * setting (another source URL, another rate) makes exactly the assets that
 * use it `config-changed`. Every setting is keyed, secret or not: the values
 * themselves are never stored, and a fingerprint cannot be checked against
 * guesses without the instance's key.
 *
 * Resources the definitions supply as ready-made instances take no settings
 * and have none. A resource whose settings do not parse has none either: the
 * CLI reports that before planning, and a run fails when creating it.
 */
export function configFingerprints(definitions: Definitions, env: Env, instanceKey: string): ReadonlyMap<string, Readonly<Record<string, string>>> {
  const byResource = new Map<string, Record<string, string>>();
  for (const [key, definition] of definitions.resourceDefinitions) {
    const supplied = definitions.resources[key];
    if (definition.config === undefined || (key in definitions.resources && !(supplied instanceof ResourceSettings))) continue;
    const resolved = resolveResourceConfig(definition, env, supplied as ResourceSettings | undefined);
    if ('problems' in resolved) continue;
    const values = resolved.config as Record<string, unknown>;
    const fingerprints: Record<string, string> = {};
    for (const setting of Object.keys(definition.config.shape).sort()) {
      fingerprints[settingName(key, setting)] = fingerprint(instanceKey, key, setting, values[setting]);
    }
    byResource.set(key, fingerprints);
  }

  const byAsset = new Map<string, Readonly<Record<string, string>>>();
  for (const asset of definitions.assets) {
    const keys = [...new Set(Object.values(asset.resources).map((definition) => definition.key))].sort();
    byAsset.set(asset.key, Object.freeze(Object.assign({}, ...keys.map((key) => byResource.get(key) ?? {})) as Record<string, string>));
  }
  return byAsset;
}

/**
 * The fingerprints of the settings an asset ran with, as its materialization
 * records them: those of its resources' declared settings, and of the
 * environment variables `envReads` says its resources read beyond them
 * (resource key -> variables; see `ResourcePool.envReads`), by their values now.
 */
export type SettingsAsRun = (key: string, envReads: Readonly<Record<string, readonly string[]>>) => Readonly<Record<string, string>>;

/**
 * The settings of every asset with `env`, worked out once: `declared`, as
 * `configFingerprints`, and `asRun`, which adds the variables a run's
 * resources read (`withEnvReads`), of the resources the asset uses now only:
 * one it no longer uses shows as a removed setting. Plans and work-pool
 * workers both judge settings by it.
 */
export function settingsFingerprints(definitions: Definitions, env: Env, instanceKey: string): { readonly declared: ReadonlyMap<string, Readonly<Record<string, string>>>; readonly asRun: SettingsAsRun } {
  const declared = configFingerprints(definitions, env, instanceKey);
  const asRun: SettingsAsRun = (key, envReads) => {
    const uses = new Set(Object.values(definitions.asset(key)!.resources).map((resource) => resource.key));
    return withEnvReads(declared.get(key) ?? {}, Object.fromEntries(Object.entries(envReads).filter(([resource]) => uses.has(resource))), env, instanceKey);
  };
  return { declared, asRun };
}

/**
 * `declared` (an asset's entry of `configFingerprints`) with the fingerprints
 * of the values `envReads` names (resource key -> variables its `create` read
 * from `env` beyond its settings, see `ResourcePool.envReads`) have in `env`
 * now. A run records the variables its resources read; a plan fingerprints
 * the same ones again (`recordedEnvReads`), so a changed value makes the
 * asset `config-changed` as a changed setting does.
 */
function withEnvReads(
  declared: Readonly<Record<string, string>>,
  envReads: Readonly<Record<string, readonly string[]>>,
  env: Env,
  instanceKey: string,
): Readonly<Record<string, string>> {
  const resources = Object.keys(envReads);
  if (resources.length === 0) return declared;
  const all: Record<string, string> = { ...declared };
  for (const resource of resources) {
    for (const variable of envReads[resource]!) all[envReadName(resource, variable)] = fingerprint(instanceKey, resource, `${ENV_READ}${variable}`, env[variable]);
  }
  return all;
}

/** The variables a materialization's settings (`configVersions`) record its resources read from `env`, by resource key. */
export function recordedEnvReads(recorded: Readonly<Record<string, string>>): Record<string, string[]> {
  const reads: Record<string, string[]> = {};
  for (const name of Object.keys(recorded)) {
    const { resource, setting, variable } = parseSettingName(name);
    if (setting === null) (reads[resource] ??= []).push(variable!);
  }
  return reads;
}

/** HMAC-SHA256 of one setting's value, keyed with the instance key. */
function fingerprint(instanceKey: string, resource: string, setting: string, value: unknown): string {
  return createHmac('sha256', instanceKey).update(`${resource}\0${setting}\0${canonicalJson(value)}`).digest('hex').slice(0, 32);
}

/**
 * A setting's value as canonical text, so equal settings give equal text and
 * different ones differ: JSON with object keys sorted, and what zod
 * transforms commonly make of a setting, which JSON would flatten to `{}` or
 * refuse, written out: a Set by its members and a Map by its entries (in any
 * order), a RegExp by its source and flags, a BigInt by its digits, a
 * function by its source. Plain JSON values keep the text they always had, so
 * no recorded fingerprint changes. `undefined` (an unset optional setting) has
 * its own.
 */
function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === 'bigint') return { $bigint: String(inner) };
    if (typeof inner === 'function') return { $function: String(inner) };
    if (inner instanceof Set) return { $set: [...inner].map(canonicalJson).sort() };
    if (inner instanceof Map) return { $map: [...inner].map(([key, entry]) => `${canonicalJson(key)}=${canonicalJson(entry)}`).sort() };
    if (inner instanceof RegExp) return { $regexp: [inner.source, inner.flags] };
    return inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner;
  });
}
