import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CliIO } from '../../src/cli/cli-io.js';
import { renderLineageTree } from '../../src/cli/lineage-tree.js';
import { walkLineage } from '../../src/instance/lineage-walk.js';
import { main } from '../../src/cli/main.js';
import { createStyle } from '../../src/cli/style.js';
import { supportsUnicode } from '../../src/cli/unicode-support.js';
import { type AnyAsset, asset } from '../../src/core/asset.js';
import type { AssetGraph } from '../../src/graph/asset-graph.js';
import { selectAssets } from '../../src/graph/resolve-selection.js';
import { exampleGraph, graphOf, seededRandom } from '../graph/synthetic-graph.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';
import { CaptureStream } from './capture-stream.js';

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;
const ESCAPE = '\u001b[';
const DIAMOND = path.join(FIXTURES, 'diamond-definitions.mjs');
const TINY = fileURLToPath(new URL('../fixtures/tiny-definitions.ts', import.meta.url));
const plain = createStyle({ isTTY: false, write: () => true }, { env: {} }, true);

/** Times vary from run to run: the snapshots show where one is, not which. */
function normalise(text: string): string {
  return text.replace(ISO_TIME, '<time>');
}

/** A random DAG of `size` assets: each may read any earlier one, so diamonds abound. */
function randomGraph(random: () => number, size: number): AssetGraph {
  const schema = z.object({ id: z.int() });
  const assets: AnyAsset[] = [];
  for (let index = 0; index < size; index++) {
    const deps = assets.filter(() => random() < 0.3);
    assets.push(asset({ key: `a${String(index).padStart(2, '0')}`, schema, deps, compute: () => [] }));
  }
  return graphOf(assets);
}

describe('walkLineage', () => {
  const graph = exampleGraph();

  it('reaches exactly what N+x and x+N select, for every asset, depth and direction', () => {
    for (const key of graph.keys) {
      expect(walkLineage(graph, [key], 'upstream', 0).keys).toEqual([key]);
      for (const depth of [1, 2, 3, Infinity]) {
        const written = depth === Infinity ? '' : String(depth);
        expect(walkLineage(graph, [key], 'upstream', depth).keys).toEqual(selectAssets(graph, { select: `${written}+${key}` }));
        expect(walkLineage(graph, [key], 'downstream', depth).keys).toEqual(selectAssets(graph, { select: `${key}+${written}` }));
      }
    }
  });

  it('starts trees only at selected assets that no other drawn asset leads to', () => {
    const walk = walkLineage(graph, ['user_stats', 'top_authors', 'summary'], 'upstream');
    expect(walk.selected).toEqual(['user_stats', 'summary', 'top_authors']);
    expect(walk.roots).toEqual(['summary', 'top_authors']);
    // Beyond the depth limit a selected asset is not reached, so it starts a tree of its own.
    expect(walkLineage(graph, ['users', 'weekly_digest'], 'downstream', 2).roots).toEqual(['users', 'weekly_digest']);
    expect(walkLineage(graph, ['users', 'weekly_digest'], 'downstream', 3).roots).toEqual(['users']);
  });

  it('lists the edges it went along in data-flow order, sorted topologically', () => {
    const walk = walkLineage(graph, ['top_authors'], 'upstream');
    expect(walk.edges).toEqual([
      { from: 'posts', to: 'user_stats' },
      { from: 'users', to: 'user_stats' },
      { from: 'user_stats', to: 'top_authors' },
    ]);
    expect(walkLineage(graph, ['users'], 'downstream', 1).edges).toEqual([
      { from: 'users', to: 'posts_enriched' },
      { from: 'users', to: 'user_stats' },
    ]);
  });
});

