import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaError, SourceError } from '../../src/core/errors.js';
import { JsonSource } from '../../src/resources/json-source.js';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

let server: LoopbackServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<LoopbackServer> {
  server = await startLoopbackServer(handler);
  return server;
}

function json(response: ServerResponse, body: unknown, status = 200): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

async function collect(rows: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the read to fail'),
    (error: unknown) => error,
  );
}

async function sourceFailure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await failure(promise);
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

const post = z.object({ id: z.number().int(), title: z.string() });

describe('JsonSource over HTTP', () => {
  it('streams the rows of GET {base}/{name}', async () => {
    const { url, requests } = await serve((request, response) =>
      request.url === '/users' ? json(response, [{ id: 1 }, { id: 2 }]) : json(response, { error: 'no' }, 404),
    );
    const source = new JsonSource({ url });
    expect(await collect(source.rows('users'))).toEqual([{ id: 1 }, { id: 2 }]);
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.headers.accept).toBe('application/json');
  });

  it('validates rows with a zod schema', async () => {
    const { url } = await serve((_request, response) => json(response, [{ id: 1, title: 'a', extra: true }]));
    const rows = await new JsonSource({ url }).readRows('posts', post);
    expect(rows).toEqual([{ id: 1, title: 'a' }]);
  });

  it('ignores trailing slashes of the base URL and keeps its query', async () => {
    const { url, requests } = await serve((_request, response) => json(response, []));
    const source = new JsonSource({ url: `${url}/api///?v=2` });
    expect(source.displayUrl).toBe(`${url}/api?v=2`);
    await collect(source.rows('users'));
    expect(requests[0]?.url).toBe('/api/users?v=2');
    expect(new JsonSource({ url: `${url}/` }).displayUrl).toBe(url);
  });

  it('reports HTTP 500 as retryable, with the URL and status', async () => {
    const { url } = await serve((_request, response) => json(response, { error: 'boom' }, 500));
    const error = await sourceFailure(new JsonSource({ url }).readRows('posts', post));
    expect(error.message).toBe(`GET ${url}/posts returned HTTP 500 Internal Server Error; retryable`);
    expect(error.retryable).toBe(true);
  });

  it('reports HTTP 503 with its status text as retryable', async () => {
    const { url } = await serve((_request, response) => json(response, {}, 503));
    const error = await sourceFailure(collect(new JsonSource({ url }).rows('posts')));
    expect(error.message).toBe(`GET ${url}/posts returned HTTP 503 Service Unavailable; retryable`);
  });

  it('reports HTTP 404 as not retryable, with a hint about the base URL', async () => {
    const { url } = await serve((_request, response) => json(response, { error: 'missing' }, 404));
    const error = await sourceFailure(new JsonSource({ url }).readRows('posts', post));
    expect(error.message).toBe(`GET ${url}/posts returned HTTP 404 Not Found; not retryable`);
    expect(error.retryable).toBe(false);
    expect(error.hint).toContain('{base}/posts');
  });

  it('reports HTTP 429 as retryable and reads Retry-After seconds into retryAfterMs', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': '2' });
      response.end();
    });
    const error = await sourceFailure(new JsonSource({ url }).readRows('posts', post));
    expect(error.retryable).toBe(true);
    expect((error as SourceError & { retryAfterMs?: number }).retryAfterMs).toBe(2000);
    expect(error.message).toBe(`GET ${url}/posts returned HTTP 429 Too Many Requests (retry after 2 s); retryable`);
  });

  it('reads a Retry-After HTTP date into retryAfterMs', async () => {
    const at = new Date(Date.now() + 3_600_000).toUTCString();
    const { url } = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': at });
      response.end();
    });
    const error = (await sourceFailure(new JsonSource({ url }).readRows('posts', post))) as SourceError & { retryAfterMs?: number };
    // An HTTP date has whole seconds, and the clock moved on while the request ran.
    expect(error.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('does not follow redirects but names the target in the hint', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(301, { location: 'https://elsewhere.example/api/posts?token=abc' });
      response.end();
    });
    const error = await sourceFailure(new JsonSource({ url }).readRows('posts', post));
    expect(error.message).toBe(`GET ${url}/posts returned HTTP 301 Moved Permanently; not retryable`);
    expect(error.hint).toContain('https://elsewhere.example/api/posts?token=***');
  });

  it('rejects a 200 HTML page and quotes its start', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html>\n<html><head><title>Please sign in</title></head><body>${'x'.repeat(500)}</body></html>`);
    });
    const error = await sourceFailure(new JsonSource({ url }).readRows('posts', post));
    expect(error.message).toMatch(
      new RegExp(`^${url.replace(/\./g, '\\.')}/posts: expected a JSON array, got an HTML page: "<!doctype html> <html><head><title>Please sign in`),
    );
    expect(error.retryable).toBe(false);
  });

  it('rejects a body that starts with "<" whatever its content type', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('<html><body>Maintenance</body></html>');
    });
    const error = await sourceFailure(new JsonSource({ url }).readRows('posts', post));
    expect(error.message).toBe(`${url}/posts: expected a JSON array, got an HTML page: "<html><body>Maintenance</body></html>"`);
  });

  it('rejects a JSON object and points at its array property', async () => {
    const { url } = await serve((_request, response) => json(response, { data: [{ id: 1, title: 'a' }], page: 1 }));
    const error = await sourceFailure(new JsonSource({ url }).readRows('posts', post));
    expect(error.message).toBe(`${url}/posts: expected a JSON array, got an object at line 1, column 1`);
    expect(error.hint).toContain('"data"');
  });

  it('times out a server that never answers, as retryable', async () => {
    const { url } = await serve(() => {
      // Never respond.
    });
    const error = await sourceFailure(new JsonSource({ url, timeoutMs: 200 }).readRows('posts', post));
    expect(error.message).toBe(`GET ${url}/posts timed out: no response within 200 ms; retryable`);
    expect(error.retryable).toBe(true);
  });

  it('times out a body that stalls, as retryable', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[{"id": 1, "title": "a"},');
    });
    const error = await sourceFailure(new JsonSource({ url, timeoutMs: 200 }).readRows('posts', post));
    expect(error.message).toBe(`GET ${url}/posts timed out: the response stalled for more than 200 ms; retryable`);
    expect(error.retryable).toBe(true);
  });

  it('reports a connection cut mid-body as retryable', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('[{"id": 1, "title": "a"},', () => response.destroy());
    });
    const error = await sourceFailure(new JsonSource({ url }).readRows('posts', post));
    expect(error.message).toMatch(new RegExp(`^GET ${url.replace(/\./g, '\\.')}/posts failed: .+; retryable$`));
    expect(error.retryable).toBe(true);
  });

  it('reports a refused connection as retryable', async () => {
    const { url } = await serve(() => {});
    await server?.close();
    server = undefined;
    const error = await sourceFailure(new JsonSource({ url }).readRows('posts', post));
    expect(error.message).toBe(`GET ${url}/posts failed: the connection was refused (ECONNREFUSED); retryable`);
    expect(error.retryable).toBe(true);
  });

  it('stops the request when the signal aborts mid-body', async () => {
    let closed!: Promise<void>;
    const { url } = await serve((_request, response) => {
      closed = new Promise((resolve) => response.on('close', resolve));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[{"id": 1, "title": "a"},');
    });
    const controller = new AbortController();
    const rows = new JsonSource({ url }).rows('posts', { signal: controller.signal });
    expect((await rows.next()).value).toEqual({ id: 1, title: 'a' });
    controller.abort();
    const error = await failure(rows.next());
    expect(error).toBe(controller.signal.reason);
    expect((error as Error).name).toBe('AbortError');
    // The server sees its response closed: the connection was torn down, not left streaming.
    await closed;
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { url, requests } = await serve((_request, response) => json(response, []));
    const controller = new AbortController();
    controller.abort();
    const error = await failure(new JsonSource({ url }).readRows('posts', post, { signal: controller.signal }));
    expect(error).toBe(controller.signal.reason);
    expect(requests).toHaveLength(0);
  });

  it('names the row, id, field and value of a row that breaks the schema', async () => {
    const { url } = await serve((_request, response) =>
      json(response, [
        { id: 1, title: 'a' },
        { id: 2, title: 'b' },
        { id: 3, title: 'c' },
        { id: '4x', title: 'd' },
      ]),
    );
    const error = await failure(new JsonSource({ url }).readRows('posts', post));
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).message).toBe(`posts row 3 (id "4x") in ${url}/posts: field "id" expected an integer, got "4x"`);
  });

  it('names nested field paths, missing fields, unions and long values in schema errors', async () => {
    const user = z.object({
      id: z.number().int(),
      email: z.string(),
      nickname: z.string().nullable(),
      address: z.object({ geo: z.object({ lat: z.number() }) }),
      zipcode: z.union([z.string(), z.number()]).optional(),
    });
    const rows = [
      { id: 7, email: 'a@b.c', nickname: null, address: { geo: { lat: 'north'.repeat(30) } } },
      { id: 8, nickname: 'x', address: { geo: { lat: 1 } } },
      { id: 9, email: 'c@d.e', nickname: 5, address: { geo: { lat: 1 } } },
      { id: 10, email: 'c@d.e', nickname: null, address: { geo: { lat: 1 } }, zipcode: false },
    ];
    const { url } = await serve((request, response) => json(response, [rows[Number(request.url?.slice('/r'.length))]]));
    const source = new JsonSource({ url });
    const messages = await Promise.all(
      ['r0', 'r1', 'r2', 'r3'].map(async (name) => {
        const error = await failure(source.readRows(name, user));
        expect(error).toBeInstanceOf(SchemaError);
        return (error as SchemaError).message;
      }),
    );
    expect(messages).toEqual([
      `r0 row 0 (id 7) in ${url}/r0: field "address.geo.lat" expected a number, got "${'north'.repeat(16).slice(0, 79)}...`,
      `r1 row 0 (id 8) in ${url}/r1: field "email" expected a string, got nothing (the field is missing)`,
      `r2 row 0 (id 9) in ${url}/r2: field "nickname" expected a string or null, got 5`,
      `r3 row 0 (id 10) in ${url}/r3: field "zipcode" expected a string or a number, got false`,
    ]);
  });

  it('redacts credentials and secret query values in messages, and sends the credentials as Basic auth', async () => {
    const { url, requests } = await serve((_request, response) => json(response, {}, 500));
    const host = url.slice('http://'.length);
    const source = new JsonSource({ url: `http://alice:s3cret@${host}/v1?api_key=k3y&page=2` });
    expect(source.displayUrl).toBe(`http://***:***@${host}/v1?api_key=***&page=2`);
    const error = await sourceFailure(source.readRows('posts', post));
    expect(error.message).toBe(`GET http://***:***@${host}/v1/posts?api_key=***&page=2 returned HTTP 500 Internal Server Error; retryable`);
    expect(error.message).not.toContain('s3cret');
    expect(error.message).not.toContain('k3y');
    expect(requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    expect(requests[0]?.url).toBe('/v1/posts?api_key=k3y&page=2');
  });

  it('sends the configured headers but never puts their values in messages', async () => {
    const { url, requests } = await serve((_request, response) => json(response, { error: 'forbidden' }, 403));
    const error = await sourceFailure(new JsonSource({ url, headers: { 'X-Api-Key': 'hunter2' } }).readRows('posts', post));
    expect(requests[0]?.headers['x-api-key']).toBe('hunter2');
    expect(error.message).toBe(`GET ${url}/posts returned HTTP 403 Forbidden; not retryable`);
    expect(`${error.message} ${error.hint}`).not.toContain('hunter2');
  });
});

describe('JsonSource options', () => {
  it('rejects an unsupported scheme, saying what is accepted', () => {
    const error = (() => {
      try {
        return new JsonSource({ url: 'ftp://bob:pw@files.example/data' });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe('The source URL "ftp://***:***@files.example/data" has the unsupported scheme "ftp:".');
    expect((error as SourceError).hint).toContain('http:// or https://');
    expect((error as SourceError).hint).toContain('file:');
  });

  it('rejects an invalid URL, an empty URL and a non-positive timeout', () => {
    expect(() => new JsonSource({ url: 'http://' })).toThrow('The source URL "http://" is not a valid URL.');
    expect(() => new JsonSource({ url: '  ' })).toThrow('The source URL is empty.');
    expect(() => new JsonSource({ url: 'http://localhost', timeoutMs: 0 })).toThrow(SourceError);
  });

  it('rejects a name that could leave the base location', async () => {
    const source = new JsonSource({ url: 'http://127.0.0.1:9' });
    await expect(collect(source.rows('../secrets'))).rejects.toThrow('Invalid source name "../secrets"');
  });
});
