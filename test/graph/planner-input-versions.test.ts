import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager } from '../../src/index.js';
import { AssetGraph } from '../../src/graph/asset-graph.js';
import { planAssets, type RecordedMaterialization } from '../../src/graph/planner.js';

/*
 * `inputVersions` is how a plan sees what an asset reads of a partitioned
 * upstream (some of its partitions, combined into one version) rather than
 * the upstream's current version: it replaces that version for its one
 * edge, and every other edge keeps the upstream's current version.
 */
const schema = z.object({ id: z.int() });
const daily = asset({ key: 'daily', schema, codeVersion: 'v1', compute: () => [] });
const lookup = asset({ key: 'lookup', schema, codeVersion: 'v1', compute: () => [] });
const report = asset({ key: 'report', schema, deps: [daily, lookup], codeVersion: 'v1', compute: () => [] });
const other = asset({ key: 'other', schema, deps: [daily], codeVersion: 'v1', compute: () => [] });
const graph = new AssetGraph(defineDefinitions({ assets: [daily, lookup, report, other], ioManagers: { default: new MemoryIOManager() } }));
const NOW = new Date('2026-01-08T00:00:00Z');

const record = (dataVersion: string, inputs: Record<string, string> = {}): RecordedMaterialization => ({
  materializedAt: NOW,
  codeVersion: 'v1',
  dataVersion,
  inputDataVersions: inputs,
  configVersions: {},
});

const recorded = new Map<string, RecordedMaterialization>([
  ['daily', record('D-now')],
  ['lookup', record('L1')],
  ['report', record('R1', { daily: 'window-1', lookup: 'L1' })],
  ['other', record('O1', { daily: 'D-now' })],
]);
const current = new Map<string, string | undefined>([['daily', 'D-now'], ['lookup', 'L1'], ['report', 'R1'], ['other', 'O1']]);

function reasonsOf(inputVersions: ReadonlyMap<string, ReadonlyMap<string, string | undefined>> | undefined, currentDataVersions = current) {
  const plan = planAssets({ graph, selected: ['report', 'other'], recorded, currentDataVersions, inputVersions, now: NOW });
  return Object.fromEntries(plan.assets.map((planned) => [planned.key, planned.reasons]));
}

describe('planAssets with inputVersions', () => {
  it('compares the recorded input with the version an asset reads of that upstream, not the upstream\'s current version', () => {
    // Without the override, report's recorded window version differs from daily's current version.
    expect(reasonsOf(undefined).report).toEqual([{ kind: 'upstream-changed', upstream: 'daily', recorded: 'window-1', current: 'D-now' }]);
    // The window it reads is the one it recorded: fresh.
    expect(reasonsOf(new Map([['report', new Map([['daily', 'window-1']])]])).report).toEqual([]);
  });

  it('reports upstream-changed with the read version when the window changed though the upstream\'s current version did not', () => {
    const reasons = reasonsOf(new Map([['report', new Map([['daily', 'window-2']])]]));
    expect(reasons.report).toEqual([{ kind: 'upstream-changed', upstream: 'daily', recorded: 'window-1', current: 'window-2' }]);
    // The override is report's alone: other reads daily's current version, which it recorded.
    expect(reasons.other).toEqual([]);
  });

  it('keeps the current version for every edge the override does not name', () => {
    const changedLookup = new Map(current).set('lookup', 'L2');
    const reasons = reasonsOf(new Map([['report', new Map([['daily', 'window-1']])]]), changedLookup);
    expect(reasons.report).toEqual([{ kind: 'upstream-changed', upstream: 'lookup', recorded: 'L1', current: 'L2' }]);
  });

  it('treats an override of undefined (a partition it reads has nothing stored) as no change, not as the current version', () => {
    // daily's current version differs from what report recorded, but the override says the read cannot be versioned.
    expect(reasonsOf(new Map([['report', new Map([['daily', undefined]])]])).report).toEqual([]);
  });
});