describe('renderLineageTree', () => {
  const fresh = () => ({ status: 'fresh' as const, when: '3 min ago' });

  it('draws every asset in full once, and every other path into it as a one-line reference', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 40; round++) {
      const graph = randomGraph(random, 2 + Math.floor(random() * 25));
      const start = graph.keys.filter(() => random() < 0.2);
      const selected = start.length > 0 ? start : [graph.keys.at(-1)!];
      for (const direction of ['upstream', 'downstream'] as const) {
        const walk = walkLineage(graph, selected, direction, random() < 0.5 ? Infinity : 1 + Math.floor(random() * 3));
        const lines = renderLineageTree(walk, { unicode: true, style: plain, width: undefined, describe: fresh }).trimEnd().split('\n');
        // One line per tree root and one per edge: a reference instead of a repeated subtree.
        expect(lines).toHaveLength(walk.roots.length + walk.edges.length);
        const full = lines.filter((line) => line.includes('●')).map((line) => /● (\w+)/.exec(line)![1]);
        expect(full.sort()).toEqual([...walk.keys].sort());
        const references = lines.filter((line) => line.includes('↑')).map((line) => /↑ (\w+)/.exec(line)![1]!);
        for (const key of references) expect(full).toContain(key);
      }
    }
  });

  it('uses only ASCII characters when Unicode is off', () => {
    const graph = exampleGraph();
    const text = renderLineageTree(walkLineage(graph, ['users'], 'downstream'), { unicode: false, style: plain, width: undefined, describe: fresh });
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).toContain('|-- * posts_enriched');
    expect(text).toContain('`-- * user_stats');
    expect(text).toContain('`-- ^ weekly_digest  (see above)');
  });

  it('aligns status and time when they fit the width, and cuts each line to it when not', () => {
    const graph = exampleGraph();
    const walk = walkLineage(graph, ['users'], 'downstream');
    const wide = renderLineageTree(walk, { unicode: true, style: plain, width: 80, describe: fresh }).trimEnd().split('\n');
    expect(new Set(wide.filter((line) => !line.includes('see above')).map((line) => line.indexOf('fresh'))).size).toBe(1);
    const narrow = renderLineageTree(walk, { unicode: true, style: plain, width: 40, describe: fresh }).trimEnd().split('\n');
    for (const line of narrow) expect([...line].length).toBeLessThanOrEqual(40);
    expect(narrow.some((line) => line.endsWith('…'))).toBe(true);
    expect(narrow[0]).toBe('● users  fresh    3 min ago');
  });

  it('keeps colour codes out of the characters it counts when cutting lines', () => {
    const graph = exampleGraph();
    const colour = createStyle({ isTTY: true, write: () => true }, { env: { FORCE_COLOR: '1' } }, false);
    const text = renderLineageTree(walkLineage(graph, ['users'], 'downstream'), { unicode: true, style: colour, width: 40, describe: fresh });
    expect(text).toContain(ESCAPE);
    for (const line of text.trimEnd().split('\n')) expect([...line.replace(/\u001b\[\d+m/g, '')].length).toBeLessThanOrEqual(40);
  });

  it('draws a chain of 3,000 assets without overflowing the stack', () => {
    const schema = z.object({ id: z.int() });
    const chain: AnyAsset[] = [];
    for (let index = 0; index < 3000; index++) chain.push(asset({ key: `c${index}`, schema, deps: chain.slice(-1), compute: () => [] }));
    const graph = graphOf(chain);
    const text = renderLineageTree(walkLineage(graph, ['c2999'], 'upstream'), { unicode: false, style: plain, width: undefined, describe: fresh });
    expect(text.trimEnd().split('\n')).toHaveLength(3000);
  });
});

