import { mkdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject } from './project-workspace.js';
import { runCli, startCli } from './run-cli.js';
import type { GraphResponse, MaterializeResponse, PlanResponse, RunDetailResponse } from '../../src/ui/api-types.js';
import { startUi } from '../ui/start-ui.js';

interface StatusJson {
  assets: { key: string; status: string; reasons: string[] }[];
}

/**
 * Automatic code versions through the built CLI on a user-shaped project
 * (test/fixtures/helper-project): `scaled` imports helper.mjs, `base` imports
 * only the fake-shout package, `pinned` imports the helper but declares its
 * codeVersion.
 */
describe('code versions cover the modules an asset imports', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  beforeEach(async () => {
    project = await makeProject('helper-project');
  });
  afterEach(() => project.cleanup());

  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  const status = async () => {
    const result = await cli(['status', '--json']);
    expect(result.code).toBe(0);
    return Object.fromEntries((JSON.parse(result.stdout) as StatusJson).assets.map((asset) => [asset.key, asset.reasons]));
  };
  const materialize = async () => {
    const result = await cli(['materialize', '--json']);
    expect(result.code).toBe(0);
    return Object.fromEntries((JSON.parse(result.stdout) as { assets: { key: string; action: string }[] }).assets.map((asset) => [asset.key, asset.action]));
  };
  const edit = async (file: string, from: string, to: string) => {
    const full = path.join(project.dir, file);
    const text = await readFile(full, 'utf8');
    expect(text).toContain(from);
    await writeFile(full, text.replace(from, to));
  };
  /** Writes `file`, a module exporting the asset `name`, and adds that asset to the project's definitions. */
  const addAssetModule = async (file: string, name: string, source: string) => {
    await writeFile(path.join(project.dir, file), source);
    await edit('strata.config.mjs', "import { base } from './plain.mjs';", `import { base } from './plain.mjs';\nimport { ${name} } from './${file}';`);
    await edit('strata.config.mjs', 'assets: [base, scaled, pinned]', `assets: [base, scaled, pinned, ${name}]`);
  };

  /**
   * Writes `<name>.ts`, a TypeScript module that imports `imported` and exports
   * the asset `name` with one number column `column` computed as `value`, and
   * makes the definitions strata.config.ts (which tsx loads) with it added.
   */
  const addTypeScriptAsset = async (name: string, imported: string, column: string, value: string) => {
    await writeFile(
      path.join(project.dir, `${name}.ts`),
      `import { asset } from 'strata-assets';\nimport { z } from 'zod';\n${imported}\nexport const ${name} = asset({ key: '${name}', schema: z.object({ ${column}: z.int() }), compute: () => [{ ${column}: ${value} }] });\n`,
    );
    const config = await readFile(path.join(project.dir, 'strata.config.mjs'), 'utf8');
    await writeFile(path.join(project.dir, 'strata.config.ts'), config.replace("import { base } from './plain.mjs';", `import { base } from './plain.mjs';\nimport { ${name} } from './${name}.ts';`).replace('assets: [base, scaled, pinned]', `assets: [base, scaled, pinned, ${name}]`));
    await rm(path.join(project.dir, 'strata.config.mjs'));
  };

  it('makes exactly the assets whose modules reach a changed helper code-changed, and re-runs only those', async () => {
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [] });

    await edit('helper.mjs', 'FACTOR = 1', 'FACTOR = 2');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: ['code-changed'] });
    const why = await cli(['why', 'scaled']);
    expect(why.stdout).toMatch(/The code of scaled changed since it was last materialized: helper\.mjs changed \(code version/);

    expect(await materialize()).toEqual({ scaled: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'scaled.csv'), 'utf8')).toBe('n\n2\n4\n6\n');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [] });
  });

  /**
   * Materializes with FACTOR = 2, holding the load after its imports
   * (helper.mjs among them) were evaluated, a slow load made long, while
   * `changeHelper` changes the helper to FACTOR = 3; then checks that the
   * helper that ran was never recorded as the one on disk.
   */
  const expectNotRecordedWhenChangedDuringLoad = async (changeHelper: () => Promise<void>) => {
    await edit(
      'strata.config.mjs',
      'export default',
      "if (process.env.HOLD_LOAD === '1') {\n  process.stderr.write('loaded the helper\\n');\n  while (!existsSync('go')) await new Promise((resolve) => setTimeout(resolve, 10));\n}\nexport default",
    );
    await edit('strata.config.mjs', "import { defineDefinitions } from 'strata-assets';", "import { existsSync } from 'node:fs';\nimport { defineDefinitions } from 'strata-assets';");
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });
    await edit('helper.mjs', 'FACTOR = 1', 'FACTOR = 2');

    const held = startCli(['materialize', '--json'], { cwd: project.dir, env: { HOLD_LOAD: '1' } });
    await held.waitForStderr('loaded the helper');
    await changeHelper();
    await writeFile(path.join(project.dir, 'go'), '');
    const run = await held.done;
    expect(run.code, run.stderr).toBe(0);
    // It ran the helper it loaded (FACTOR = 2): the one changed meanwhile is not what its output came from.
    expect(await readFile(path.join(project.dir, 'output', 'scaled.csv'), 'utf8')).toBe('n\n2\n4\n6\n');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: ['code-changed'] });
    expect((await cli(['why', 'scaled'])).stdout).toMatch(/helper\.mjs changed/);
    expect(await materialize()).toEqual({ scaled: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'scaled.csv'), 'utf8')).toBe('n\n3\n6\n9\n');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [] });
  };

  it('never records a helper saved while the definitions were loading as the code that ran', async () => {
    await expectNotRecordedWhenChangedDuringLoad(() => edit('helper.mjs', 'FACTOR = 2', 'FACTOR = 3'));
  });

  it('never records a helper copied in with an old modification time while the definitions were loading', async () => {
    // As `cp -p` or `rsync -a` put it in place: new content, with the modification time of a file from long ago.
    await expectNotRecordedWhenChangedDuringLoad(async () => {
      await edit('helper.mjs', 'FACTOR = 2', 'FACTOR = 3');
      await utimes(path.join(project.dir, 'helper.mjs'), 1_700_000_000, 1_700_000_000);
    });
  });

  it('never records a module a compute imports as it runs as the code that ran when it changed during the run', async () => {
    await writeFile(path.join(project.dir, 'lazy.mjs'), 'export const L = 2;\n');
    await addAssetModule(
      'lazy-asset.mjs',
      'lazy',
      [
        "import { existsSync } from 'node:fs';",
        "import { asset } from 'strata-assets';",
        "import { z } from 'zod';",
        "export const lazy = asset({ key: 'lazy', schema: z.object({ l: z.int() }), compute: async () => {",
        "  if (process.env.HOLD_RUN === '1') {",
        "    process.stderr.write('computing lazy\\n');",
        "    while (!existsSync('go')) await new Promise((resolve) => setTimeout(resolve, 10));",
        '  }',
        "  const { L } = await import('./lazy.mjs');",
        '  return [{ l: L }];',
        '} });',
        '',
      ].join('\n'),
    );
    expect(await materialize()).toMatchObject({ lazy: 'materialized' });

    // Another branch's lazy.mjs while the run computes (after the versions were taken), then back.
    const held = startCli(['materialize', '--select', 'lazy', '--force', '--json'], { cwd: project.dir, env: { HOLD_RUN: '1' } });
    await held.waitForStderr('computing lazy');
    await edit('lazy.mjs', 'L = 2', 'L = 9');
    await writeFile(path.join(project.dir, 'go'), '');
    const run = await held.done;
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(path.join(project.dir, 'output', 'lazy.csv'), 'utf8')).toBe('l\n9\n');
    await edit('lazy.mjs', 'L = 9', 'L = 2');

    expect((await status()).lazy).toEqual(['code-changed']);
    expect((await cli(['why', 'lazy'])).stdout).toMatch(/lazy\.mjs changed/);
    expect(await materialize()).toEqual({ lazy: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'lazy.csv'), 'utf8')).toBe('l\n2\n');
    expect((await status()).lazy).toEqual([]);
  });

  it('has a long-running process run an asset whose helper was edited since it loaded once, not on every plan', async () => {
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });
    const ui = await startUi({ cwd: project.dir, env: {} });
    try {
      // Actions need the token the page carries, as the browser sends it.
      const token = /<meta name="strata-token" content="([^"]+)"/.exec(await (await fetch(ui.url)).text())![1]!;
      const api = async <T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> => {
        const headers = { 'content-type': 'application/json', origin: ui.url, 'x-strata-token': token };
        const response = await fetch(new URL(route, ui.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        expect(response.ok, await response.clone().text()).toBe(true);
        return (await response.json()) as T;
      };
      const planned = async () => (await api<PlanResponse>('POST', '/api/plan', {})).plan.map(({ key, reasons }) => [key, reasons.map((reason) => reason.kind)]);
      expect(await planned()).toEqual([]);

      // The server keeps the helper it loaded, but its file is no longer that code.
      await edit('helper.mjs', 'FACTOR = 1', 'FACTOR = 2');
      expect(await planned()).toEqual([['scaled', ['code-changed']]]);
      const { runId } = await api<MaterializeResponse>('POST', '/api/materialize', {});
      await expect.poll(async () => (await api<RunDetailResponse>('GET', `/api/runs/${runId}`)).run.status, { timeout: 20_000 }).toBe('success');
      expect(await planned()).toEqual([]);
    } finally {
      await ui.stop();
    }
    // What it recorded is not this file's code: a command that loads it now runs the asset on it.
    expect(await status()).toEqual({ base: [], pinned: [], scaled: ['code-changed'] });
  });

  it('names the files edited since it loaded, on the UI graph and in a long-running daemon\'s log', async () => {
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });
    const ui = await startUi({ cwd: project.dir, env: {} });
    const daemon = startCli(['daemon'], { cwd: project.dir });
    try {
      const edited = async () => {
        const response = await fetch(new URL('/api/graph', ui.url));
        expect(response.ok).toBe(true);
        return ((await response.json()) as GraphResponse).codeEditedSinceLoad;
      };
      expect(await edited()).toEqual([]);
      await daemon.waitForStderr('Daemon started');

      await edit('helper.mjs', 'FACTOR = 1', 'FACTOR = 2');
      expect(await edited()).toEqual(['helper.mjs']);
      expect((await cli(['materialize', '--queue'])).code).toBe(0);
      await daemon.waitForStderr('note: helper.mjs changed on disk since the daemon loaded the definitions: its runs use the code it loaded; restart it to run the new code.');
    } finally {
      await ui.stop();
      daemon.child.kill('SIGTERM');
      await daemon.done;
    }
  });

  it('runs an asset whose helper has a modification time in the future once, not on every command', async () => {
    // From an archive or a machine whose clock is ahead: it says nothing about when the file changed.
    const inAnHour = Date.now() / 1000 + 3600;
    await utimes(path.join(project.dir, 'helper.mjs'), inAnHour, inAnHour);
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [] });
    expect((await cli(['materialize'])).stdout).toBe('Everything is up to date.\n');
  });

  it('notices an edit of the same size whose old modification time was put back', async () => {
    // A whole second, which a number of seconds sets exactly.
    const helper = path.join(project.dir, 'helper.mjs');
    const then = 1_700_000_000;
    await utimes(helper, then, then);
    await materialize();
    await edit('helper.mjs', 'FACTOR = 1', 'FACTOR = 2');
    // As `cp -p` or `rsync -t` would leave it: new content, the same size and modification time.
    await utimes(helper, then, then);
    expect((await stat(helper)).mtimeMs).toBe(then * 1000);
    expect(await status()).toEqual({ base: [], pinned: [], scaled: ['code-changed'] });
  });

  it('changes nothing when a file no asset module imports changes', async () => {
    await materialize();
    await edit('unrelated.mjs', 'nothing reads this', 'still nothing reads this');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [] });
    expect((await cli(['materialize'])).stdout).toBe('Everything is up to date.\n');
  });

  it('makes the assets importing a package code-changed when its installed version changes, naming both versions', async () => {
    await materialize();
    await edit('node_modules/fake-shout/package.json', '"version": "1.0.0"', '"version": "1.1.0"');
    // scaled.mjs imports plain.mjs (for `base`), so its module reaches fake-shout too; pinned declares its version.
    expect(await status()).toEqual({ base: ['code-changed'], pinned: [], scaled: ['code-changed', 'upstream-planned'] });
    expect((await cli(['why', 'base'])).stdout).toMatch(/package fake-shout went from 1\.0\.0 to 1\.1\.0/);
  });

  it('versions a workspace package linked from source by its files, which change without a new version', async () => {
    const util = path.join(project.dir, 'packages', 'local-util');
    await mkdir(util, { recursive: true });
    await writeFile(path.join(util, 'package.json'), JSON.stringify({ name: 'local-util', version: '1.0.0', type: 'module', main: 'index.mjs' }));
    await writeFile(path.join(util, 'index.mjs'), "export const suffix = '!';\n");
    // As npm installs a workspace: a link in node_modules to the package's folder in the project.
    await symlink(path.join('..', 'packages', 'local-util'), path.join(project.dir, 'node_modules', 'local-util'), 'dir');
    await edit('plain.mjs', "import { shout } from 'fake-shout';", "import { shout } from 'fake-shout';\nimport { suffix } from 'local-util';");
    await edit('plain.mjs', "word: shout('hi')", "word: shout('hi') + suffix");
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });

    await edit('packages/local-util/index.mjs', "'!'", "'?'");
    expect(await status()).toEqual({ base: ['code-changed'], pinned: [], scaled: ['code-changed', 'upstream-planned'] });
    expect((await cli(['why', 'base'])).stdout).toMatch(/packages\/local-util\/index\.mjs changed/);
    expect(await materialize()).toMatchObject({ base: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'base.csv'), 'utf8')).toMatch(/^n,word\n1,\S+\?\n/);
  });

  it("versions the project's own files imported through its package name by their content, not by the project's version", async () => {
    // A package importing itself through its "exports", as Node allows: the helper is still the project's own file.
    await writeFile(path.join(project.dir, 'package.json'), JSON.stringify({ name: 'helper-project', version: '1.0.0', private: true, type: 'module', exports: { './helper': './helper.mjs' } }));
    await edit('scaled.mjs', "from './helper.mjs'", "from 'helper-project/helper'");
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });

    await edit('helper.mjs', 'FACTOR = 1', 'FACTOR = 2');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: ['code-changed'] });
    expect((await cli(['why', 'scaled'])).stdout).toMatch(/helper\.mjs changed/);
    expect(await materialize()).toEqual({ scaled: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'scaled.csv'), 'utf8')).toBe('n\n2\n4\n6\n');
  });

  it('makes an asset code-changed when a symbolic link its import passes through points at other helpers, with the module graph cached', async () => {
    for (const [folder, factor] of [['helpers-v1', 1], ['helpers-v2', 3]] as const) {
      await mkdir(path.join(project.dir, folder));
      await writeFile(path.join(project.dir, folder, 'helper.mjs'), `export const FACTOR = ${factor};\n`);
    }
    await symlink('helpers-v1', path.join(project.dir, 'helpers'), 'dir');
    await edit('scaled.mjs', "from './helper.mjs'", "from './helpers/helper.mjs'");
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [] });

    // Every file is as it was; only the link points elsewhere.
    await rm(path.join(project.dir, 'helpers'));
    await symlink('helpers-v2', path.join(project.dir, 'helpers'), 'dir');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: ['code-changed'] });
    expect(await materialize()).toMatchObject({ scaled: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'scaled.csv'), 'utf8')).toBe('n\n3\n6\n9\n');
  });

  it('makes an asset code-changed when a linked TypeScript file, imported as ./x.js, points at other code, with the module graph cached', async () => {
    for (const [folder, factor] of [['helpers-v1', 1], ['helpers-v2', 3]] as const) {
      await mkdir(path.join(project.dir, folder));
      await writeFile(path.join(project.dir, folder, 'factor.ts'), `export const FACTOR: number = ${factor};\n`);
    }
    // A link to a file, not a folder, found by the `.ts` that TypeScript's resolution puts in place of `.js`.
    await symlink(path.join('helpers-v1', 'factor.ts'), path.join(project.dir, 'factor.ts'), 'file');
    await addTypeScriptAsset('typed', "import { FACTOR } from './factor.js';", 'n', 'FACTOR');
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized', typed: 'materialized' });
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [], typed: [] });

    await rm(path.join(project.dir, 'factor.ts'));
    await symlink(path.join('helpers-v2', 'factor.ts'), path.join(project.dir, 'factor.ts'), 'file');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [], typed: ['code-changed'] });
    expect(await materialize()).toEqual({ typed: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'typed.csv'), 'utf8')).toBe('n\n3\n');
  });

  it('makes an asset code-changed when `npm link` points its package at another checkout, through the global link alone', async () => {
    for (const [checkout, suffix] of [['checkout-a', '!'], ['checkout-b', '?']] as const) {
      const folder = path.join(project.dir, 'checkouts', checkout);
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, 'package.json'), JSON.stringify({ name: 'local-util', version: '1.0.0', type: 'module', main: 'index.mjs' }));
      await writeFile(path.join(folder, 'index.mjs'), `export const suffix = '${suffix}';\n`);
    }
    // As `npm link` does: the project's node_modules/local-util links to a global link, which links to a checkout.
    const globalLink = path.join(project.dir, 'global', 'local-util');
    await mkdir(path.dirname(globalLink));
    await symlink(path.join('..', 'checkouts', 'checkout-a'), globalLink, 'dir');
    await symlink(globalLink, path.join(project.dir, 'node_modules', 'local-util'), 'dir');
    await edit('plain.mjs', "import { shout } from 'fake-shout';", "import { shout } from 'fake-shout';\nimport { suffix } from 'local-util';");
    await edit('plain.mjs', "word: shout('hi')", "word: shout('hi') + suffix");
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [] });

    // `npm link` run in the other checkout: the project's own files and its node_modules stay as they were.
    await rm(globalLink);
    await symlink(path.join('..', 'checkouts', 'checkout-b'), globalLink, 'dir');
    expect(await status()).toEqual({ base: ['code-changed'], pinned: [], scaled: ['code-changed', 'upstream-planned'] });
    expect(await materialize()).toMatchObject({ base: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'base.csv'), 'utf8')).toMatch(/^n,word\n1,\S+\?\n/);
  });

  it('covers a ready-made resource instance in the code of the assets that use it, from the module that supplies it', async () => {
    await addAssetModule(
      'rated.mjs',
      'rated',
      [
        "import { asset, resource } from 'strata-assets';",
        "import { z } from 'zod';",
        "export const rates = resource({ key: 'rates', create: () => ({ rate: 1 }) });",
        "export const rated = asset({ key: 'rated', schema: z.object({ n: z.int() }), resources: { rates }, compute: ({ resources }) => [{ n: 100 * resources.rates.rate }] });",
        '',
      ].join('\n'),
    );
    await edit('strata.config.mjs', 'pinned, rated]', 'pinned, rated], resources: { rates: { rate: 2 } }');
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', rated: 'materialized', scaled: 'materialized' });

    // The instance's code lives in strata.config.mjs: only the asset that uses it runs it.
    await edit('strata.config.mjs', 'rate: 2', 'rate: 3');
    expect(await status()).toEqual({ base: [], pinned: [], rated: ['code-changed'], scaled: [] });
    expect((await cli(['why', 'rated'])).stdout).toMatch(/strata\.config\.mjs changed/);
    expect(await materialize()).toEqual({ rated: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'rated.csv'), 'utf8')).toBe('n\n300\n');
  });

  it('covers the compute of an asset copied with another one, from the module that hands the copy over', async () => {
    // A decorator in a module base's own module never imports: it wraps base's compute.
    await writeFile(path.join(project.dir, 'tenfold.mjs'), 'export const tenfold = (asset) => ({ ...asset, compute: async (context) => (await asset.compute(context)).map((row) => ({ ...row, n: row.n * 10 })) });\n');
    await edit('strata.config.mjs', "import { base } from './plain.mjs';", "import { base } from './plain.mjs';\nimport { tenfold } from './tenfold.mjs';");
    await edit('strata.config.mjs', 'assets: [base, scaled, pinned] }', 'assets: [tenfold(base), scaled, pinned] }');
    expect(await materialize()).toEqual({ base: 'materialized', pinned: 'materialized', scaled: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'base.csv'), 'utf8')).toMatch(/^n,word\n10,/);

    await edit('tenfold.mjs', 'row.n * 10', 'row.n * 100');
    expect((await status()).base).toEqual(['code-changed']);
    expect((await cli(['why', 'base'])).stdout).toMatch(/tenfold\.mjs changed/);
    expect(await materialize()).toEqual({ base: 'materialized', scaled: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'base.csv'), 'utf8')).toMatch(/^n,word\n100,/);
  });

  it('lets an explicit codeVersion win over the files it imports', async () => {
    await materialize();
    await edit('helper.mjs', 'FACTOR = 1', 'FACTOR = 3');
    await edit('scaled.mjs', "codeVersion: 'v1'", "codeVersion: 'v1'"); // untouched: pinned stays fresh
    expect((await status()).pinned).toEqual([]);
    await edit('scaled.mjs', "codeVersion: 'v1'", "codeVersion: 'v2'");
    const reasons = await status();
    expect(reasons.pinned).toEqual(['code-changed']);
    expect((await cli(['why', 'pinned'])).stdout).toMatch(/its codeVersion went from "v1" to "v2"/);
  });

  /** Writes lib1/`file` and lib2/`file`, modules exporting K = 1 and K = 2, for an alias that `keyed` imports K through. */
  const writeLibs = async (file: string, source: (k: number) => string) => {
    for (const [folder, k] of [['lib1', 1], ['lib2', 2]] as const) {
      await mkdir(path.join(project.dir, folder));
      await writeFile(path.join(project.dir, folder, file), source(k));
    }
  };
  /** Materializes `keyed`, retargets its alias from lib1 to lib2 in `config`, and expects exactly `keyed` to run again, on lib2. */
  const expectRetargeted = async (config: string) => {
    expect(await materialize()).toMatchObject({ keyed: 'materialized' });
    expect(await status()).toMatchObject({ keyed: [] });

    await edit(config, './lib1/*', './lib2/*');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [], keyed: ['code-changed'] });
    expect(await materialize()).toEqual({ keyed: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'keyed.csv'), 'utf8')).toBe('k\n2\n');
  };

  it('notices that an unchanged import resolves to other code after package.json changed', async () => {
    // `#lib/k.mjs` resolves through package.json "imports", as subpath imports do in Node.
    await writeLibs('k.mjs', (k) => `export const K = ${k};\n`);
    await writeFile(path.join(project.dir, 'package.json'), JSON.stringify({ name: 'helper-project', private: true, type: 'module', imports: { '#lib/*': './lib1/*' } }));
    await addAssetModule(
      'keyed.mjs',
      'keyed',
      "import { asset } from 'strata-assets';\nimport { z } from 'zod';\nimport { K } from '#lib/k.mjs';\nexport const keyed = asset({ key: 'keyed', schema: z.object({ k: z.int() }), compute: () => [{ k: K }] });\n",
    );
    await expectRetargeted('package.json');
  });

  it.each([
    ['an import()', "let bonus = 0;\ntry {\n  ({ BONUS: bonus } = await import('./bonus.mjs'));\n} catch {}"],
    ['a require made with createRequire', "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nlet bonus = 0;\ntry {\n  ({ BONUS: bonus } = require('./bonus.cjs'));\n} catch {}"],
  ])('notices that an optional file the asset loads through %s was created, and then edited', async (_, load) => {
    const extension = load.includes('bonus.cjs') ? 'cjs' : 'mjs';
    const writeBonus = (bonus: number) =>
      writeFile(path.join(project.dir, `bonus.${extension}`), extension === 'cjs' ? `exports.BONUS = ${bonus};\n` : `export const BONUS = ${bonus};\n`);
    await addAssetModule(
      'optional.mjs',
      'optional',
      `import { asset } from 'strata-assets';\nimport { z } from 'zod';\n${load}\nexport const optional = asset({ key: 'optional', schema: z.object({ n: z.int() }), compute: () => [{ n: 1 + bonus }] });\n`,
    );
    expect(await materialize()).toMatchObject({ optional: 'materialized' });
    expect(await status()).toMatchObject({ optional: [] });

    await writeBonus(10);
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [], optional: ['code-changed'] });
    expect((await cli(['why', 'optional'])).stdout).toMatch(new RegExp(`bonus\\.${extension} is newly imported`));
    expect(await materialize()).toEqual({ optional: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'optional.csv'), 'utf8')).toBe('n\n11\n');
    expect(await status()).toMatchObject({ optional: [] });

    await writeBonus(20);
    expect(await status()).toMatchObject({ optional: ['code-changed'] });
  });

  it('covers the script a worker thread of the compute runs, named by new URL(..., import.meta.url)', async () => {
    await writeFile(path.join(project.dir, 'work.mjs'), "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage(7);\n");
    await addAssetModule(
      'threaded.mjs',
      'threaded',
      "import { Worker } from 'node:worker_threads';\nimport { asset } from 'strata-assets';\nimport { z } from 'zod';\n" +
        "const inWorker = () => new Promise((resolve, reject) => {\n  const worker = new Worker(new URL('./work.mjs', import.meta.url));\n  worker.once('message', resolve);\n  worker.once('error', reject);\n});\n" +
        "export const threaded = asset({ key: 'threaded', schema: z.object({ n: z.int() }), compute: async () => [{ n: await inWorker() }] });\n",
    );
    expect(await materialize()).toMatchObject({ threaded: 'materialized' });
    expect(await status()).toMatchObject({ threaded: [] });

    await edit('work.mjs', 'postMessage(7)', 'postMessage(8)');
    expect(await status()).toEqual({ base: [], pinned: [], scaled: [], threaded: ['code-changed'] });
    expect((await cli(['why', 'threaded'])).stdout).toMatch(/work\.mjs changed/);
    expect(await materialize()).toEqual({ threaded: 'materialized' });
    expect(await readFile(path.join(project.dir, 'output', 'threaded.csv'), 'utf8')).toBe('n\n8\n');
  });

  it('notices that an unchanged import resolves to other code after the tsconfig it extends changed its paths', async () => {
    // TypeScript definitions, which tsx loads with the `paths` of tsconfig.json and of the config it extends.
    await writeLibs('k.ts', (k) => `export const K: number = ${k};\n`);
    await writeFile(path.join(project.dir, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['./lib1/*'] } } }));
    // Comments, no extension and a trailing comma, as TypeScript allows.
    await writeFile(path.join(project.dir, 'tsconfig.json'), '{\n  // the settings live in the base (https://aka.ms/tsconfig)\n  "extends": "./tsconfig.base", /* paths: "@lib/*" */\n}\n');
    await addTypeScriptAsset('keyed', "import { K } from '@lib/k';", 'k', 'K');
    await expectRetargeted('tsconfig.base.json');
  });

  it('notices a new import of a project file', async () => {
    await materialize();
    await writeFile(path.join(project.dir, 'extra.mjs'), 'export const EXTRA = 1;\n');
    await edit('plain.mjs', "import { shout } from 'fake-shout';", "import { shout } from 'fake-shout';\nimport { EXTRA } from './extra.mjs';\nvoid EXTRA;");
    expect((await status()).base).toEqual(['code-changed']);
    expect((await cli(['why', 'base'])).stdout).toMatch(/extra\.mjs is newly imported; plain\.mjs changed/);
  });
});

