import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { CaptureStream } from './capture-stream.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

const SHOW = path.join(FIXTURES, 'show-definitions.mjs');
const WIDE = fileURLToPath(new URL('../fixtures/wide-table-definitions.ts', import.meta.url));

/** `assets show` through the built CLI, on a fixture whose `events` were materialized once and `later` never. */
describe('assets show', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  const show = (...args: string[]) => runCli(['show', ...args, '--definitions', SHOW], { cwd: workspace.dir, env: workspace.env });

  beforeAll(async () => {
    workspace = await makeWorkspace();
    const materialized = await runCli(['materialize', '--select', 'events', '--definitions', SHOW], { cwd: workspace.dir, env: workspace.env });
    expect(materialized.code).toBe(0);
  });
  afterAll(() => workspace.cleanup());

  it('prints the stored rows as a table: numbers right-aligned, null blank, line breaks and escape sequences shown as escapes', async () => {
    const result = await show('events');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^id {2}label\s+note\s+score$/);
    expect(lines[1]).toMatch(/^ 1 {2}plain\s+1\.5$/);
    expect(lines[3]).toContain('two\\nlines');
    expect(lines[4]).toContain('\\u001b[31mred');
    expect(result.stdout).not.toContain('\u001b');
    // Right-aligned: every score ends its line.
    expect(lines.slice(1).map((line) => line.split(/\s+/).at(-1))).toEqual(['1.5', '-0.25', '3', '1e+21']);
    expect(result.stderr).toBe('Showing all 4 rows of events.\n');
  });

  it('prints CSV exactly as the CSV IO manager stored it', async () => {
    const result = await show('events', '--format', 'csv');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(await readFile(path.join(workspace.output, 'events.csv'), 'utf8'));
  });

  it('prints JSON as one array of row objects that keeps null and empty text apart', async () => {
    const result = await show('events', '--json');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4]);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'label', 'note', 'score']);
    expect(rows[0]!.note).toBeNull();
    expect(rows[1]).toEqual({ id: 2, label: 'comma, "quoted"', note: '', score: -0.25 });
    expect(rows[2]!.label).toBe('two\nlines');
    expect((await show('events', '--format', 'json')).stdout).toBe(result.stdout);
  });

  it('prints only the columns named with --columns, in their order', async () => {
    const table = await show('events', '--columns', 'score,id', '--limit', '2');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^score\s+id$/);
    const csv = await show('events', '--columns', 'score,id', '--format', 'csv');
    expect(csv.stdout.split('\n').slice(0, 3)).toEqual(['score,id', '1.5,1', '-0.25,2']);
  });

  it('stops at --limit and says how many rows of how many it showed', async () => {
    const result = await show('events', '--limit', '2', '--format', 'json');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as unknown[]).length).toBe(2);
    expect(result.stderr).toBe('Showing 2 of 4 rows of events; --limit N shows more.\n');
  });

  it.each(['0', '-3', '2.5', 'many'])('rejects --limit %s as a usage error', async (limit) => {
    const result = await show('events', '--limit', limit);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`--limit must be a whole number >= 1, got "${limit}"`);
  });

  it('says how to make an asset that was never materialized', async () => {
    const result = await show('later');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: later has never been materialized/m);
    expect(result.stderr).toContain('assets materialize --select later');
  });

  it('suggests close keys for an unknown asset', async () => {
    const result = await show('event');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Unknown asset "event"\.$/m);
    expect(result.stderr).toMatch(/^hint: Did you mean "events"/m);
  });

  it('rejects an unknown column, suggesting a close one and naming every column', async () => {
    const result = await show('events', '--columns', 'id,lable');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: events has no column "lable"\.$/m);
    expect(result.stderr).toMatch(/^hint: Did you mean "label"\? Its columns: id, label, note, score\.$/m);
  });

  it('refuses --partition for an unpartitioned asset, naming the flag and the command without it', async () => {
    const result = await show('events', '--partition', '2026-01-01');
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toBe('error: events is not partitioned: --partition has nothing to choose.\nhint: Leave out --partition: `assets show events`.\n');
  });

  it('rejects an unknown format', async () => {
    const result = await show('events', '--format', 'xml');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Use one of table, csv, json.');
  });

  describe('on a stored CSV of 300,000 rows', () => {
    const ROWS = 300_000;
    beforeAll(async () => {
      // Replaced by hand after the materialization, and broken on its last line: a read of the whole file fails there.
      const lines = ['id,label,note,score'];
      for (let id = 1; id <= ROWS; id++) lines.push(`${id},label ${id},,${id / 4}`);
      lines.push('not a number,broken,,0');
      await writeFile(path.join(workspace.output, 'events.csv'), `${lines.join('\n')}\n`);
    });

    it('prints the first 5 rows without reading to the end', async () => {
      const result = await show('events', '--limit', '5', '--format', 'csv');
      expect(result.code).toBe(0);
      expect(result.stdout.trimEnd().split('\n')).toEqual(['id,label,note,score', '1,label 1,,0.25', '2,label 2,,0.5', '3,label 3,,0.75', '4,label 4,,1', '5,label 5,,1.25']);
      // The recorded count (4) is not this file's: no total is claimed.
      expect(result.stderr).toBe('Showing the first 5 rows of events; --limit N shows more.\n');
      const table = await show('events', '--limit', '5');
      expect(table.code).toBe(0);
      expect(table.stdout.trimEnd().split('\n')).toHaveLength(6);
    });

    it('reports the broken line when the limit reaches it', async () => {
      const result = await show('events', '--limit', String(ROWS + 1));
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`line ${ROWS + 2}: column "id" must be an integer, got "not a number"`);
    });
  });
});

/** The table on a terminal, in-process with a stdout that poses as one of a given width. */
describe('assets show on a terminal', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'strata-show-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  async function run(args: string[], columns: number) {
    const stdout = new CaptureStream(true, columns);
    const stderr = new CaptureStream(true, columns);
    const io: CliIO = { stdout, stderr, env: { STRATA_HOME: home, NO_COLOR: '1' }, cwd: home, now: () => new Date(), signal: new AbortController().signal };
    const code = await main([...args, '--definitions', WIDE], io);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('fits the width: values cut with an ellipsis, and the columns that do not fit named on stderr', async () => {
    expect((await run(['materialize'], 60)).code).toBe(0);
    const result = await run(['show', 'wide'], 60);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    expect(lines[0]).toMatch(/^id {2}first_\S*…/);
    expect(result.stdout).toContain('…');
    const shown = lines[0]!.split(/\s+/).length;
    expect(shown).toBeLessThan(7);
    expect(result.stderr).toContain(`${7 - shown} more column`);
    expect(result.stderr).toContain('sixth_long_column');
    expect(result.stderr).toContain('--columns');
  });

  it('shows every column of a selection that fits, in full', async () => {
    const result = await run(['show', 'wide', '--columns', 'id'], 60);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('id\n 1\n 2\n 3\n');
    expect(result.stderr).toBe('Showing all 3 rows of wide.\n');
  });
});
