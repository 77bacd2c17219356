import { type AnyAssetCheck, checkProblems } from './asset-check.js';
import type { DefinedAsset } from './definitions.js';
import { suggestClosest } from './suggest.js';

/** A check's key: its asset's key and its name, `orders.unique_id`, as downstream assets and the CLI name it. */
export function checkKey(assetKey: string, check: Pick<AnyAssetCheck, 'name'>): string {
  return `${assetKey}.${check.name}`;
}

/**
 * Problems with the checks the assets declare, for `defineDefinitions` to
 * report with every other: invalid fields, two checks of one asset with one
 * name, columns the schema lacks (caught by `tsc` in TypeScript, not in
 * JavaScript), assets they read that are not defined, and
 * `ignoreFailedChecks` entries that name no check upstream.
 */
export function assetCheckProblems(assets: readonly DefinedAsset[], assetByKey: (key: string) => DefinedAsset | undefined): string[] {
  const problems: string[] = [];
  for (const asset of assets) {
    // Most assets have no checks: reading their columns would work out every schema's column kinds on every load.
    if (asset.checks.length === 0) continue;
    const names = new Set<string>();
    const columns = new Set(asset.columns.map((column) => column.name));
    for (const check of asset.checks) {
      const where = `asset "${asset.key}", check "${check.name}"`;
      problems.push(...checkProblems(check, where));
      if (names.has(check.name)) problems.push(`${where}: declared more than once; give one of them another \`name\``);
      names.add(check.name);
      for (const column of check.columns) {
        if (!columns.has(column)) problems.push(`${where}: unknown column "${column}"${didYouMean(column, [...columns])}`);
      }
      for (const read of check.reads) {
        const target = assetByKey(read);
        if (target === undefined) problems.push(`${where}: reads asset "${read}", which is not among the definitions' assets`);
        // Its asset's checks run before anything downstream of it: a check that waited for one would wait forever.
        else if (target !== asset && upstreamAssets(target, assetByKey).has(asset)) {
          problems.push(`${where}: reads "${read}", which depends on "${asset.key}"; a check may read only assets its asset does not feed (declare it on "${read}" instead)`);
        }
      }
    }
  }
  for (const asset of assets) {
    if (asset.ignoreFailedChecks.length === 0) continue;
    const upstreamChecks = [...upstreamAssets(asset, assetByKey)].flatMap((upstream) => upstream.checks.map((check) => checkKey(upstream.key, check)));
    for (const ignored of asset.ignoreFailedChecks) {
      if (!upstreamChecks.includes(ignored)) {
        problems.push(`asset "${asset.key}": ignoreFailedChecks names "${ignored}", which is no check of an upstream asset${didYouMean(ignored, upstreamChecks)} (write <asset>.<check>)`);
      }
    }
  }
  return problems;
}

function upstreamAssets(asset: DefinedAsset, assetByKey: (key: string) => DefinedAsset | undefined): Set<DefinedAsset> {
  const found = new Set<DefinedAsset>();
  const pending = [...asset.deps];
  while (pending.length > 0) {
    const upstream = assetByKey(pending.pop()!);
    if (upstream === undefined || found.has(upstream)) continue;
    found.add(upstream);
    pending.push(...upstream.deps);
  }
  return found;
}

function didYouMean(name: string, known: readonly string[]): string {
  const suggestions = suggestClosest(name, known);
  return suggestions.length > 0 ? `; did you mean "${suggestions[0]}"?` : '';
}