/**
 * Assets built by a factory in another module (test/fixtures/factory-project):
 * the module that calls the factory holds its arguments, so its edits count,
 * however deep the factory builds the asset and after an `await` too.
 */
describe('code versions of assets a factory builds', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  beforeEach(async () => {
    project = await makeProject('factory-project');
  });
  afterEach(() => project.cleanup());

  const cli = (args: string[]) => runCli(args, { cwd: project.dir });

  it('makes them code-changed when the arguments the calling module passes change, and stores the new values', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    const config = path.join(project.dir, 'strata.config.mjs');
    await writeFile(config, (await readFile(config, 'utf8')).replaceAll('factor: 2', 'factor: 5').replace("loadedAsset('loaded', 2)", "loadedAsset('loaded', 5)"));

    const status = await cli(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as StatusJson).assets.map((asset) => [asset.key, asset.reasons])).toEqual([
      ['loaded', ['code-changed']],
      ['mapped', ['code-changed']],
    ]);
    expect((await cli(['materialize'])).code).toBe(0);
    for (const key of ['mapped', 'loaded']) expect(await readFile(path.join(project.dir, 'output', `${key}.csv`), 'utf8')).toBe('n\n5\n');
  });
});

/** A CommonJS file an ES module loads through `createRequire` (test/fixtures/required-project) is part of its code. */
describe('code versions of files loaded with createRequire', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  beforeEach(async () => {
    project = await makeProject('required-project');
  });
  afterEach(() => project.cleanup());

  const cli = (args: string[]) => runCli(args, { cwd: project.dir });

  it('makes the asset code-changed when the required file changes, naming it', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    const settings = path.join(project.dir, 'lib', 'settings.cjs');
    await writeFile(settings, (await readFile(settings, 'utf8')).replace('factor: 2', 'factor: 3'));
    const status = await cli(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as StatusJson).assets.map((asset) => [asset.key, asset.reasons])).toEqual([['scaled', ['code-changed']]]);
    expect((await cli(['why', 'scaled'])).stdout).toMatch(/settings\.cjs changed/);
    expect((await cli(['materialize'])).code).toBe(0);
    expect(await readFile(path.join(project.dir, 'output', 'scaled.csv'), 'utf8')).toBe('n\n3\n');
  });
});

