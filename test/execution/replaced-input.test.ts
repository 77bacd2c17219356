import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, CsvIOManager, defineDefinitions, materialize, SqliteInstanceStorage } from '../../src/index.js';
import { planMaterialization } from '../../src/execution/plan-materialization.js';
import { describeReason } from '../../src/instance/describe-reason.js';

/*
 * An upstream's stored output replaced by another process while a step reads
 * it, on a real SQLite file and real CSV files: `g`'s compute stands in for
 * that process, overwriting u.csv before `d`, which runs after `g`, reads it.
 */
describe('an upstream replaced while a step reads it', () => {
  let dir: string;
  let storage: SqliteInstanceStorage;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-replaced-input-'));
    storage = await SqliteInstanceStorage.open({ home: path.join(dir, '.strata') });
  });
  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  const define = (gVersion: string, replaceU: boolean) => {
    const output = path.join(dir, 'output');
    const u = asset({ key: 'u', codeVersion: 'u1', schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] });
    const g = asset({
      key: 'g',
      codeVersion: gVersion,
      schema: z.object({ version: z.string() }),
      compute: async () => {
        if (replaceU) await writeFile(path.join(output, 'u.csv'), 'n\n700\n');
        return [{ version: gVersion }];
      },
    });
    const d = asset({ key: 'd', codeVersion: 'd1', deps: [u, g], schema: z.object({ n: z.int() }), compute: ({ inputs }) => [{ n: inputs.u.column('n')[0] as number }] });
    return defineDefinitions({ assets: [u, g, d], ioManagers: { default: new CsvIOManager({ baseDir: output }) } });
  };
  const stored = (key: string) => readFile(path.join(dir, 'output', `${key}.csv`), 'utf8');

  it('records it as replaced while read, so d runs again once u is rebuilt rather than staying fresh on what it read', async () => {
    expect((await materialize(define('g1', false), { storage })).status).toBe('success');

    const replaced = await materialize(define('g2', true), { storage });
    expect(replaced.assets.map((entry) => `${entry.key}:${entry.action}`)).toEqual(['g:materialized', 'd:materialized']);
    expect(await stored('d')).toBe('n\n700\n');

    const definitions = define('g2', false);
    // u's stored output was changed outside Strata: it is rebuilt, and d, which read the replacement, after it.
    const { plan } = await planMaterialization(definitions, storage, { codeVersions: 'declared' });
    expect(plan.planned.map((entry) => [entry.key, entry.reasons.map((reason) => reason.kind)])).toEqual([['u', ['output-modified']], ['d', ['upstream-planned']]]);

    const repaired = await materialize(definitions, { storage });
    expect(repaired.assets.map((entry) => `${entry.key}:${entry.action}`)).toEqual(['u:materialized', 'd:materialized']);
    expect(await stored('d')).toBe('n\n1\n');
    expect((await materialize(definitions, { storage })).status).toBe('nothing-to-do');
  });

  it('says why in the words of assets why', () => {
    expect(describeReason('d', { kind: 'upstream-changed', upstream: 'u', recorded: 'replaced while read', current: 'abcdef0123' }, undefined)).toBe(
      'u was replaced while d read it when it was last materialized, so what it read is not known.',
    );
  });
});
