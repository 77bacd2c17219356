import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DIST_INDEX = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/**
 * Libraries that only some projects need (Parquet files, Postgres, the UI
 * server, HTTP sources, TypeScript definitions): every command imports
 * `strata-assets`, so each of these loaded there would add its modules to
 * the start of every command. They are imported where they are used.
 */
const LOADED_ON_USE = ['hyparquet', 'hyparquet-writer', 'pg', 'pg-copy-streams', 'graphile-worker', 'hono', '@hono/node-server', '@dagrejs/dagre', 'undici', 'esbuild', 'tsx'];

/** Module loader hooks that append the URL of every module loaded to the file given at registration. */
const RECORDING_HOOKS = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, nextLoad) {
  appendFileSync(log, url + '\\n');
  return nextLoad(url, context);
}
`;

describe('importing strata-assets', () => {
  let dir: string;
  let loaded: string[];

  beforeAll(async () => {
    // A plain node process, as a user's definitions module is loaded: vitest's own resolution is not involved.
    dir = await mkdtemp(path.join(tmpdir(), 'strata-root-import-'));
    const log = path.join(dir, 'loaded.txt');
    await writeFile(path.join(dir, 'hooks.mjs'), RECORDING_HOOKS);
    await writeFile(
      path.join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)}, { data: { log: ${JSON.stringify(log)} } });\n`,
    );
    await writeFile(log, '');
    const imported = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(dir, 'register.mjs')).href, '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(DIST_INDEX).href)});`], {
      encoding: 'utf8',
    });
    expect(imported.status, imported.stderr).toBe(0);
    loaded = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the framework and the libraries every project needs', () => {
    expect(loaded).toContain(pathToFileURL(DIST_INDEX).href);
    expect(packagesOf(loaded)).toEqual(expect.arrayContaining(['zod', 'croner']));
  });

  it('leaves the libraries only some projects use until they are used', () => {
    expect(packagesOf(loaded).filter((name) => LOADED_ON_USE.includes(name))).toEqual([]);
  });
});

/** The names of the packages under node_modules that the module URLs belong to, each once, sorted. */
function packagesOf(urls: readonly string[]): string[] {
  const names = new Set<string>();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match !== null) names.add(match[1]!);
  }
  return [...names].sort();
}
