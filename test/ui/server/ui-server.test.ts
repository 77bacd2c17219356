import { readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, type Definitions, MemoryIOManager, openInstance, resource } from '../../../src/index.js';
import type { Instance } from '../../../src/instance/instance.js';
import type { ApiErrorResponse, AssetResponse, GraphResponse, MaterializeResponse, PlanResponse, PreviewResponse, RunDetailResponse, RunsResponse } from '../../../src/ui/api-types.js';
import { startUiServer, type UiServer } from '../../../src/ui/server/start-ui-server.js';
import path from 'node:path';
import { FIXTURES, makeWorkspace, runCli, startCli } from '../../cli/run-cli.js';
import { startUi } from '../start-ui.js';

/** The example's six tables. */
const EXAMPLE_KEYS = ['posts', 'posts_enriched', 'summary', 'top_authors', 'user_stats', 'users'];
/** The daily-partitioned assets, and user_trends, which reads their partitions. */
const DAILY_KEYS = ['posts_daily', 'user_stats_daily', 'user_trends'];
/** What a run without a partition (the page's Materialize) builds: the six tables, and user_trends over the daily partitions there are; the partitioned assets are left to runs of partitions. */
const UNPARTITIONED_KEYS = [...EXAMPLE_KEYS, 'user_trends'].sort();
// accounts keeps a duplicate id (its blocking check unique_id fails) and a null email (a warning); invoices depends on it.
const CHECKED = path.join(FIXTURES, 'ui-checked-definitions.mjs');
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(1)>';

/** What each test opened, closed after it in reverse order. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(instance: Instance, options: { host?: string; token?: string } = {}): Promise<UiServer> {
  const server = await startUiServer({ instance, port: 0, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** An instance of in-process definitions with its storage in a temp folder. */
async function instanceOf(definitions: Definitions, env: Record<string, string> = {}): Promise<Instance> {
  const workspace = await makeWorkspace();
  cleanups.push(() => workspace.cleanup());
  const instance = await openInstance({ cwd: workspace.dir, env: { ...workspace.env, ...env }, definitions });
  cleanups.push(() => instance.close());
  return instance;
}

/** A POST as the page sends it: JSON, the CSRF token, from the server's own origin. */
function post(server: UiServer, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(path, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-strata-token': server.csrfToken, origin: new URL(server.url).origin, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function getJson<T>(server: Pick<UiServer, 'url'>, path: string): Promise<T> {
  const response = await fetch(new URL(path, server.url));
  expect(response.status, `${path}: ${response.status}`).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as T;
}

/** Reads the event stream of the server at `url` until `done` says the text so far is enough. */
async function readEvents(url: string, done: (text: string) => boolean): Promise<{ ready: Promise<void>; text: Promise<string> }> {
  const response = await fetch(new URL('/api/events', url));
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const all = (async () => {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return text;
      text += decoder.decode(value, { stream: true });
      if (text.includes(': connected')) resolveReady();
      if (done(text)) {
        await reader.cancel();
        return text;
      }
    }
  })();
  return { ready, text: all };
}

/** The events of a stream's text, parsed. */
function parseEvents(text: string): { type: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [typeLine, dataLine] = block.split('\n');
      return { type: typeLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) as Record<string, unknown> };
    });
}