describe('supportsUnicode', () => {
  it('reads LC_ALL, then LC_CTYPE, then LANG, and assumes UTF-8 when none is set', () => {
    expect(supportsUnicode({ env: {} })).toBe(true);
    expect(supportsUnicode({ env: { LANG: 'en_US.UTF-8' } })).toBe(true);
    expect(supportsUnicode({ env: { LANG: 'C.utf8' } })).toBe(true);
    expect(supportsUnicode({ env: { LANG: 'C' } })).toBe(false);
    expect(supportsUnicode({ env: { LANG: 'en_US.UTF-8', LC_ALL: 'POSIX' } })).toBe(false);
    expect(supportsUnicode({ env: { LANG: 'C', LC_CTYPE: 'de_DE.UTF-8' } })).toBe(true);
    expect(supportsUnicode({ env: { LC_ALL: '', LANG: 'en_US.ISO-8859-1' } })).toBe(false);
  });
});

describe('assets lineage on the example', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  const cli = async (args: string[], env: Record<string, string> = {}) => {
    const result = await runCli(['lineage', ...args], { cwd: workspace.dir, env: { ...workspace.env, ...env } });
    return { ...result, stdout: normalise(result.stdout) };
  };
  beforeAll(async () => {
    workspace = await makeWorkspace();
    // posts, users and user_stats fresh; the rest never materialized.
    const run = await runCli(['materialize', '--select', '+user_stats'], { cwd: workspace.dir, env: workspace.env });
    expect(run.code).toBe(0);
  });
  afterAll(() => workspace.cleanup());

  it('draws top_authors <- user_stats <- {posts, users} as a tree with statuses', async () => {
    const result = await cli(['top_authors']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        '○ top_authors     missing  never materialized',
        '└── ● user_stats  fresh    <time>',
        '    ├── ● posts   fresh    <time>',
        '    └── ● users   fresh    <time>',
        '',
      ].join('\n'),
    );
  });

  it('shows everything fed by users with --downstream, summary drawn once and then referenced', async () => {
    const result = await cli(['users', '--downstream']);
    expect(result.stdout).toBe(
      [
        '● users                fresh    <time>',
        '├── ○ posts_enriched   missing  never materialized',
        '│   └── ○ summary      missing  never materialized',
        '├── ↑ summary          (see above)',
        '└── ● user_stats       fresh    <time>',
        '    └── ○ top_authors  missing  never materialized',
        '',
      ].join('\n'),
    );
  });

  it('stops at --depth edges in each direction', async () => {
    expect((await cli(['users', '--downstream', '--depth', '1'])).stdout).toBe(
      [
        '● users               fresh    <time>',
        '├── ○ posts_enriched  missing  never materialized',
        '├── ○ summary         missing  never materialized',
        '└── ● user_stats      fresh    <time>',
        '',
      ].join('\n'),
    );
    expect((await cli(['top_authors', '--depth', '1'])).stdout).toBe(['○ top_authors     missing  never materialized', '└── ● user_stats  fresh    <time>', ''].join('\n'));
    expect((await cli(['summary', '--upstream', '--depth', '0'])).stdout).toBe('○ summary  missing  never materialized\n');
  });

  it('draws upstream and downstream with --both', async () => {
    expect((await cli(['user_stats', '--both'])).stdout).toBe(
      [
        'Upstream of user_stats:',
        '● user_stats  fresh    <time>',
        '├── ● posts   fresh    <time>',
        '└── ● users   fresh    <time>',
        '',
        'Downstream of user_stats:',
        '● user_stats       fresh    <time>',
        '└── ○ top_authors  missing  never materialized',
        '',
      ].join('\n'),
    );
  });

  it('draws the lineage of a --select selection as one tree per asset no other one leads to', async () => {
    expect((await cli(['--select', 'group:analytics'])).stdout).toBe(
      [
        '○ summary             missing  never materialized',
        '├── ● posts           fresh    <time>',
        '├── ○ posts_enriched  missing  never materialized',
        '│   ├── ↑ posts       (see above)',
        '│   └── ● users       fresh    <time>',
        '└── ↑ users           (see above)',
        '○ top_authors         missing  never materialized',
        '└── ● user_stats      fresh    <time>',
        '    ├── ↑ posts       (see above)',
        '    └── ↑ users       (see above)',
        '',
      ].join('\n'),
    );
  });

  it('prints one JSON document of nodes and data-flow edges', async () => {
    const result = await runCli(['lineage', 'top_authors', '--json'], { cwd: workspace.dir, env: workspace.env });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as Record<string, unknown> & { nodes: Record<string, unknown>[] };
    expect(Object.keys(document)).toEqual(['root', 'selection', 'direction', 'depth', 'selected', 'nodes', 'edges']);
    expect(document).toMatchObject({ root: 'top_authors', selection: null, direction: 'upstream', depth: null, selected: ['top_authors'] });
    expect(document.nodes.map((node) => [node.key, node.status])).toEqual([
      ['posts', 'fresh'],
      ['users', 'fresh'],
      ['user_stats', 'fresh'],
      ['top_authors', 'missing'],
    ]);
    expect(document.nodes[0]).toEqual({ key: 'posts', group: 'sources', kind: 'csv', tags: ['api'], status: 'fresh', reasons: [], lastMaterializedAt: expect.stringMatching(ISO_TIME) });
    expect(document.nodes[3]).toMatchObject({ reasons: ['missing'], lastMaterializedAt: null });
    expect(document.edges).toEqual([
      { from: 'posts', to: 'user_stats' },
      { from: 'users', to: 'user_stats' },
      { from: 'user_stats', to: 'top_authors' },
    ]);

    const selection = JSON.parse((await runCli(['lineage', '--select', 'user_stats or summary', '--both', '--depth', '1', '--format', 'json'], { cwd: workspace.dir, env: workspace.env })).stdout) as {
      root: null; selection: string; direction: string; depth: number; selected: string[]; nodes: { key: string }[]; edges: unknown[];
    };
    expect(selection).toMatchObject({ root: null, selection: 'user_stats or summary', direction: 'both', depth: 1, selected: ['user_stats', 'summary'] });
    expect(selection.nodes.map((node) => node.key)).toEqual(['posts', 'users', 'posts_enriched', 'user_stats', 'summary', 'top_authors']);
    expect(selection.edges).toHaveLength(6);
  });

  it('prints Graphviz DOT whose nodes and edges are those of the JSON', async () => {
    const [dot, json] = await Promise.all([cli(['users', '--downstream', '--format', 'dot']), cli(['users', '--downstream', '--json'])]);
    const expected = JSON.parse(json.stdout) as { nodes: { key: string; status: string }[]; edges: { from: string; to: string }[] };
    const parsed = parseDot(dot.stdout);
    expect(parsed.nodes).toEqual(expected.nodes.map((node) => ({ id: node.key, label: `${node.key}\\n${node.status}`, selected: node.key === 'users' })));
    expect(parsed.edges).toEqual(expected.edges);
  });

  it('prints a Mermaid flowchart whose nodes and edges are those of the JSON', async () => {
    const [mermaid, json] = await Promise.all([cli(['top_authors', '--format', 'mermaid']), cli(['top_authors', '--json'])]);
    const expected = JSON.parse(json.stdout) as { nodes: { key: string; status: string }[]; edges: { from: string; to: string }[] };
    const parsed = parseMermaid(mermaid.stdout);
    expect(parsed.nodes).toEqual(expected.nodes.map((node) => ({ key: node.key, status: node.status })));
    expect(parsed.edges).toEqual(expected.edges);
    expect(parsed.selected).toEqual(['top_authors']);
  });

  it('draws ASCII for a locale that is not UTF-8, and with --ascii', async () => {
    const expected = ['o top_authors     missing  never materialized', '`-- * user_stats  fresh    <time>', '    |-- * posts   fresh    <time>', '    `-- * users   fresh    <time>', ''].join('\n');
    expect((await cli(['top_authors'], { LANG: 'C' })).stdout).toBe(expected);
    expect((await cli(['top_authors', '--ascii'], { LANG: 'en_US.UTF-8' })).stdout).toBe(expected);
    expect((await cli(['top_authors'], { LC_ALL: 'en_US.UTF-8', LANG: 'C' })).stdout).toContain('└──');
  });

  it('colours the statuses only when colour is on', async () => {
    const [plainRun, forced, flagged, both] = await Promise.all([
      cli(['top_authors']),
      cli(['top_authors'], { FORCE_COLOR: '1' }),
      cli(['top_authors', '--no-color'], { FORCE_COLOR: '1' }),
      cli(['top_authors'], { FORCE_COLOR: '1', NO_COLOR: '1' }),
    ]);
    expect(plainRun.stdout).not.toContain(ESCAPE);
    expect(forced.stdout).toContain(`${ESCAPE}32m●`);
    expect(flagged.stdout).not.toContain(ESCAPE);
    expect(both.stdout).not.toContain(ESCAPE);
  });

  it('rejects conflicting flags by name, and a missing or unknown asset', async () => {
    const cases: [string[], RegExp][] = [
      [['users', '--upstream', '--downstream'], /^error: --upstream cannot be combined with --downstream\./],
      [['users', '--downstream', '--both'], /^error: --downstream cannot be combined with --both\./],
      [['users', '--select', 'posts'], /^error: An asset key \("users"\) cannot be combined with --select\./],
      [['users', '--json', '--format', 'dot'], /^error: --json cannot be combined with --format dot\./],
      [['users', '--ascii', '--format', 'mermaid'], /^error: --ascii cannot be combined with --format mermaid\./],
      [['users', '--format', 'svg'], /^error: Unknown --format "svg"\.\nhint: Use one of tree, json, dot, mermaid\./],
      [['users', '--depth', '-1'], /^error: --depth must be a whole number >= 0/],
      [[], /^error: `assets lineage` needs an asset key or --select EXPR\./],
      [['user_stat'], /^error: Unknown asset "user_stat"\.\nhint: Did you mean "user_stats"/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    cases.forEach(([args, message], index) => {
      const result = results[index]!;
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
    });
  });
});

