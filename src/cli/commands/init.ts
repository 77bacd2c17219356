import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { StrataError, UsageError } from '../../core/errors.js';
import { type Command, EXIT } from '../command.js';
import { ownDependencySpec } from '../init-templates/own-dependency-spec.js';
import { scaffoldFiles } from '../init-templates/scaffold-files.js';
import { scaffoldManifest, type ScaffoldVersions } from '../init-templates/scaffold-manifest.js';

/** The root of the running strata-assets package: a clone of its repository, or where it is installed. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** strata-assets' own package.json: the versions a new project asks for come from it (the published manifest keeps devDependencies). */
const STRATA_MANIFEST = path.join(PACKAGE_ROOT, 'package.json');

const strataManifest = z.object({
  version: z.string(),
  dependencies: z.object({ zod: z.string() }),
  devDependencies: z.object({ typescript: z.string(), vitest: z.string(), '@types/node': z.string() }),
});

/**
 * `assets init [dir]`: scaffolds a project that works at once. It writes
 * every file or none: when any of them exists already it refuses, naming
 * them. An existing package.json (from `npm init`, or the one
 * `npm install <tarball>` creates) is completed rather than replaced.
 */
export const initCommand: Command = {
  name: 'init',
  summary: 'Scaffold a Strata project: package.json, tsconfig, strata.config.ts, two assets and their test',
  usage: 'assets init [DIR]',
  description:
    'Writes, in DIR (default: the working folder), a project whose assets run at once: src/assets.ts with two\n' +
    'assets (orders, read from the data/orders.csv it ships, and customer_totals, computed from it), their unit\n' +
    'test, strata.config.ts, tsconfig.json, .gitignore and a README. An existing package.json is completed\n' +
    '(scripts, dependencies, "type": "module"); any other file that exists already stops it, and nothing is written.',
  maxPositionals: 1,
  flags: {
    // Accepted so one command line (an alias, a script) works with every command; the scaffold writes its own strata.config.ts.
    definitions: { type: 'string', valueName: 'MODULE', description: 'Accepted and ignored: init writes the project\'s strata.config.ts' },
  },
  examples: ['npm install strata-assets && npx assets init && npx assets materialize', 'assets init my-pipeline', 'cd my-pipeline && npm install && npm test'],
  async run(args, io) {
    const dir = path.resolve(io.cwd, args.positionals[0] ?? '.');
    const name = projectName(dir);
    const files = scaffoldFiles(name);
    const existing = await Promise.all(files.map(async (file) => ((await exists(path.join(dir, file.path))) ? file.path : undefined)));
    const clashes = existing.filter((file) => file !== undefined);
    if (clashes.length > 0) {
      throw new UsageError(`${dir} already has ${clashes.join(', ')}; \`assets init\` never overwrites files.`, {
        hint: 'Run it in an empty folder (`assets init DIR` creates one), or move those files aside first.',
      });
    }

    const manifestPath = path.join(dir, 'package.json');
    const current = await readManifest(manifestPath);
    const { manifest, changes } = scaffoldManifest(current, name, await scaffoldVersions(dir));
    for (const file of files) {
      const target = path.join(dir, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      // `wx`: should a file appear since the check above, fail rather than overwrite it.
      await writeFile(target, file.content, { flag: 'wx' });
    }
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

    const relative = path.relative(io.cwd, dir);
    const lines = [
      `Created a Strata project in ${dir}:`,
      `  package.json  ${current === undefined ? 'new' : changes.length > 0 ? `completed: ${changes.join('; ')}` : 'already complete'}`,
      ...files.map((file) => `  ${file.path}`),
      '',
      'Next:',
      ...(relative === '' ? [] : [`  cd ${relative}`]),
      ...(current === undefined ? ['  npm install              # strata-assets, zod, typescript, vitest'] : ['  npm install              # typescript and vitest, for npm test and tsc']),
      '  npx assets materialize   # materializes orders and customer_totals into output/',
      '  npm test                 # their unit tests, in memory',
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};

/** A valid npm package name from the folder's name. */
function projectName(dir: string): string {
  const name = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '');
  return name === '' ? 'strata-project' : name;
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    // Anything but "no such file" (a folder in the way is fine: it exists) means it must not be overwritten.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

async function readManifest(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StrataError('STRATA_INIT', `Cannot read ${file}: ${(error as Error).message}`, {
      hint: 'Make it readable (check its permissions), or run `assets init` in another folder.',
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StrataError('STRATA_INIT', `${file} is not valid JSON (${(error as Error).message}), so \`assets init\` cannot complete it.`, { hint: 'Fix or remove it, then run `assets init` again.' });
  }
  const parsed = z.record(z.string(), z.unknown()).safeParse(json);
  if (!parsed.success) {
    throw new StrataError('STRATA_INIT', `${file} is not a JSON object, so \`assets init\` cannot complete it.`, { hint: 'Fix or remove it, then run `assets init` again.' });
  }
  return parsed.data;
}

/**
 * What the new project in `dir` asks for. strata-assets itself: a spec that
 * installs the copy running now (see `ownDependencySpec`), since `^0.1.0`
 * resolves only once that version is on the registry, and a user who
 * installed a tarball or runs a clone must get the same code back.
 */
async function scaffoldVersions(dir: string): Promise<ScaffoldVersions> {
  const manifest = strataManifest.parse(JSON.parse(await readFile(STRATA_MANIFEST, 'utf8')));
  return {
    strataAssets: await ownDependencySpec(PACKAGE_ROOT, manifest.version, dir),
    zod: manifest.dependencies.zod,
    typescript: manifest.devDependencies.typescript,
    vitest: manifest.devDependencies.vitest,
    typesNode: manifest.devDependencies['@types/node'],
  };
}
