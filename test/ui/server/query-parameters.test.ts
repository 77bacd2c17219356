import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asset, defineDefinitions, job, MemoryIOManager, openInstance, schedule } from '../../../src/index.js';
import type { Instance } from '../../../src/instance/instance.js';
import type { ApiErrorResponse, RunsResponse } from '../../../src/ui/api-types.js';
import { startUiServer, type UiServer } from '../../../src/ui/server/start-ui-server.js';
import { makeWorkspace } from '../../cli/run-cli.js';

/** What each test opened, closed after it in reverse order. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server of two assets (one run of them recorded) and a schedule, over a SQLite instance in a temp folder. */
async function serveWithOneRun(): Promise<{ server: UiServer; instance: Instance; runId: string }> {
  const numbers = asset({ key: 'numbers', schema: z.object({ n: z.int() }), compute: () => [{ n: 1 }] });
  const total = asset({ key: 'total', deps: [numbers], schema: z.object({ n: z.int() }), compute: ({ inputs }) => [...inputs.numbers] });
  const refresh = job({ name: 'refresh', select: '*' });
  const nightly = schedule({ name: 'nightly', job: refresh, cron: '0 2 * * *' });
  const workspace = await makeWorkspace();
  cleanups.push(() => workspace.cleanup());
  const instance = await openInstance({ cwd: workspace.dir, env: workspace.env, definitions: defineDefinitions({ assets: [numbers, total], jobs: [refresh], schedules: [nightly], ioManagers: { default: new MemoryIOManager() } }) });
  cleanups.push(() => instance.close());
  const { rest } = await instance.materializeSelection({});
  const server = await startUiServer({ instance, port: 0 });
  cleanups.push(() => server.close());
  return { server, instance, runId: rest!.runId! };
}

/** A request as the page sends it: a POST with JSON, the CSRF token and the server's own origin. */
function send(server: UiServer, method: 'GET' | 'POST', path: string): Promise<Response> {
  const headers: Record<string, string> = method === 'GET' ? {} : { 'content-type': 'application/json', 'x-strata-token': server.csrfToken, origin: new URL(server.url).origin };
  return fetch(new URL(path, server.url), { method, headers, body: method === 'GET' ? undefined : '{}' });
}

async function expectBadRequest(response: Response): Promise<ApiErrorResponse['error']> {
  expect(response.status).toBe(400);
  const { error } = (await response.json()) as ApiErrorResponse;
  expect(error.code).toBe('STRATA_USAGE');
  return error;
}

describe('query parameters of the UI API', () => {
  it('answers an unknown parameter with 400 naming it, the route and the closest parameter, instead of listing every run', async () => {
    const { server } = await serveWithOneRun();
    const error = await expectBadRequest(await send(server, 'GET', '/api/runs?stauts=failed'));
    expect(error.message).toBe('Unknown query parameter "stauts" for GET /api/runs.');
    expect(error.hint).toBe('Did you mean "status"? GET /api/runs takes "status", "limit".');

    // The parameters it does take still filter: the one run succeeded.
    const failed = await send(server, 'GET', '/api/runs?status=failed&limit=5');
    expect(((await failed.json()) as RunsResponse).runs).toEqual([]);
  });

  it('answers a parameter given twice with 400, rather than using one of the values', async () => {
    const { server } = await serveWithOneRun();
    const error = await expectBadRequest(await send(server, 'GET', '/api/graph?select=numbers&select=total'));
    expect(error.message).toBe('Query parameter "select" was given 2 times to GET /api/graph; it takes one value.');
  });

  it('names the parameters a route takes when nothing is close, and says so of a route that takes none', async () => {
    const { server } = await serveWithOneRun();
    expect((await expectBadRequest(await send(server, 'GET', '/api/assets/numbers/preview?limit=5'))).hint).toBe('GET /api/assets/:key/preview takes "partition".');
    expect((await expectBadRequest(await send(server, 'GET', '/api/assets/numbers?partition=1'))).hint).toBe('GET /api/assets/:key takes no query parameters.');
  });

  it('refuses an unknown parameter on every route, before a POST acts', async () => {
    const { server, instance, runId } = await serveWithOneRun();
    const routes: readonly ['GET' | 'POST', string, string][] = [
      ['GET', '/api/graph', 'GET /api/graph'],
      ['GET', '/api/assets/numbers', 'GET /api/assets/:key'],
      ['GET', '/api/assets/numbers/partitions', 'GET /api/assets/:key/partitions'],
      ['GET', '/api/assets/numbers/preview', 'GET /api/assets/:key/preview'],
      ['GET', '/api/runs', 'GET /api/runs'],
      ['GET', `/api/runs/${runId}`, 'GET /api/runs/:id'],
      ['GET', '/api/automation', 'GET /api/automation'],
      ['GET', '/api/events', 'GET /api/events'],
      ['POST', '/api/plan', 'POST /api/plan'],
      ['POST', '/api/materialize', 'POST /api/materialize'],
      ['POST', `/api/runs/${runId}/cancel`, 'POST /api/runs/:id/cancel'],
      ['POST', '/api/schedules/nightly/start', 'POST /api/schedules/:name/start'],
      ['POST', '/api/schedules/nightly/stop', 'POST /api/schedules/:name/stop'],
      ['POST', '/api/sensors/none/start', 'POST /api/sensors/:name/start'],
      ['POST', '/api/sensors/none/stop', 'POST /api/sensors/:name/stop'],
    ];
    const scheduleStatus = async () => (await instance.schedules({ now: new Date(), nextTicks: 0 }))[0]!.status;
    const before = await scheduleStatus();
    for (const [method, path, route] of routes) {
      const error = await expectBadRequest(await send(server, method, `${path}?bogus=1`));
      expect(error.message).toBe(`Unknown query parameter "bogus" for ${route}.`);
    }
    // Neither a run nor a schedule's state came of the refused POSTs.
    expect((await instance.runs({ limit: 10 })).runs).toHaveLength(1);
    expect(await scheduleStatus()).toBe(before);
  });
});
