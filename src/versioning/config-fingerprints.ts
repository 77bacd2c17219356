import { createHmac } from 'node:crypto';
import type { Definitions } from '../core/definitions.js';
import { resolveResourceConfig, ResourceSettings } from '../core/resource-config.js';

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
      fingerprints[`${key}.${setting}`] = createHmac('sha256', instanceKey)
        .update(`${key}\0${setting}\0${canonicalJson(values[setting])}`)
        .digest('hex')
        .slice(0, 32);
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

/** JSON with object keys sorted, so equal settings give equal text; `undefined` (an unset optional setting) has its own. */
function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