describe('assets lineage on a diamond-heavy graph (snapshots)', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeAll(async () => {
    workspace = await makeWorkspace();
    // alpha, beta, left, middle, west materialized; then left's code changes (DIAMOND_LEFT_VERSION=v2 below),
    // so left and west are stale, and right, east, apex, wide, lonely missing.
    const run = await runCli(['materialize', '--select', '+west', '--definitions', DIAMOND], { cwd: workspace.dir, env: workspace.env });
    expect(run.code).toBe(0);
  });
  afterAll(() => workspace.cleanup());

  const cases: Record<string, string[]> = {
    'apex-upstream': ['apex'],
    'apex-upstream-depth-1': ['apex', '--depth', '1'],
    'apex-upstream-depth-2': ['apex', '--depth', '2'],
    'apex-upstream-ascii': ['apex', '--ascii'],
    'alpha-downstream': ['alpha', '--downstream'],
    'alpha-downstream-depth-1': ['alpha', '--downstream', '--depth', '1'],
    'alpha-downstream-depth-2': ['alpha', '--downstream', '--depth', '2'],
    'middle-both': ['middle', '--both'],
    'middle-both-depth-1': ['middle', '--both', '--depth', '1'],
    'select-apex-or-wide': ['--select', 'apex or wide'],
    'select-layer1-downstream-depth-1': ['--select', 'group:layer1', '--downstream', '--depth', '1'],
    'wide-mermaid': ['wide', '--format', 'mermaid'],
    'middle-both-dot': ['middle', '--both', '--format', 'dot'],
  };
  for (const [name, args] of Object.entries(cases)) {
    it(`draws ${args.join(' ')} as in its snapshot`, async () => {
      const result = await runCli(['lineage', ...args, '--definitions', DIAMOND], {
        cwd: workspace.dir,
        env: { ...workspace.env, DIAMOND_LEFT_VERSION: 'v2', NO_COLOR: '1' },
      });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      await expect(normalise(result.stdout)).toMatchFileSnapshot(`./__snapshots__/lineage-diamond/${name}.txt`);
    });
  }
});

