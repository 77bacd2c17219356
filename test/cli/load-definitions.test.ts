import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The bundled example's assets: its six tables and the three daily-partitioned ones. */
const EXAMPLE_KEYS = ['posts', 'posts_daily', 'posts_enriched', 'summary', 'top_authors', 'user_stats', 'user_stats_daily', 'user_trends', 'users'];

/** A definitions module with one asset named after where it is, so a test can tell which module the CLI loaded. */
function definitionsModule(assetKey: string, exportAs: 'default' | 'definitions' = 'default'): string {
  return `import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager } from 'strata-assets';

const only = asset({ key: '${assetKey}', schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] });
const definitions = defineDefinitions({ assets: [only], ioManagers: { default: new MemoryIOManager() } });
${exportAs === 'default' ? 'export default definitions;' : 'export { definitions };'}
`;
}

/**
 * How the CLI finds a project's definitions, and what it says when it
 * cannot load them. Each test is a project folder in which `strata-assets`
 * and `zod` resolve to this repository's, as after `npm install strata-assets`.
 */
describe('loading definitions', () => {
  let project: string;
  beforeEach(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'strata-load-'));
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'project', type: 'module' }));
    await mkdir(path.join(project, 'node_modules'));
    await symlink(ROOT, path.join(project, 'node_modules', 'strata-assets'));
    await symlink(path.join(ROOT, 'node_modules', 'zod'), path.join(project, 'node_modules', 'zod'));
  });
  afterEach(() => rm(project, { recursive: true, force: true }));

  const write = async (file: string, content: string) => {
    await mkdir(path.dirname(path.join(project, file)), { recursive: true });
    await writeFile(path.join(project, file), content);
  };
  const setPackageJson = async (fields: Record<string, unknown>) => {
    const manifest = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ ...manifest, ...fields }));
  };
  const listKeys = async (options: { cwd?: string; env?: Record<string, string>; args?: string[] } = {}) => {
    const result = await runCli(['list', '--json', ...(options.args ?? [])], { cwd: options.cwd ?? project, env: { STRATA_HOME: path.join(project, '.strata'), ...options.env } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return (JSON.parse(result.stdout) as { assets: { key: string }[] }).assets.map((asset) => asset.key);
  };
  const fails = async (options: { cwd?: string; env?: Record<string, string>; args?: string[] } = {}) => {
    const result = await runCli(['list', ...(options.args ?? [])], { cwd: options.cwd ?? project, env: { STRATA_HOME: path.join(project, '.strata'), ...options.env } });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    return result.stderr;
  };

  describe('in the documented order', () => {
    beforeEach(async () => {
      await write('flag.ts', definitionsModule('from_flag'));
      await write('env.ts', definitionsModule('from_env'));
      await write('strata.config.ts', definitionsModule('from_config'));
      await write('pkg/definitions.ts', definitionsModule('from_package_json'));
      await setPackageJson({ strata: { definitions: 'pkg/definitions.ts' } });
    });

    it('takes --definitions first, relative to the working folder', async () => {
      expect(await listKeys({ args: ['--definitions', 'flag.ts'], env: { STRATA_DEFINITIONS: 'env.ts' } })).toEqual(['from_flag']);
    });

    it('then STRATA_DEFINITIONS', async () => {
      expect(await listKeys({ env: { STRATA_DEFINITIONS: 'env.ts' } })).toEqual(['from_env']);
    });

    it('then strata.config.ts, from the working folder or one below it', async () => {
      expect(await listKeys()).toEqual(['from_config']);
      await mkdir(path.join(project, 'src', 'deep'), { recursive: true });
      expect(await listKeys({ cwd: path.join(project, 'src', 'deep') })).toEqual(['from_config']);
    });

    it('then the "strata" field of package.json, relative to that package.json', async () => {
      await rm(path.join(project, 'strata.config.ts'));
      await mkdir(path.join(project, 'sub'));
      expect(await listKeys({ cwd: path.join(project, 'sub') })).toEqual(['from_package_json']);
    });
  });

  it('tries the module extensions after a path given without one', async () => {
    await write('src/assets.ts', definitionsModule('extensionless'));
    expect(await listKeys({ args: ['--definitions', 'src/assets'] })).toEqual(['extensionless']);
  });

  it('accepts definitions exported as `definitions` as well as `default`', async () => {
    await write('named.ts', definitionsModule('named_export', 'definitions'));
    expect(await listKeys({ args: ['--definitions', 'named.ts'] })).toEqual(['named_export']);
  });

  it('prefers strata.config.ts to .js and .mjs in the same folder, and loads a JavaScript config', async () => {
    await write('strata.config.mjs', definitionsModule('from_mjs'));
    expect(await listKeys()).toEqual(['from_mjs']);
    await write('strata.config.ts', definitionsModule('from_ts'));
    expect(await listKeys()).toEqual(['from_ts']);
  });

  it('resolves a package export, such as the bundled example', async () => {
    expect((await listKeys({ args: ['--definitions', 'strata-assets/example'] })).sort()).toEqual(EXAMPLE_KEYS);
  });

  it('falls back to the example only because this CLI runs from a clone of the repository', async () => {
    expect((await listKeys()).sort()).toEqual(EXAMPLE_KEYS);
  });

  it('runs a TypeScript config in worker threads, with its resource settings', async () => {
    await write(
      'strata.config.ts',
      `import { z } from 'zod';
import { asset, CsvIOManager, defineConfig, defineDefinitions, resource } from 'strata-assets';

const greeting = resource({
  key: 'greeting',
  config: z.object({ word: z.string(), times: z.coerce.number().int().positive().default(1) }),
  env: { word: 'GREETING_WORD', times: 'GREETING_TIMES' },
  create: ({ config }) => ({ say: (n: number) => \`\${config.word.repeat(config.times)} \${n}\` }),
});
const numbers = asset({ key: 'numbers', schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }, { n: 2 }] });
const words = asset({
  key: 'words',
  deps: [numbers],
  resources: { greeting },
  schema: z.object({ text: z.string() }),
  compute: ({ inputs, resources }) => inputs.numbers.rows().map((row) => ({ text: resources.greeting.say(row.n) })),
});
export default defineConfig({
  definitions: defineDefinitions({ assets: [numbers, words], ioManagers: { default: new CsvIOManager({ baseDir: 'out' }) } }),
  resources: { greeting: { word: 'hi' } },
});
`,
    );
    const result = await runCli(['materialize', '--executor', 'workers', '--json'], { cwd: project, env: { STRATA_HOME: path.join(project, '.strata'), GREETING_TIMES: '2' } });
    expect(result.code).toBe(0);
    expect(await readFile(path.join(project, 'out', 'words.csv'), 'utf8')).toBe('text\nhihi 1\nhihi 2\n');
  });

  describe('errors', () => {
    it('lists every path tried for a module that is not there', async () => {
      const stderr = await fails({ args: ['--definitions', 'src/missing'] });
      const missing = path.join(project, 'src', 'missing');
      expect(stderr).toContain(`error: Definitions module not found: ${missing} (from --definitions src/missing). Tried:\n`);
      for (const tried of [missing, `${missing}.ts`, `${missing}.mts`, `${missing}.js`, `${missing}.mjs`, `the package export "src/missing" from ${project}`]) {
        expect(stderr).toContain(`\n  ${tried}\n`);
      }
    });

    it('names STRATA_DEFINITIONS, and the package.json, when what they point at is missing', async () => {
      expect(await fails({ env: { STRATA_DEFINITIONS: 'nope.ts' } })).toContain(`Definitions module not found: ${path.join(project, 'nope.ts')} (from STRATA_DEFINITIONS=nope.ts)`);
      await setPackageJson({ strata: { definitions: 'gone.ts' } });
      expect(await fails()).toContain(`(from "strata": { "definitions": "gone.ts" } in ${path.join(project, 'package.json')})`);
    });

    it('explains an invalid "strata" field of package.json', async () => {
      await setPackageJson({ strata: { definition: 'src/assets.ts' } });
      expect(await fails()).toMatch(/^error: The "strata" field of .*package\.json is invalid: strata\.definitions: Invalid input: expected string, received undefined\.$/m);
    });

    it("shows the error of a module that throws while loading, with its stack in the user's code only", async () => {
      await write('src/connect.ts', "export function connect(): void {\n  throw new TypeError('WAREHOUSE_URL is not set');\n}\n");
      await write('strata.config.ts', "import { connect } from './src/connect.js';\n\nconnect();\nexport default {};\n");
      const stderr = await fails();
      const lines = stderr.split('\n');
      expect(lines[0]).toBe(`error: Loading ${path.join(project, 'strata.config.ts')} failed: TypeError: WAREHOUSE_URL is not set`);
      expect(lines[1]).toMatch(new RegExp(`^    at connect \\(${escape(path.join(project, 'src', 'connect.ts'))}:2:9\\)$`));
      expect(lines[2]).toMatch(new RegExp(`^    at .*${escape(path.join(project, 'strata.config.ts'))}:3:1\\)?$`));
      expect(lines[3]).toMatch(/^hint: The error comes from that module/);
      expect(stderr).not.toMatch(/node:internal|dist\/cli|node_modules\/tsx/);
    });

    it('shows where a TypeScript module does not parse (esbuild counts columns from 0)', async () => {
      await write('strata.config.ts', 'export const broken: number = ;\n');
      expect(await fails()).toContain(`${path.join(project, 'strata.config.ts')}:1:30: ERROR: Unexpected ";"`);
    });

    it('says what a module exported instead of definitions', async () => {
      await write('strata.config.ts', 'export const assets = [];\nexport function helper(): void {}\n');
      expect(await fails()).toContain(`error: ${path.join(project, 'strata.config.ts')} exports no definitions (it exports: assets, helper).`);
    });

    it('reports every problem of invalid definitions at once', async () => {
      await write(
        'strata.config.ts',
        `import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager } from 'strata-assets';

const a = asset({ key: 'Bad-Key', schema: z.object({ n: z.int() }), compute: () => [] });
const b = asset({ key: 'b', ioManager: 'warehouse', schema: z.object({ n: z.int() }), compute: () => [] });
export default defineDefinitions({ assets: [a, b], ioManagers: { default: new MemoryIOManager() } });
`,
      );
      const stderr = await fails();
      expect(stderr).toMatch(/^error: The definitions have 2 problems:$/m);
      expect(stderr).toMatch(/^ {2}- asset "Bad-Key": invalid key/m);
      expect(stderr).toMatch(/^ {2}- asset "b": unknown IO manager "warehouse"/m);
    });

    it('names the asset and check of a relationships check given a key instead of an asset, with the other problems, rather than a TypeError', async () => {
      // JavaScript, where tsc cannot catch it.
      await write(
        'strata.config.js',
        `import { z } from 'zod';
import { asset, defineDefinitions, MemoryIOManager, relationships } from 'strata-assets';

const users = asset({ key: 'users', schema: z.object({ id: z.int() }), compute: () => [] });
const posts = asset({ key: 'posts', schema: z.object({ user_id: z.int() }), checks: [relationships('user_id', { to: 'users', field: 'id' })], compute: () => [] });
const bad = asset({ key: 'Bad-Key', schema: z.object({ n: z.int() }), compute: () => [] });
export default defineDefinitions({ assets: [users, posts, bad], ioManagers: { default: new MemoryIOManager() } });
`,
      );
      const stderr = await fails();
      expect(stderr).toBe(
        'error: The definitions have 2 problems:\n' +
          `  - asset "Bad-Key": invalid key; keys match ^[a-z][a-z0-9_]*$ (lowercase letters, digits, _)\n` +
          '  - asset "posts", check "relationships_user_id": to must be an asset, got the string "users": pass the asset itself (what asset({ key: "users", ... }) returned), not its key\n' +
          'hint: Fix every problem listed; they were all found in one pass.\n',
      );
    });

    it('checks the config of every resource at start-up, naming each variable at fault', async () => {
      await write(
        'strata.config.ts',
        `import { z } from 'zod';
import { asset, defineConfig, defineDefinitions, MemoryIOManager, resource } from 'strata-assets';

const api = resource({ key: 'api', config: z.object({ url: z.url(), timeoutMs: z.coerce.number().int() }), env: { url: 'API_URL', timeoutMs: 'API_TIMEOUT_MS' }, create: ({ config }) => config });
const db = resource({ key: 'db', config: z.object({ path: z.string() }), env: { path: 'DB_PATH' }, create: ({ config }) => config });
const one = asset({ key: 'one', resources: { api, db }, schema: z.object({ n: z.int() }), compute: () => [] });
export default defineConfig({
  definitions: defineDefinitions({ assets: [one], ioManagers: { default: new MemoryIOManager() } }),
  resources: { api: { timeoutMs: 500 } },
});
`,
      );
      const stderr = await fails({ env: { API_URL: 'not a url', API_TIMEOUT_MS: 'soon' } });
      expect(stderr).toContain(
        'error: The configuration has 3 problems:\n' +
          '  - resource "api": API_URL: Invalid URL\n' +
          '  - resource "api": API_TIMEOUT_MS: Invalid input: expected number, received NaN\n' +
          '  - resource "db": path is required: set DB_PATH, or resources.db.path in the config file\n',
      );
      expect(stderr).not.toContain('not a url');
      expect(await listKeys({ env: { API_URL: 'https://api.example.com', DB_PATH: 'db.sqlite' } })).toEqual(['one']);
    });

    it("names the example's retry delay variable when it is not a number", async () => {
      const stderr = await fails({ args: ['--definitions', 'strata-assets/example'], env: { STRATA_SOURCE_RETRY_DELAY_MS: 'soon' } });
      expect(stderr).toContain('error: The configuration has 1 problem:\n  - STRATA_SOURCE_RETRY_DELAY_MS: Invalid input: expected number, received NaN\n');
    });

    it('refuses a .ts module in a CommonJS package, saying how to fix it', async () => {
      await setPackageJson({ type: 'commonjs' });
      await write('strata.config.ts', definitionsModule('never'));
      const stderr = await fails();
      expect(stderr).toContain(`error: ${path.join(project, 'strata.config.ts')} would load as CommonJS (${path.join(project, 'package.json')} does not set "type": "module")`);
      expect(stderr).toContain(`hint: Add "type": "module" to ${path.join(project, 'package.json')}, or rename the file to .mts.`);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
