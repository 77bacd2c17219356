import type { DefinedAsset } from './definitions.js';
import { defaultPartitionMapping } from './partition-mappings.js';

/**
 * Problems with how the assets are partitioned, for `defineDefinitions` to
 * report with every other: a mapping of a key that is no partitioned
 * upstream, a mapping that cannot map between the two definitions, and
 * partitioned upstreams with no default mapping and none declared, a
 * `partitionColumn` that is not a column of a partitioned asset, and
 * checks that would judge partitioned tables, which are not supported yet.
 */
export function partitionProblems(assets: readonly DefinedAsset[], assetByKey: (key: string) => DefinedAsset | undefined): string[] {
  const problems: string[] = [];
  // Only a partitioned upstream can make a dep a problem: without one, the lookup of every dep (a
  // tenth of a second at 100k assets, the map's keys scattered over a large heap) is left out.
  const anyPartitioned = assets.some((asset) => asset.partitions !== undefined);
  for (const asset of assets) {
    const where = `asset "${asset.key}"`;
    for (const [key, mapping] of Object.entries(asset.partitionMappings)) {
      const upstream = assetByKey(key);
      if (!asset.deps.includes(key)) problems.push(`${where}: partitionMappings names "${key}", which is not among its deps`);
      else if (upstream?.partitions === undefined) problems.push(`${where}: partitionMappings names "${key}", which is not partitioned; remove the mapping`);
      else {
        const problem = mapping.problem(asset.partitions, upstream.partitions);
        if (problem !== undefined) problems.push(`${where}: the mapping of "${key}" (${mapping.describe()}): ${problem}`);
      }
    }
    for (const dep of anyPartitioned ? asset.deps : []) {
      const upstream = assetByKey(dep);
      if (upstream?.partitions === undefined || asset.partitionMappings[dep] !== undefined) continue;
      if (defaultPartitionMapping(asset.partitions, upstream.partitions) === undefined) {
        problems.push(
          `${where} (${asset.partitions?.describe() ?? 'unpartitioned'}) reads "${dep}" (${upstream.partitions.describe()}), and no mapping between them is implied; ` +
            `declare one, e.g. partitionMappings: { ${dep}: staticMapping({ ... }) }`,
        );
      }
    }
    if (asset.partitionColumn !== undefined) {
      if (asset.partitions === undefined) problems.push(`${where}: partitionColumn "${asset.partitionColumn}" is set, but the asset is not partitioned; remove it or add partitions`);
      else if (!asset.columns.some((column) => column.name === asset.partitionColumn)) {
        problems.push(`${where}: partitionColumn "${asset.partitionColumn}" is not one of its columns (${asset.columns.map((column) => column.name).join(', ')}); name the column that holds each row's partition key`);
      }
    }
    // Check results are recorded per asset; per partition they wait for checks of partitions (issue 15, item 6).
    if (asset.partitions !== undefined && asset.checks.length > 0) {
      problems.push(`${where}: checks on a partitioned asset are not supported yet; move them to an unpartitioned asset downstream`);
    }
    for (const check of asset.checks) {
      for (const read of check.reads) {
        if (assetByKey(read)?.partitions !== undefined) problems.push(`${where}, check "${check.name}": reads "${read}", which is partitioned; checks read unpartitioned assets only, for now`);
      }
    }
  }
  return problems;
}
