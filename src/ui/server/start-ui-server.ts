import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { Instance } from '../../instance/instance.js';
import { apiError } from './api-error.js';
import { assetApi } from './asset-api.js';
import { automationApi } from './automation-api.js';
import { EventHub } from './event-hub.js';
import { CLIENT_DIR, clientBundleExists, renderMissingBundle, renderShell } from './html-shell.js';
import { queryParameters } from './query-parameters.js';
import { runApi } from './run-api.js';
import { escapeJsonText } from './safe-json.js';
import { checkExposure, isLoopbackHost, newToken, securityMiddleware } from './security.js';
import type { UiContext } from './ui-context.js';

/** What `startUiServer` takes. */
export interface UiServerOptions {
  readonly instance: Instance;
  /** Default 127.0.0.1. Any non-loopback address needs `token`. */
  readonly host?: string | undefined;
  /** Default 3000; 0 picks a free port (see `url`). */
  readonly port?: number | undefined;
  /** The access token that guards every route (see security.ts); required off loopback. */
  readonly token?: string | undefined;
  /** Default: the system clock. */
  readonly now?: (() => Date) | undefined;
  /** Errors no request waits for (a run launched from the page that fails to record, a failed poll). Default: ignored. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** A running UI server. */
export interface UiServer {
  /** `http://127.0.0.1:3000/`, with the real port when 0 was asked. */
  readonly url: string;
  /** The URL to open in a browser: `url`, plus `?token=...` when an access token guards the server. */
  readonly openUrl: string;
  /** The per-server CSRF token POSTs must carry (the page has it in its `<meta name="strata-token">`). */
  readonly csrfToken: string;
  /**
   * Cancels the runs launched from the page and waits for them to end, ends
   * the event streams, stops listening and closes open connections; the
   * instance stays open for its owner.
   */
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json' };

/**
 * Serves the web UI of `instance`: the page, its bundle, the JSON API under
 * /api/ and the event stream. Loads the definitions first, so a broken
 * project fails here rather than on the first page.
 *
 * @example
 * const server = await startUiServer({ instance, port: 0 });
 * console.log(server.url);
 * await server.close();
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const accessToken = options.token === '' ? undefined : options.token;
  checkExposure(host, accessToken);
  const { instance } = options;
  await instance.definitions();
  const onError = options.onError ?? (() => {});
  const csrfToken = newToken();
  const hub = new EventHub(instance, onError);
  const context: UiContext = { instance, hub, now: options.now ?? (() => new Date()), onError, launched: new Set() };

  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    // Only our own files run on the page, and no other site may frame it.
    c.header('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    if (c.res.headers.get('content-type')?.startsWith('application/json') === true) {
      c.res = new Response(escapeJsonText(await c.res.text()), c.res);
    }
  });
  app.use('*', securityMiddleware({ csrfToken, accessToken, loopbackOnly: isLoopbackHost(host) }));
  app.get('/api/events', queryParameters(), () => new Response(hub.connect(), { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' } }));
  app.route('/api', assetApi(context));
  app.route('/api', runApi(context));
  app.route('/api', automationApi(context));
  app.all('/api/*', (c) => c.json({ error: { message: `No API route ${c.req.method} ${new URL(c.req.url).pathname}.`, hint: 'The routes are listed in src/ui/api-types.ts and the README ("The UI\'s API and security").', code: null, caret: null } }, 404));
  app.get('/static/:file', async (c) => {
    const file = c.req.param('file');
    const type = CONTENT_TYPES[file.slice(file.lastIndexOf('.'))];
    // A plain file name only: nothing outside the bundle's folder is served.
    if (!/^[\w.-]+$/.test(file) || file.startsWith('.') || type === undefined) return c.text('Not found', 404);
    const content = await readFile(`${CLIENT_DIR}${file}`).catch(() => undefined);
    if (content === undefined) return c.text('Not found', 404);
    return c.body(content, 200, { 'content-type': type, 'cache-control': 'no-cache' });
  });
  app.get('*', (c) => (clientBundleExists() ? c.html(renderShell(csrfToken)) : c.html(renderMissingBundle(), 500)));
  app.onError((error, c) => {
    const { status, body } = apiError(error);
    if (status === 500) onError(error);
    return c.json(body, status);
  });

  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  return {
    url,
    openUrl: accessToken === undefined ? url : `${url}?token=${encodeURIComponent(accessToken)}`,
    csrfToken,
    async close() {
      // A run left going would write to an instance its owner is about to close.
      await Promise.all(hub.runsHere().map((runId) => instance.cancel(runId).catch(onError)));
      await Promise.all(context.launched);
      await hub.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections of browsers would hold `close` open until they time out.
      server.closeAllConnections();
      await closed;
    },
  };
}
