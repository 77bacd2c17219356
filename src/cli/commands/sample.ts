import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { dayProblem, DEFAULT_FIRST_DAY } from '../../assets/day-keys.js';
import type { CliIO } from '../cli-io.js';
import { type Command, EXIT, type ParsedArgs } from '../command.js';
import { formatDuration, plural } from '../format.js';
import { integerFlag, stringFlag } from '../parse-args.js';
import { openCommandInstance } from '../command-instance.js';
import { checkDefinitionsFlag, DEFINITIONS_FLAG } from '../shared-flags.js';

/**
 * `assets sample generate`: writes a snapshot for the bundled example. The
 * generator belongs to the example (it knows users and posts); the CLI only
 * exposes it, as it runs the example by default.
 */
export const sampleCommand: Command = {
  name: 'sample',
  summary: 'Generate a deterministic JSONPlaceholder-shaped snapshot (users.json, posts.json), or one per day',
  usage: 'assets sample generate --users N --posts M --out DIR [--seed S]  |  assets sample generate --days D --out DIR [--start DAY] [--users N] [--posts M] [--seed S]',
  description:
    'With --days, writes one snapshot folder per day, DIR/<YYYY-MM-DD>/users.json and posts.json, from --start\n' +
    '(default 2026-01-01): the first day is the snapshot --users and --posts (default 10 and 100) give; each\n' +
    'later day drifts from the one before: some new posts (ids continue), a few edited titles and bodies, and\n' +
    'on days 4, 9, 14, ... a user who joins. The same options and seed give the same bytes.',
  maxPositionals: 1,
  flags: {
    users: { type: 'string', valueName: 'N', description: 'Number of users (on the first day, with --days; default 10 there)' },
    posts: { type: 'string', valueName: 'M', description: 'Number of posts (on the first day, with --days; default 100 there)' },
    out: { type: 'string', valueName: 'DIR', description: 'Folder to write users.json and posts.json into (with --days: the day folders)' },
    days: { type: 'string', valueName: 'D', description: 'Write D daily snapshots, one folder per day' },
    start: { type: 'string', valueName: 'DAY', description: `The first day, YYYY-MM-DD (with --days; default ${DEFAULT_FIRST_DAY})` },
    seed: { type: 'string', valueName: 'S', description: 'Random seed; the same seed gives the same bytes (default 1)' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets sample generate --users 10 --posts 100 --out data/sample',
    'assets sample generate --users 10000 --posts 1000000 --out /tmp/medium && STRATA_SOURCE_URL=/tmp/medium assets materialize',
    'assets sample generate --days 14 --out data/daily',
    'assets sample generate --days 30 --start 2026-03-01 --users 200 --posts 5000 --out /tmp/daily',
  ],
  async run(args, io) {
    // The snapshot is the example's, whatever definitions the command line names; a mistyped module is still an error.
    // Only the project is looked up: nothing is opened, so nothing needs closing.
    checkDefinitionsFlag(args, await openCommandInstance(io));
    if (args.positionals[0] !== 'generate') {
      throw new UsageError(args.positionals[0] === undefined ? '`assets sample` needs a subcommand.' : `Unknown subcommand "sample ${args.positionals[0]}".`, {
        hint: 'Use `assets sample generate --users N --posts M --out DIR`.',
      });
    }
    const days = integerFlag('days', stringFlag(args, 'days'), 1);
    if (days !== undefined) return generateDays(args, days, io);
    if (stringFlag(args, 'start') !== undefined) {
      throw new UsageError('--start needs --days: it is the first of the daily snapshots.', { hint: 'e.g. assets sample generate --days 14 --start 2026-01-01 --out data/daily' });
    }
    const users = integerFlag('users', stringFlag(args, 'users'), 0);
    const posts = integerFlag('posts', stringFlag(args, 'posts'), 0);
    const out = stringFlag(args, 'out');
    const missing = [users === undefined ? '--users' : '', posts === undefined ? '--posts' : '', out === undefined ? '--out' : ''].filter(Boolean);
    if (missing.length > 0) {
      throw new UsageError(`\`assets sample generate\` needs ${missing.join(', ')}.`, {
        hint: 'e.g. assets sample generate --users 10 --posts 100 --out data/sample (or --days 14 --out data/daily for daily snapshots)',
      });
    }
    checkAuthors(users!, posts!);
    const seed = integerFlag('seed', stringFlag(args, 'seed'), 0);
    const started = performance.now();
    const { generateSample } = await import('../../assets/sample-generator.js');
    const result = await generateSample({ users: users!, posts: posts!, outDir: path.resolve(io.cwd, out!), ...(seed === undefined ? {} : { seed }) });
    io.stdout.write(
      `Wrote ${plural(users!, 'user')} (${plural(result.usersBytes, 'byte')}) to ${result.usersPath}\n` +
        `Wrote ${plural(posts!, 'post')} (${plural(result.postsBytes, 'byte')}) to ${result.postsPath}\n` +
        `in ${formatDuration(performance.now() - started)}\n`,
    );
    return EXIT.ok;
  },
};

/** `assets sample generate --days D`: one snapshot folder per day, each drifting from the day before. */
async function generateDays(args: ParsedArgs, days: number, io: CliIO): Promise<number> {
  const out = stringFlag(args, 'out');
  if (out === undefined) throw new UsageError('`assets sample generate --days` needs --out.', { hint: `e.g. assets sample generate --days ${days} --out data/daily` });
  const start = stringFlag(args, 'start') ?? DEFAULT_FIRST_DAY;
  const problem = dayProblem(start);
  if (problem !== undefined) throw new UsageError(`--start: ${problem}.`, { hint: `e.g. --start ${DEFAULT_FIRST_DAY}` });
  const users = integerFlag('users', stringFlag(args, 'users'), 0) ?? 10;
  const posts = integerFlag('posts', stringFlag(args, 'posts'), 0) ?? 100;
  checkAuthors(users, posts);
  const seed = integerFlag('seed', stringFlag(args, 'seed'), 0);
  const started = performance.now();
  const { generateSampleDays } = await import('../../assets/sample-days.js');
  const outDir = path.resolve(io.cwd, out);
  const written = await generateSampleDays({ days, start, users, posts, outDir, ...(seed === undefined ? {} : { seed }) });
  const lines = written.map((day) => {
    const changes = [
      day.newPosts > 0 ? `${plural(day.newPosts, 'new post')}` : '',
      day.editedPosts > 0 ? `${day.editedPosts} edited` : '',
      day.joinedUsers > 0 ? `${plural(day.joinedUsers, 'user')} joined` : '',
    ].filter(Boolean);
    return `  ${day.day}  ${plural(day.users, 'user')}, ${plural(day.posts, 'post')} (${plural(day.usersBytes + day.postsBytes, 'byte')})${changes.length > 0 ? `: ${changes.join(', ')}` : ''}\n`;
  });
  io.stdout.write(`Wrote ${plural(written.length, 'day')}, ${written[0]!.day} to ${written.at(-1)!.day}, to ${outDir}\n${lines.join('')}in ${formatDuration(performance.now() - started)}\n`);
  return EXIT.ok;
}

function checkAuthors(users: number, posts: number): void {
  if (users === 0 && posts > 0) throw new UsageError('Posts need authors: --users must be at least 1 when --posts is above 0.');
}
