import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { type Command, EXIT } from '../command.js';
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
  summary: 'Generate a deterministic JSONPlaceholder-shaped snapshot (users.json, posts.json)',
  usage: 'assets sample generate --users N --posts M --out DIR [--seed S]',
  maxPositionals: 1,
  flags: {
    users: { type: 'string', valueName: 'N', description: 'Number of users' },
    posts: { type: 'string', valueName: 'M', description: 'Number of posts' },
    out: { type: 'string', valueName: 'DIR', description: 'Folder to write users.json and posts.json into' },
    seed: { type: 'string', valueName: 'S', description: 'Random seed; the same seed gives the same bytes (default 1)' },
    ...DEFINITIONS_FLAG,
  },
  examples: [
    'assets sample generate --users 10 --posts 100 --out data/sample',
    'assets sample generate --users 10000 --posts 1000000 --out /tmp/medium && STRATA_SOURCE_URL=/tmp/medium assets materialize',
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
    const users = integerFlag('users', stringFlag(args, 'users'), 0);
    const posts = integerFlag('posts', stringFlag(args, 'posts'), 0);
    const out = stringFlag(args, 'out');
    const missing = [users === undefined ? '--users' : '', posts === undefined ? '--posts' : '', out === undefined ? '--out' : ''].filter(Boolean);
    if (missing.length > 0) throw new UsageError(`\`assets sample generate\` needs ${missing.join(', ')}.`, { hint: 'e.g. assets sample generate --users 10 --posts 100 --out data/sample' });
    if (users === 0 && posts! > 0) throw new UsageError('Posts need authors: --users must be at least 1 when --posts is above 0.');
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
