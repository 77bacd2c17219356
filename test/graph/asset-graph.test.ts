import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager, type AnyAsset } from '../../src/index.js';
import { AssetGraph } from '../../src/graph/asset-graph.js';

const schema = z.object({ id: z.int() });
const make = (key: string, deps: AnyAsset[] = []) => asset({ key, schema, deps, compute: () => [] });

// raw_b and raw_a feed clean; clean feeds both report_x and report_y; report_x also reads raw_a (a diamond).
const rawA = make('raw_a');
const rawB = make('raw_b');
const clean = make('clean', [rawB, rawA]);
const reportY = make('report_y', [clean]);
const reportX = make('report_x', [clean, rawA]);
const graph = new AssetGraph(defineDefinitions({ assets: [reportY, reportX, clean, rawB, rawA], ioManagers: { default: new MemoryIOManager() } }));

describe('AssetGraph', () => {
  it('orders keys in topological generations, each sorted by key', () => {
    expect(graph.generations).toEqual([['raw_a', 'raw_b'], ['clean'], ['report_x', 'report_y']]);
    expect(graph.keys).toEqual(['raw_a', 'raw_b', 'clean', 'report_x', 'report_y']);
  });

  it('lists direct parents and children sorted by key', () => {
    expect(graph.parents('clean')).toEqual(['raw_a', 'raw_b']);
    expect(graph.children('raw_a')).toEqual(['clean', 'report_x']);
    expect(graph.parents('raw_a')).toEqual([]);
  });

  it('walks ancestors and descendants in topological order, each node once', () => {
    expect(graph.ancestors('report_x')).toEqual(['raw_a', 'raw_b', 'clean']);
    expect(graph.descendants('raw_a')).toEqual(['clean', 'report_x', 'report_y']);
  });

  it('limits walks by depth, reaching each node at its shortest distance', () => {
    // raw_a is a direct parent of report_x as well as a grandparent.
    expect(graph.ancestors('report_x', 1)).toEqual(['raw_a', 'clean']);
    expect(graph.descendants('raw_b', 1)).toEqual(['clean']);
    expect(graph.descendants('raw_b', 2)).toEqual(['clean', 'report_x', 'report_y']);
    expect(graph.ancestors('report_x', 0)).toEqual([]);
  });

  it('rejects an unknown key', () => {
    expect(() => graph.ancestors('nope')).toThrow(/no asset "nope"/);
  });
});