describe('assets lineage on a terminal (in-process)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'strata-lineage-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('shows how long ago each asset was materialized', async () => {
    const materializedAt = new Date('2030-01-01T10:00:00.000Z');
    const run = async (args: string[], now: Date) => {
      const stdout = new CaptureStream(true, 100);
      const io: CliIO = { stdout, stderr: new CaptureStream(true, 100), env: { STRATA_HOME: home, NO_COLOR: '1' }, cwd: home, now: () => now, signal: new AbortController().signal };
      const code = await main([...args, '--definitions', TINY], io);
      return { code, stdout: stdout.text };
    };
    expect((await run(['materialize', '--select', 'numbers'], materializedAt)).code).toBe(0);
    const result = await run(['lineage', 'total'], new Date(materializedAt.getTime() + 3 * 60_000));
    expect(result).toEqual({ code: 0, stdout: ['○ total        missing  never materialized', '└── ● numbers  fresh    3 min ago', ''].join('\n') });
  });
});

/** Reads the DOT subset renderDot writes, checking its structure on the way. */
function parseDot(text: string) {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('digraph lineage {');
  expect(lines.at(-1)).toBe('}');
  const quoted = '"((?:[^"\\\\]|\\\\.)*)"';
  const nodes: { id: string; label: string; selected: boolean }[] = [];
  const edges: { from: string; to: string }[] = [];
  for (const line of lines.slice(1, -1)) {
    const node = new RegExp(`^  ${quoted} \\[label=${quoted}, fillcolor="#[0-9a-f]{6}", color="#[0-9a-f]{6}"(, penwidth=2)?\\];$`).exec(line);
    const edge = new RegExp(`^  ${quoted} -> ${quoted};$`).exec(line);
    if (node !== null) nodes.push({ id: node[1]!, label: node[2]!, selected: node[3] !== undefined });
    else if (edge !== null) edges.push({ from: edge[1]!, to: edge[2]! });
    else expect(line).toMatch(/^ {2}(rankdir=LR|node \[.*\]);$/);
  }
  for (const edge of edges) {
    expect(nodes.map((node) => node.id)).toContain(edge.from);
    expect(nodes.map((node) => node.id)).toContain(edge.to);
  }
  return { nodes, edges };
}

