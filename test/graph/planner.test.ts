import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager } from '../../src/index.js';
import { AssetGraph } from '../../src/graph/asset-graph.js';
import { mayCutOffEarly, planAssets, type RecordedMaterialization } from '../../src/graph/planner.js';

const schema = z.object({ id: z.int() });
const source = asset({ key: 'source', schema, codeVersion: 'v1', compute: () => [] });
const middle = asset({ key: 'middle', schema, deps: [source], codeVersion: 'v1', freshness: { maxAge: '1h' }, compute: () => [] });
const sink = asset({ key: 'sink', schema, deps: [middle, source], codeVersion: 'v1', compute: () => [] });
const graph = new AssetGraph(defineDefinitions({ assets: [source, middle, sink], ioManagers: { default: new MemoryIOManager() } }));
const NOW = new Date('2026-01-05T12:00:00Z');

const record = (dataVersion: string, inputs: Record<string, string> = {}, at = NOW, codeVersion = 'v1'): RecordedMaterialization => ({
  materializedAt: at,
  codeVersion,
  dataVersion,
  inputDataVersions: inputs,
  configVersions: {},
});

/** Everything materialized once and unchanged since. */
const freshRecords = () =>
  new Map<string, RecordedMaterialization>([
    ['source', record('S1')],
    ['middle', record('M1', { source: 'S1' })],
    ['sink', record('K1', { middle: 'M1', source: 'S1' })],
  ]);
const freshVersions = () => new Map<string, string | undefined>([['source', 'S1'], ['middle', 'M1'], ['sink', 'K1']]);

function plan(overrides: { recorded?: Map<string, RecordedMaterialization>; current?: Map<string, string | undefined>; forced?: Set<string>; now?: Date; selected?: string[] } = {}) {
  const result = planAssets({
    graph,
    selected: overrides.selected ?? ['sink', 'middle', 'source'],
    recorded: overrides.recorded ?? freshRecords(),
    currentDataVersions: overrides.current ?? freshVersions(),
    forced: overrides.forced,
    now: overrides.now ?? NOW,
  });
  return Object.fromEntries(result.assets.map((asset) => [asset.key, { status: asset.status, reasons: asset.reasons.map((reason) => reason.kind) }]));
}

