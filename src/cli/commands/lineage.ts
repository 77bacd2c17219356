import { UsageError } from '../../core/errors.js';
import type { LineageDirection } from '../../instance/lineage-walk.js';
import { describeCounts } from '../../instance/partition-states.js';
import { type Command, EXIT } from '../command.js';
import { formatTime, isoTime } from '../format.js';
import { openCommandInstance } from '../command-instance.js';
import { renderDot, renderMermaid } from '../lineage-graph.js';
import { renderLineageTree } from '../lineage-tree.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { usableWidth } from '../render-table.js';
import { DEFINITIONS_FLAG, SELECTION_FLAGS } from '../shared-flags.js';
import { createStyle } from '../style.js';
import { supportsUnicode } from '../unicode-support.js';
import { writeJson } from '../write-json.js';
import { writeWarnings } from '../write-warnings.js';

const FORMATS = ['tree', 'json', 'dot', 'mermaid'] as const;
type Format = (typeof FORMATS)[number];

export const lineageCommand: Command = {
  name: 'lineage',
  summary: 'Show what an asset is made from, or what it feeds: a tree, JSON, Graphviz or Mermaid',
  usage: 'assets lineage <key> | --select EXPR [--upstream | --downstream | --both] [--depth N] [--format tree|json|dot|mermaid] [--ascii]',
  description:
    'Upstream (the default) walks to what the asset reads, downstream to what reads it. Each asset shows its status\n' +
    'and when it was last materialized. An asset reached twice (a diamond) is drawn in full once, then as a\n' +
    '"(see above)" reference. The tree is drawn in ASCII with --ascii, or when the locale (LC_ALL, LC_CTYPE, LANG)\n' +
    'is not UTF-8. --select draws the lineage of every asset the expression selects.',
  maxPositionals: 1,
  flags: {
    select: SELECTION_FLAGS.select!,
    upstream: { type: 'boolean', description: 'What the asset is made from (default)' },
    downstream: { type: 'boolean', description: 'What is made from the asset' },
    both: { type: 'boolean', description: 'Upstream and downstream' },
    depth: { type: 'string', valueName: 'N', description: 'Only assets at most N edges away (default: all)' },
    format: { type: 'string', valueName: 'FORMAT', description: 'tree (default), json, dot (Graphviz) or mermaid (Markdown)' },
    json: { type: 'boolean', description: 'The same as --format json' },
    ascii: { type: 'boolean', description: 'Draw the tree with ASCII characters only' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets lineage top_authors',
    'assets lineage users --downstream --depth 1',
    'assets lineage --select group:analytics --both --ascii',
    'assets lineage users --downstream --format dot | dot -Tsvg > lineage.svg',
    'assets lineage summary --format mermaid >> README.md',
    'assets lineage top_authors --json | jq -r ".nodes[] | select(.status != \\"fresh\\") | .key"',
  ],
  async run(args, io) {
    const key = args.positionals[0];
    const select = stringFlag(args, 'select');
    if (key !== undefined && select !== undefined) {
      throw new UsageError(`An asset key ("${key}") cannot be combined with --select.`, { hint: 'Give one asset key, or --select EXPR for the lineage of a selection.' });
    }
    if (key === undefined && select === undefined) {
      throw new UsageError('`assets lineage` needs an asset key or --select EXPR.', { hint: 'e.g. assets lineage top_authors, or assets lineage --select group:analytics' });
    }
    const directions = directionsOf(args.flags);
    const depth = integerFlag('depth', stringFlag(args, 'depth'), 0);
    const format = formatOf(stringFlag(args, 'format'), booleanFlag(args, 'json'));
    if (booleanFlag(args, 'ascii') && format !== 'tree') throw new UsageError(`--ascii cannot be combined with --format ${format}.`, { hint: '--ascii only changes how the tree is drawn.' });

    const instance = await openCommandInstance(io);
    try {
      let selected = key === undefined ? [] : [key];
      if (select !== undefined) {
        const selection = await instance.select({ select });
        writeWarnings(io, createStyle(io.stderr, io, args.flags.color === false), selection.warnings);
        selected = selection.keys;
      }
      const lineage = await instance.lineage({ keys: selected, directions, depth, signal: io.signal });
      const { walks } = lineage;
      if (format === 'tree') {
        const nodes = new Map(lineage.nodes.map((node) => [node.key, node]));
        const style = createStyle(io.stdout, io, args.flags.color === false);
        const now = io.now();
        const options = {
          unicode: !booleanFlag(args, 'ascii') && supportsUnicode(io),
          style,
          width: usableWidth(io.stdout.columns),
          describe: (asset: string) => {
            const { status, lastMaterializedAt, partitions } = nodes.get(asset)!;
            const when = lastMaterializedAt === undefined ? 'never materialized' : formatTime(lastMaterializedAt, io.stdout, now);
            return { status, when: partitions === undefined ? when : `partitions ${describeCounts(partitions)}${lastMaterializedAt === undefined ? '' : `, latest ${when}`}` };
          },
        };
        const of = key ?? select!;
        io.stdout.write(
          walks
            .map((walk) => (walks.length === 1 ? '' : `${walk.direction === 'upstream' ? 'Upstream' : 'Downstream'} of ${of}:\n`) + renderLineageTree(walk, options))
            .join('\n'),
        );
        return EXIT.ok;
      }
      if (format === 'dot') io.stdout.write(renderDot(lineage));
      else if (format === 'mermaid') io.stdout.write(renderMermaid(lineage));
      else {
        writeJson(io, {
          root: key ?? null,
          selection: select ?? null,
          direction: directions.length === 2 ? 'both' : directions[0],
          depth: depth ?? null,
          selected: lineage.selected,
          nodes: lineage.nodes.map((node) => ({ ...node, lastMaterializedAt: isoTime(node.lastMaterializedAt) })),
          edges: lineage.edges,
        });
      }
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

function directionsOf(flags: Readonly<Record<string, unknown>>): LineageDirection[] {
  const given = (['upstream', 'downstream', 'both'] as const).filter((name) => flags[name] === true);
  if (given.length > 1) {
    throw new UsageError(`--${given[0]} cannot be combined with --${given[1]}.`, { hint: 'Pick one direction; --both draws upstream and downstream.' });
  }
  return given[0] === 'both' ? ['upstream', 'downstream'] : given[0] === 'downstream' ? ['downstream'] : ['upstream'];
}

function formatOf(format: string | undefined, json: boolean): Format {
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Unknown --format "${format}".`, { hint: `Use one of ${FORMATS.join(', ')}.` });
  }
  if (json && format !== undefined && format !== 'json') throw new UsageError(`--json cannot be combined with --format ${format}.`, { hint: '--json is short for --format json.' });
  return json ? 'json' : ((format as Format | undefined) ?? 'tree');
}
