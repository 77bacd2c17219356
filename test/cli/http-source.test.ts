import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../resources/loopback-server.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

interface MaterializeJson {
  status: string;
  assets: { key: string; action: string; error: { message: string } | null }[];
}

/**
 * The example's source over real HTTP: a loopback server plays the API, the
 * built CLI fetches from it. Each failure must leave the previous posts.csv
 * byte-identical.
 */
describe('the example over HTTP', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let server: LoopbackServer | undefined;
  let fixtureUsers: string;
  let fixturePosts: string;
  /** How the server answers GET /posts; /users always succeeds. */
  let answerPosts: (attempt: number, response: ServerResponse) => void;

  beforeEach(async () => {
    workspace = await makeWorkspace();
    fixtureUsers = await readFile(path.join(FIXTURES, 'edge-cases', 'users.json'), 'utf8');
    fixturePosts = await readFile(path.join(FIXTURES, 'edge-cases', 'posts.json'), 'utf8');
    answerPosts = (_attempt, response) => json(response, 200, fixturePosts);
    let postsAttempts = 0;
    server = await startLoopbackServer((request: IncomingMessage, response: ServerResponse) => {
      if (request.url === '/users') return json(response, 200, fixtureUsers);
      // Planning's HEAD probe is answered without validators, as a plain API would: these tests are about fetching.
      if (request.url === '/posts' && request.method === 'HEAD') return json(response, 200, '');
      if (request.url === '/posts') return answerPosts(++postsAttempts, response);
      json(response, 404, '{}');
    });
  });
  afterEach(async () => {
    await server?.close();
    await workspace.cleanup();
  });

  const materialize = async (...args: string[]) => {
    const result = await runCli(['materialize', '--json', ...args], { cwd: workspace.dir, env: { ...workspace.env, STRATA_SOURCE_URL: server!.url } });
    return { ...result, json: JSON.parse(result.stdout) as MaterializeJson };
  };
  // Fetches only: planning also observes /posts with a HEAD request.
  const postsRequests = () => server!.requests.filter((request) => request.url === '/posts' && request.method === 'GET').length;
  const postsCsv = () => readFile(path.join(workspace.output, 'posts.csv'));
  const postsError = (document: MaterializeJson) => document.assets.find((asset) => asset.key === 'posts')!.error!.message;

  /** Materializes once successfully, then breaks /posts and forces the sources again. */
  async function failAfterASuccess(answer: typeof answerPosts) {
    expect((await materialize()).code).toBe(0);
    const before = await postsCsv();
    answerPosts = answer;
    const requestsBefore = postsRequests();
    const result = await materialize('--refresh', 'group:sources');
    expect(result.code).toBe(1);
    expect(result.json.status).toBe('failed');
    expect(await postsCsv()).toEqual(before);
    return { result, requests: postsRequests() - requestsBefore };
  }

  it('retries a 500 and succeeds on the next 200', async () => {
    answerPosts = (attempt, response) => (attempt === 1 ? json(response, 500, '{"error":"boom"}') : json(response, 200, fixturePosts));
    const result = await materialize();
    expect(result.code).toBe(0);
    expect(postsRequests()).toBe(2);
    expect(result.json.assets.find((asset) => asset.key === 'posts')!.action).toBe('materialized');
    expect(result.stderr).toMatch(/returned HTTP 500 Internal Server Error; retryable; attempt 2\/4 in 10ms/);
  });

  it('retries the same way when the step runs in a worker thread', async () => {
    answerPosts = (attempt, response) => (attempt === 1 ? json(response, 503, '{}') : json(response, 200, fixturePosts));
    const result = await materialize('--executor', 'workers');
    expect(result.code).toBe(0);
    expect(postsRequests()).toBe(2);
    expect(result.stderr).toMatch(/returned HTTP 503 Service Unavailable; retryable; attempt 2\/4 in 10ms/);
  });

  it('fails at once on a 404, without retrying, and keeps the previous CSV', async () => {
    const { result, requests } = await failAfterASuccess((_attempt, response) => json(response, 404, '{}'));
    expect(requests).toBe(1);
    expect(postsError(result.json)).toMatch(new RegExp(`GET ${server!.url}/posts returned HTTP 404 Not Found; not retryable`));
  });

  it('rejects an HTML page served with status 200 and keeps the previous CSV', async () => {
    const { result } = await failAfterASuccess((_attempt, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><title>Maintenance</title>');
    });
    expect(postsError(result.json)).toMatch(/expected a JSON array, got an HTML page/);
  });

  it('rejects a JSON object where an array was expected and keeps the previous CSV', async () => {
    const { result } = await failAfterASuccess((_attempt, response) => json(response, 200, '{"posts": []}'));
    expect(postsError(result.json)).toMatch(/expected a JSON array, got an object/);
  });

  it('rejects a row whose id is not an integer, naming the asset, row, field and value, and keeps the previous CSV', async () => {
    const { result } = await failAfterASuccess((_attempt, response) =>
      json(response, 200, JSON.stringify([{ userId: 1, id: 1, title: 't', body: 'b' }, { userId: 1, id: 2.5, title: 't', body: 'b' }])),
    );
    expect(result.stderr).toMatch(/"asset":"posts"/);
    expect(postsError(result.json)).toMatch(/^posts row 1 \(id 2\.5\) in http:\/\/127\.0\.0\.1:\d+\/posts: field "id" expected an integer/);
    expect(postsError(result.json)).toMatch(/got 2\.5/);
  });
});

function json(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body);
}