describe('planAssets', () => {
  it('plans nothing when everything is fresh, in topological order', () => {
    const result = planAssets({ graph, selected: ['sink', 'source', 'middle'], recorded: freshRecords(), currentDataVersions: freshVersions(), now: NOW });
    expect(result.assets.map((asset) => asset.key)).toEqual(['source', 'middle', 'sink']);
    expect(result.planned).toEqual([]);
  });

  it('marks never-materialized assets missing and their downstream upstream-planned', () => {
    expect(plan({ recorded: new Map(), current: new Map() })).toEqual({
      source: { status: 'missing', reasons: ['missing'] },
      middle: { status: 'missing', reasons: ['missing', 'upstream-planned'] },
      sink: { status: 'missing', reasons: ['missing', 'upstream-planned'] },
    });
  });

  it('marks an asset whose stored output is gone as missing', () => {
    const current = freshVersions();
    current.set('sink', undefined);
    expect(plan({ current }).sink).toEqual({ status: 'missing', reasons: ['missing'] });
  });

  it('detects a changed code version', () => {
    const recorded = freshRecords();
    recorded.set('middle', record('M1', { source: 'S1' }, NOW, 'v0'));
    expect(plan({ recorded })).toMatchObject({ middle: { status: 'stale', reasons: ['code-changed'] }, sink: { reasons: ['upstream-planned'] } });
  });

  it('detects an upstream whose data changed since the asset read it', () => {
    const recorded = freshRecords();
    recorded.set('source', record('S2'));
    const current = freshVersions();
    current.set('source', 'S2');
    expect(plan({ recorded, current })).toEqual({
      source: { status: 'fresh', reasons: [] },
      middle: { status: 'stale', reasons: ['upstream-changed'] },
      sink: { status: 'stale', reasons: ['upstream-changed', 'upstream-planned'] },
    });
  });

  it('detects an upstream the asset read and no longer depends on, whose data its output still holds', () => {
    const recorded = freshRecords();
    recorded.set('sink', record('K1', { middle: 'M1', source: 'S1', retired: 'R1' }));
    const result = planAssets({ graph, selected: ['sink', 'middle', 'source'], recorded, currentDataVersions: freshVersions(), now: NOW });
    expect(result.planned).toEqual([{ key: 'sink', status: 'stale', reasons: [{ kind: 'upstream-changed', upstream: 'retired', recorded: 'R1', current: undefined }], source: undefined }]);
  });

  it('detects a stored output modified outside Strata', () => {
    const current = freshVersions();
    current.set('sink', 'edited');
    expect(plan({ current }).sink).toEqual({ status: 'stale', reasons: ['output-modified'] });
  });

  it('expires an asset older than its maxAge, by the injected clock', () => {
    const justInTime = new Date(NOW.getTime() + 60 * 60 * 1000);
    expect(plan({ now: justInTime }).middle).toEqual({ status: 'fresh', reasons: [] });
    expect(plan({ now: new Date(justInTime.getTime() + 1) }).middle).toEqual({ status: 'stale', reasons: ['expired'] });
  });

  it('forces only the given keys and lets staleness decide the rest', () => {
    expect(plan({ forced: new Set(['source']) })).toEqual({
      source: { status: 'stale', reasons: ['forced'] },
      middle: { status: 'stale', reasons: ['upstream-planned'] },
      sink: { status: 'stale', reasons: ['upstream-planned'] },
    });
  });

  it('allows early cutoff only for assets planned solely because an upstream is planned', () => {
    const result = planAssets({ graph, selected: ['source', 'middle', 'sink'], recorded: freshRecords(), currentDataVersions: freshVersions(), forced: new Set(['source']), now: NOW });
    expect(result.planned.map((asset) => [asset.key, mayCutOffEarly(asset)])).toEqual([['source', false], ['middle', true], ['sink', true]]);
  });

  it('never plans assets outside the selection', () => {
    expect(Object.keys(plan({ recorded: new Map(), current: new Map(), selected: ['middle'] }))).toEqual(['middle']);
  });

  it('plans a key selected twice once', () => {
    const result = planAssets({ graph, selected: ['sink', 'source', 'sink', 'source'], recorded: new Map(), currentDataVersions: new Map(), now: NOW });
    expect(result.assets.map((asset) => asset.key)).toEqual(['source', 'sink']);
    expect(result.planned.map((asset) => asset.key)).toEqual(['source', 'sink']);
  });

  it('lists planned upstreams sorted by key, and changes only of the upstreams that are not planned', () => {
    // sink declares [middle, source]: both changed since sink read them; middle is planned (its output was modified), source is not.
    const recorded = freshRecords();
    recorded.set('source', record('S2'));
    recorded.set('middle', record('M1', { source: 'S2' }));
    const current = new Map<string, string | undefined>([['source', 'S2'], ['middle', 'M2'], ['sink', 'K1']]);
    const result = planAssets({ graph, selected: ['source', 'middle', 'sink'], recorded, currentDataVersions: current, now: NOW });
    expect(result.assets.find((asset) => asset.key === 'sink')!.reasons).toEqual([
      { kind: 'upstream-changed', upstream: 'source', recorded: 'S1', current: 'S2' },
      { kind: 'upstream-planned', upstreams: ['middle'] },
    ]);
    // Both planned when forced: what they store now is about to be replaced, and the run compares what they store then.
    const forced = planAssets({ graph, selected: ['source', 'middle', 'sink'], recorded: freshRecords(), currentDataVersions: current, forced: new Set(['source']), now: NOW });
    expect(forced.assets.find((asset) => asset.key === 'sink')!.reasons).toEqual([{ kind: 'upstream-planned', upstreams: ['middle', 'source'] }]);
  });

  it('names each planned upstream a reader lists, a dep listed twice as twice, sorted', () => {
    const twice = asset({ key: 'twice', schema, deps: [source, middle, source], codeVersion: 'v1', compute: () => [] });
    const withTwice = new AssetGraph(defineDefinitions({ assets: [source, middle, twice], ioManagers: { default: new MemoryIOManager() } }));
    const result = planAssets({ graph: withTwice, selected: ['twice', 'middle', 'source'], recorded: new Map(), currentDataVersions: new Map(), now: NOW });
    expect(result.assets.find((planned) => planned.key === 'twice')!.reasons).toEqual([
      { kind: 'missing', detail: 'never-materialized' },
      { kind: 'upstream-planned', upstreams: ['middle', 'source', 'source'] },
    ]);
  });

  it('names only the planned upstreams, and an upstream whose partitions it reads are planned', () => {
    const current = new Map<string, string | undefined>([['source', 'S1'], ['middle', 'M2'], ['sink', 'K1']]);
    const recorded = freshRecords();
    const result = planAssets({ graph, selected: ['source', 'middle', 'sink'], recorded, currentDataVersions: current, plannedReads: new Map([['sink', ['source']]]), now: NOW });
    // middle is planned (its output was modified); source is fresh, but sink reads planned partitions of it.
    expect(result.assets.find((planned) => planned.key === 'sink')!.reasons).toContainEqual({ kind: 'upstream-planned', upstreams: ['middle', 'source'] });
  });
});