describe('assets ui server', () => {
  it('materializes the example from a POST (each daily partition, then the rest), streams the runs, and then shows its tables fresh, their runs and rows', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(() => workspace.cleanup());
    const instance = await openInstance({ cwd: workspace.dir, env: workspace.env });
    cleanups.push(() => instance.close());
    const server = await serve(instance);

    const before = await getJson<GraphResponse>(server, '/api/graph');
    expect(before.nodes.map((node) => node.key).sort()).toEqual([...EXAMPLE_KEYS, ...DAILY_KEYS].sort());
    expect(before.nodes.every((node) => node.status === 'missing')).toBe(true);
    expect(before.nodes.find((node) => node.key === 'users')!.why).toEqual(['users has never been materialized.']);
    expect(before.selected).toBeNull();

    // As `assets materialize`: a run for each of the 14 days of the daily assets, then one of the rest.
    const stream = await readEvents(server.url, (text) => (text.match(/event: run-ended/g) ?? []).length === 15);
    await stream.ready;
    const launched = await post(server, '/api/materialize', {});
    expect(launched.status).toBe(202);
    const { runId: firstRunId } = (await launched.json()) as MaterializeResponse;
    expect(firstRunId).toMatch(/\S/);
    const events = parseEvents(await stream.text);
    expect(events[0]).toMatchObject({ type: 'run-started', data: { run: { runId: firstRunId, status: 'started', trigger: 'ui' } } });
    const materialized = events.filter((event) => event.type === 'materialization').map((event) => event.data.assetKey as string);
    expect(materialized.filter((key) => key === 'posts_daily' || key === 'user_stats_daily')).toHaveLength(28);
    expect(materialized.slice(28).sort()).toEqual(UNPARTITIONED_KEYS);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: 'run-ended', data: { run: { status: 'success', assets: { materialized: UNPARTITIONED_KEYS.length } } } });
    const runId = (last.data as { run: { runId: string } }).run.runId;

    const graph = await getJson<GraphResponse>(server, '/api/graph?select=%2Btop_authors');
    expect(graph.nodes.map((node) => [node.key, node.status])).toEqual(expect.arrayContaining(EXAMPLE_KEYS.map((key) => [key, 'fresh'])));
    expect(graph.selected).toEqual(['posts', 'users', 'user_stats', 'top_authors']);
    expect(graph.edges).toContainEqual(expect.objectContaining({ from: 'user_stats', to: 'top_authors' }));
    expect(graph.groups.map((group) => group.name)).toEqual(['analytics', 'daily', 'sources', 'transforms']);
    for (const node of graph.nodes) expect(node.width * node.height).toBeGreaterThan(0);

    const topAuthors = await getJson<AssetResponse>(server, '/api/assets/top_authors');
    expect(topAuthors).toMatchObject({ key: 'top_authors', group: 'analytics', status: 'fresh', rows: 5, deps: { upstream: ['user_stats'], downstream: [] }, ioManager: { kind: 'csv' } });
    expect(topAuthors.columns[0]).toEqual({ name: 'rank', type: 'integer', nullable: false });
    expect(topAuthors.history).toEqual([expect.objectContaining({ runId, rows: 5, reasons: ['missing', 'upstream-planned'] })]);
    const preview = await getJson<PreviewResponse>(server, '/api/assets/top_authors/preview');
    expect(preview).toMatchObject({ key: 'top_authors', limit: 50, truncated: false });
    expect(preview.rows).toHaveLength(5);

    const runs = await getJson<RunsResponse>(server, '/api/runs?status=success');
    expect(runs.runs).toHaveLength(15);
    expect(runs.runs[0]!.runId).toBe(runId);
    const detail = await getJson<RunDetailResponse>(server, `/api/runs/${runId!.slice(0, 8)}`);
    expect(detail.run).toMatchObject({ runId, status: 'success' });
    expect(detail.steps.map((step) => step.outcome)).toEqual(Array(UNPARTITIONED_KEYS.length).fill('success'));
    expect(detail.events[0]).toMatchObject({ type: 'run-start', seq: expect.any(Number) });

    const plan = (await (await post(server, '/api/plan', { select: '+top_authors' })).json()) as PlanResponse;
    expect(plan).toMatchObject({ selected: ['posts', 'users', 'user_stats', 'top_authors'], plan: [], warnings: [], staleForUnselected: [], checksNotPassed: [] });
    const nothing = await post(server, '/api/materialize', { select: 'summary' });
    expect(await nothing.json()).toEqual({ runId: null });

    // A changed source leaves top_authors stale on the graph: a plan of it alone runs nothing, and says what holds it back.
    const usersFile = path.join(workspace.source, 'users.json');
    const users = JSON.parse(await readFile(usersFile, 'utf8')) as Record<string, unknown>[];
    users[0]!.name = 'A Changed Name';
    await writeFile(usersFile, JSON.stringify(users, null, 2));
    const alone = (await (await post(server, '/api/plan', { select: 'top_authors' })).json()) as PlanResponse;
    expect(alone).toMatchObject({ selected: ['top_authors'], plan: [], staleForUnselected: [{ key: 'top_authors', upstreams: ['user_stats'], upstreamPartitions: {} }] });
    // A plan with work says it too: users runs, and top_authors stays stale after it.
    const withWork = (await (await post(server, '/api/plan', { select: 'users,top_authors' })).json()) as PlanResponse;
    expect(withWork.plan.map((step) => step.key)).toEqual(['users']);
    expect(withWork.staleForUnselected).toEqual([{ key: 'top_authors', upstreams: ['user_stats'], upstreamPartitions: {} }]);
    const withUpstreams = (await (await post(server, '/api/plan', { select: '+top_authors' })).json()) as PlanResponse;
    expect(withUpstreams.plan.map((step) => step.key)).toEqual(['users', 'user_stats', 'top_authors']);
    expect(withUpstreams.staleForUnselected).toEqual([]);
  });

  it('streams the runs and steps of another process, read from the instance', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(() => workspace.cleanup());
    const instance = await openInstance({ cwd: workspace.dir, env: workspace.env });
    cleanups.push(() => instance.close());
    const server = await serve(instance);
    const stream = await readEvents(server.url, (text) => text.includes('event: run-ended'));
    await stream.ready;
    const cli = await runCli(['materialize', '--select', '+user_stats', '--json'], { cwd: workspace.dir, env: workspace.env });
    expect(cli.code, cli.stderr).toBe(0);
    const { runId } = JSON.parse(cli.stdout) as { runId: string };
    const events = parseEvents(await stream.text);
    expect(events[0]).toMatchObject({ type: 'run-started', data: { run: { runId, trigger: 'cli' } } });
    expect(events.filter((event) => event.type === 'materialization').map((event) => event.data.assetKey).sort()).toEqual(['posts', 'user_stats', 'users']);
    expect(events.at(-1)).toMatchObject({ type: 'run-ended', data: { run: { runId, status: 'success' } } });
  });

  it('answers a selection error with 400 and the CLI caret', async () => {
    const instance = await instanceOf(numbersAndTotal());
    const server = await serve(instance);
    const response = await fetch(new URL('/api/graph?select=numbers%20and', server.url));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as ApiErrorResponse;
    expect(error.code).toBe('STRATA_SELECTION_SYNTAX');
    expect(error.message).toMatch(/^Invalid selection: /);
    expect(error.caret).toBe('  numbers and\n             ^');
    expect(error.hint).toMatch(/\S/);
    const unknown = await fetch(new URL('/api/assets/totl', server.url));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ApiErrorResponse).error.hint).toMatch(/total/);
  });

  it('warns of a part of the graph\'s selection that selects nothing, as the CLI does, and highlights what the rest selects', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(() => workspace.cleanup());
    const ui = await startUi({ cwd: workspace.dir, env: workspace.env });
    cleanups.push(ui.stop);
    const graph = await getJson<GraphResponse>(ui, `/api/graph?${new URLSearchParams({ select: 'users, tag:nosuch' })}`);
    expect(graph.selected).toEqual(['users']);
    const cli = await runCli(['status', '--select', 'users, tag:nosuch'], { cwd: workspace.dir, env: workspace.env });
    expect(graph.warnings).toEqual([/^warning: (.+)$/m.exec(cli.stderr)![1]]);
    expect((await getJson<GraphResponse>(ui, '/api/graph')).warnings).toEqual([]);
  });

  it('refuses actions without the token or from another origin, and pages asked for by another host name', async () => {
    const instance = await instanceOf(numbersAndTotal());
    const server = await serve(instance);
    const noToken = await fetch(new URL('/api/plan', server.url), { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(403);
    const wrongToken = await post(server, '/api/plan', {}, { 'x-strata-token': 'guess' });
    expect(wrongToken.status).toBe(403);
    const foreign = await post(server, '/api/materialize', {}, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as ApiErrorResponse).error.message).toMatch(/evil\.example/);
    const crossSite = await fetch(new URL('/api/plan', server.url), { method: 'POST', headers: { 'x-strata-token': server.csrfToken, 'sec-fetch-site': 'cross-site' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    expect((await post(server, '/api/plan', {})).status).toBe(200);
    // A rebound DNS name pointing at 127.0.0.1 arrives with its own Host.
    const rebound = await new Promise<number>((resolve, reject) => {
      const url = new URL('/api/graph', server.url);
      httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: 'attacker.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      })
        .on('error', reject)
        .end();
    });
    expect(rebound).toBe(403);
    expect((await (await runsOf(instance)).runs).length).toBe(0);
  });

  it('refuses to listen beyond loopback without an access token, and with one guards every route', async () => {
    const instance = await instanceOf(numbersAndTotal());
    await expect(startUiServer({ instance, host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ code: 'STRATA_UI_UNPROTECTED' });
    const server = await serve(instance, { host: '0.0.0.0', token: 'open-sesame' });
    const url = server.url.replace('0.0.0.0', '127.0.0.1');
    expect(server.openUrl).toBe(`${server.url}?token=open-sesame`);
    expect((await fetch(new URL('/api/graph', url))).status).toBe(403);
    expect((await fetch(new URL('/', url))).status).toBe(403);
    expect((await fetch(new URL('/api/graph', url), { headers: { 'x-strata-token': 'open-sesame' } })).status).toBe(200);
    const opened = await fetch(new URL('/?token=open-sesame', url), { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/');
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await fetch(new URL('/api/graph', url), { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  });

  it('prints the real URL for port 0 and stops cleanly on Ctrl-C', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(() => workspace.cleanup());
    const cli = startCli(['ui', '--port', '0'], { cwd: workspace.dir, env: workspace.env });
    await cli.waitForStderr('Press Ctrl-C to stop.');
    cli.child.kill('SIGINT');
    const run = await cli.done;
    const url = /^Strata UI on (http:\/\/127\.0\.0\.1:(\d+)\/)\n$/.exec(run.stdout);
    expect(url, run.stdout).not.toBeNull();
    expect(Number(url![2])).toBeGreaterThan(0);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Stopping the UI server \(SIGINT\)/);
  });

  it('refuses a non-loopback host without a token from the command line too', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(() => workspace.cleanup());
    const run = await runCli(['ui', '--host', '0.0.0.0', '--port', '0'], { cwd: workspace.dir, env: workspace.env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: Refusing to serve the UI on 0\.0\.0\.0 without an access token/);
    expect(run.stderr).toMatch(/hint: Pass --token/);
  });

  it('returns text from definitions and errors as JSON data, never in the HTML page, and marks the failed asset', async () => {
    const numbers = asset({ key: 'numbers', schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] });
    const hostile = asset({
      key: 'hostile',
      deps: [numbers],
      description: `Looks harmless ${HOSTILE}`,
      schema: z.object({ n: z.int() }),
      compute: () => {
        throw new Error(`the warehouse said ${HOSTILE}`);
      },
    });
    const instance = await instanceOf(defineDefinitions({ assets: [numbers, hostile], ioManagers: { default: new MemoryIOManager() } }));
    const server = await serve(instance);
    const { runId } = (await (await post(server, '/api/materialize', {})).json()) as MaterializeResponse;
    await waitFor(async () => (await instance.findRun(runId!)).status !== 'started');

    const detail = await getJson<RunDetailResponse>(server, `/api/runs/${runId}`);
    expect(detail.run.status).toBe('failed');
    const failed = detail.steps.find((step) => step.assetKey === 'hostile')!;
    expect(failed.outcome).toBe('failure');
    expect(failed.error!.message).toContain(HOSTILE);
    const raw = await (await fetch(new URL('/api/assets/hostile', server.url))).text();
    expect(raw).not.toMatch(/[<>]/);
    expect(raw).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    const page = await getJson<AssetResponse>(server, '/api/assets/hostile');
    expect(page.description).toBe(`Looks harmless ${HOSTILE}`);
    expect(page.status).toBe('failed');
    expect(page.why.at(-1)).toContain(`the warehouse said ${HOSTILE}`);
    const graph = await getJson<GraphResponse>(server, '/api/graph');
    expect(graph.nodes.find((node) => node.key === 'hostile')!.status).toBe('failed');

    for (const path of ['/', '/assets/hostile', `/runs/${runId}`, `/assets/${encodeURIComponent(HOSTILE)}`]) {
      const response = await fetch(new URL(path, server.url));
      const html = await response.text();
      expect(html).toContain('<meta name="strata-token"');
      expect(html).not.toContain('alert(1)');
      expect(html).not.toContain('onerror');
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    }
  });

  it('shows no resource setting, nor the instance key, in any response', async () => {
    const SECRET = 'sk-live-9f8e7d6c5b4a';
    const build = () => {
      const warehouse = resource({ key: 'warehouse', config: z.object({ password: z.string() }), env: { password: 'WAREHOUSE_PASSWORD' }, create: ({ config }) => config });
      const numbers = asset({ key: 'numbers', resources: { warehouse }, schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] });
      return defineDefinitions({ assets: [numbers], ioManagers: { default: new MemoryIOManager() } });
    };
    const first = await instanceOf(build(), { WAREHOUSE_PASSWORD: `${SECRET}-old` });
    await first.materialize({});
    // The same instance with the setting changed: the asset is stale for config-changed, naming the setting only.
    const storage = await first.storage();
    const instance = await openInstance({ cwd: first.project.root, env: { STRATA_HOME: '/unused', WAREHOUSE_PASSWORD: SECRET }, definitions: build(), storage });
    const server = await serve(instance);
    const bodies = [
      await (await fetch(new URL('/api/graph', server.url))).text(),
      await (await fetch(new URL('/api/assets/numbers', server.url))).text(),
      await (await fetch(new URL('/api/assets/numbers/preview', server.url))).text(),
      await (await fetch(new URL('/api/runs', server.url))).text(),
      await (await fetch(new URL('/api/runs/latest', server.url))).text(),
      await (await fetch(new URL('/api/automation', server.url))).text(),
      await (await post(server, '/api/plan', {})).text(),
      await (await fetch(new URL('/', server.url))).text(),
    ];
    expect(bodies[1]).toMatch(/warehouse\.password \(WAREHOUSE_PASSWORD\) changed/);
    const instanceKey = await storage.instanceKey();
    for (const body of bodies) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(instanceKey);
    }
  });

  it('cancels a run launched from the page, which ends canceled', async () => {
    const slow = asset({
      key: 'slow',
      schema: z.object({ n: z.int() }),
      compute: ({ signal }) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve([{ n: 1 }]), 30_000);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        }),
    });
    const instance = await instanceOf(defineDefinitions({ assets: [slow], ioManagers: { default: new MemoryIOManager() } }));
    const server = await serve(instance);
    const { runId } = (await (await post(server, '/api/materialize', {})).json()) as MaterializeResponse;
    await waitFor(async () => (await getJson<GraphResponse>(server, '/api/graph')).nodes[0]!.status === 'running');
    const canceled = await post(server, `/api/runs/${runId}/cancel`);
    expect(await canceled.json()).toEqual({ runId, outcome: 'requested' });
    await waitFor(async () => (await instance.findRun(runId!)).status !== 'started');
    expect((await instance.findRun(runId!)).status).toBe('canceled');
    expect(await (await post(server, `/api/runs/${runId}/cancel`)).json()).toEqual({ runId, outcome: 'already-ended' });
    // A canceled step is no failure of the asset: it keeps what it had (here nothing), and its status says so.
    const [node] = (await getJson<GraphResponse>(server, '/api/graph')).nodes;
    expect(node).toMatchObject({ status: 'missing' });
    expect(node!.why.join('\n')).not.toContain('failed');

    // Stopping the server cancels what the page launched and waits for it, before its owner closes the instance.
    const second = (await (await post(server, '/api/materialize', {})).json()) as MaterializeResponse;
    await server.close();
    expect((await instance.findRun(second.runId!)).status).toBe('canceled');
  });

  it('shows an asset whose blocking check failed as failed-check, with its checks and failing rows, and its downstream as blocked', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(() => workspace.cleanup());
    const run = await runCli(['materialize', '--definitions', CHECKED, '--json'], { cwd: workspace.dir, env: workspace.env });
    expect(run.code, run.stderr).toBe(1);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const ui = await startUi({ cwd: workspace.dir, env: workspace.env, args: ['--definitions', CHECKED] });
    cleanups.push(ui.stop);

    const accounts = await getJson<AssetResponse>(ui, '/api/assets/accounts');
    expect(accounts.status).toBe('failed-check');
    expect(accounts.blockedBy).toEqual([]);
    expect(accounts.checks.map((check) => [check.check, check.status, check.failing, check.severity, check.blocking, check.current])).toEqual([
      ['accounts.not_null_email', 'warned', 1, 'warn', false, true],
      ['accounts.row_count', 'passed', 0, 'error', true, true],
      ['accounts.unique_id', 'failed', 1, 'error', true, true],
    ]);
    const unique = accounts.checks.find((check) => check.name === 'unique_id')!;
    expect(unique).toMatchObject({ assetKey: 'accounts', description: 'One row per account id.', runId, checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(unique.sample).toEqual([{ id: 2, name: expect.stringContaining('<script>'), email: 'mallory@example.com' }]);
    expect(accounts.checks.find((check) => check.name === 'row_count')!.metadata).toMatchObject({ rows: 3 });
    expect(accounts.why).toContainEqual(expect.stringMatching(/^Check accounts\.unique_id failed on accounts's stored output/));
    // Rows are user data: the JSON escapes their markup as everything else.
    expect(await (await fetch(new URL('/api/assets/accounts', ui.url))).text()).not.toMatch(/[<>]/);

    const invoices = await getJson<AssetResponse>(ui, '/api/assets/invoices');
    expect(invoices).toMatchObject({ status: 'missing', blockedBy: ['accounts.unique_id'], checks: [] });
    expect(invoices.why).toContainEqual(expect.stringMatching(/^Blocked: upstream check accounts\.unique_id failed, so runs skip invoices/));
    const graph = await getJson<GraphResponse>(ui, '/api/graph');
    expect(graph.nodes.map((node) => [node.key, node.status, node.blockedBy])).toEqual(
      expect.arrayContaining([
        ['accounts', 'failed-check', []],
        ['invoices', 'missing', ['accounts.unique_id']],
      ]),
    );
    // The Materialize panel's plan says the run would skip invoices, as `materialize --dry-run --json` does.
    const planned = await ui.post('/api/plan');
    const plan = (await planned.json()) as PlanResponse;
    expect(plan.plan.map(({ key, skipped, blockedBy }) => ({ key, skipped, blockedBy }))).toEqual([{ key: 'invoices', skipped: true, blockedBy: ['accounts.unique_id'] }]);
    const dryRun = await runCli(['materialize', '--dry-run', '--json', '--definitions', CHECKED], { cwd: workspace.dir, env: workspace.env });
    expect(plan.plan.map(({ reasons, ...step }) => ({ ...step, reasons: reasons.map((reason) => reason.kind) }))).toEqual((JSON.parse(dryRun.stdout) as { plan: unknown[] }).plan);
  });

  it('plans a check whose code changed as work of its own, as materialize --dry-run does, and launches the run that checks it again', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(() => workspace.cleanup());
    expect((await runCli(['materialize', '--definitions', CHECKED], { cwd: workspace.dir, env: workspace.env })).code).toBe(1);
    // row_count's code changes: accounts stays as it is, and only that check runs again.
    const env = { ...workspace.env, UI_CHECKED_MIN_ROWS: '2' };
    const ui = await startUi({ cwd: workspace.dir, env, args: ['--definitions', CHECKED] });
    cleanups.push(ui.stop);
    const postAs = (route: string) => ui.post(route, { select: 'accounts' });

    const plan = (await (await postAs('/api/plan')).json()) as PlanResponse;
    const dryRun = await runCli(['materialize', '--dry-run', '--json', '--select', 'accounts', '--definitions', CHECKED], { cwd: workspace.dir, env });
    expect(plan).toMatchObject({ plan: [], partitions: [], checks: [{ check: 'accounts.row_count', assetKey: 'accounts', name: 'row_count' }] });
    expect(plan.checks).toEqual((JSON.parse(dryRun.stdout) as { checks: unknown[] }).checks);
    // Not "nothing to do": the checks that have not passed are the news of an empty plan only.
    expect(plan.checksNotPassed).toEqual([]);

    const stream = await readEvents(ui.url, (text) => text.includes('event: run-ended'));
    await stream.ready;
    const launched = await postAs('/api/materialize');
    expect(launched.status).toBe(202);
    const { runId } = (await launched.json()) as MaterializeResponse;
    await stream.text;
    const checks = await runCli(['checks', 'accounts', '--json', '--definitions', CHECKED], { cwd: workspace.dir, env });
    const rowCount = (JSON.parse(checks.stdout) as { checks: { name: string; runId: string }[] }).checks.find((check) => check.name === 'row_count');
    expect(rowCount?.runId).toBe(runId);
  });

  it('streams each check result of a run in another process', async () => {
    const workspace = await makeWorkspace();
    cleanups.push(() => workspace.cleanup());
    const ui = await startUi({ cwd: workspace.dir, env: workspace.env, args: ['--definitions', CHECKED] });
    cleanups.push(ui.stop);
    const stream = await readEvents(ui.url, (text) => text.includes('event: run-ended'));
    await stream.ready;
    const run = await runCli(['materialize', '--select', 'accounts', '--definitions', CHECKED, '--json'], { cwd: workspace.dir, env: workspace.env });
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const checks = parseEvents(await stream.text).filter((event) => event.type === 'check-evaluated');
    expect(checks.map((event) => event.data).sort((a, b) => String(a.check).localeCompare(String(b.check)))).toEqual([
      { type: 'check-evaluated', runId, assetKey: 'accounts', check: 'accounts.not_null_email', status: 'warned', failing: 1, time: expect.any(String) },
      { type: 'check-evaluated', runId, assetKey: 'accounts', check: 'accounts.row_count', status: 'passed', failing: 0, time: expect.any(String) },
      { type: 'check-evaluated', runId, assetKey: 'accounts', check: 'accounts.unique_id', status: 'failed', failing: 1, time: expect.any(String) },
    ]);
  });

  it('lays out and answers a graph of 2,000 assets', async () => {
    const schema = z.object({ n: z.int() });
    const assets: ReturnType<typeof asset>[] = [];
    for (let index = 0; index < 2000; index++) {
      const layer = Math.floor(index / 80);
      const deps = layer === 0 ? [] : [assets[(layer - 1) * 80 + (index % 80)]!, assets[(layer - 1) * 80 + ((index * 7) % 80)]!];
      assets.push(asset({ key: `a${String(index).padStart(4, '0')}`, group: `team_${index % 12}`, deps: [...new Set(deps)], schema, compute: () => [{ n: index }] }));
    }
    const instance = await instanceOf(defineDefinitions({ assets, ioManagers: { default: new MemoryIOManager() } }));
    const server = await serve(instance);
    const graph = await getJson<GraphResponse>(server, '/api/graph');
    expect(graph.nodes).toHaveLength(2000);
    expect(graph.groups).toHaveLength(12);
    expect(new Set(graph.nodes.map((node) => `${node.x},${node.y}`)).size).toBe(2000);
  }, 60_000);
});

function numbersAndTotal(): Definitions {
  const numbers = asset({ key: 'numbers', schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] });
  const total = asset({ key: 'total', deps: [numbers], schema: z.object({ n: z.int() }), compute: ({ inputs }) => [...inputs.numbers] });
  return defineDefinitions({ assets: [numbers, total], ioManagers: { default: new MemoryIOManager() } });
}

function runsOf(instance: Instance) {
  return instance.runs({ limit: 10 });
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out waiting');
}