/** Reads the Mermaid subset renderMermaid writes, mapping generated ids back to keys. */
function parseMermaid(text: string) {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('flowchart LR');
  const keys = new Map<string, string>();
  const nodes: { key: string; status: string }[] = [];
  const edges: { from: string; to: string }[] = [];
  const classes = new Set<string>();
  let selected: string[] = [];
  for (const line of lines.slice(1)) {
    const node = /^ {2}(n\d+)\["(\w+) \(([\w-]+)\)"\]:::([\w-]+)$/.exec(line);
    const edge = /^ {2}(n\d+) --> (n\d+)$/.exec(line);
    const classDef = /^ {2}classDef ([\w-]+) [\w#:,-]+$/.exec(line);
    const assigned = /^ {2}class ([\w,]+) selected$/.exec(line);
    if (node !== null) {
      expect(node[4]).toBe(node[3]);
      keys.set(node[1]!, node[2]!);
      nodes.push({ key: node[2]!, status: node[3]! });
    } else if (edge !== null) {
      expect(keys.has(edge[1]!) && keys.has(edge[2]!)).toBe(true);
      edges.push({ from: keys.get(edge[1]!)!, to: keys.get(edge[2]!)! });
    } else if (classDef !== null) classes.add(classDef[1]!);
    else if (assigned !== null) selected = assigned[1]!.split(',').map((id) => keys.get(id)!);
    else throw new Error(`unexpected Mermaid line: ${line}`);
  }
  for (const node of nodes) expect(classes).toContain(node.status);
  return { nodes, edges, selected };
}
