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
