import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { StrataError } from '../../core/errors.js';

/*
 * The rules that keep `assets ui` safe to leave running:
 *
 * - It binds 127.0.0.1 unless told otherwise, and while bound to loopback it
 *   answers only requests whose Host is a loopback name, so a web page that
 *   rebinds its own DNS name to 127.0.0.1 cannot read the API.
 * - Every POST (an action: materialize, cancel, start/stop) must carry the
 *   per-server CSRF token in `x-strata-token` (the page reads it from its
 *   `<meta name="strata-token">`) and come from the page's own origin
 *   (`Origin`, else `Sec-Fetch-Site`). Another site can make a browser send
 *   a POST, but cannot read the token nor forge those headers.
 * - Bound to any other address it refuses to start without an access token
 *   (`--token` or STRATA_UI_TOKEN), which then guards every route: the
 *   `x-strata-token` header, or the `strata_token` cookie that opening the
 *   printed URL (`/?token=...`) sets (HttpOnly, SameSite=Strict) before
 *   redirecting to the same path without it.
 */

/** Header that carries the CSRF token of POSTs, or the access token of scripts. */
const TOKEN_HEADER = 'x-strata-token';
/** Cookie that carries the access token after the printed URL was opened. */
const ACCESS_COOKIE = 'strata_token';

/** A fresh random token: 32 bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `host` names this machine's loopback interface only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/**
 * Throws unless the server may listen on `host`: any loopback address, or
 * another with an access token. Called before anything listens.
 */
export function checkExposure(host: string, accessToken: string | undefined): void {
  if (isLoopbackHost(host) || (accessToken !== undefined && accessToken !== '')) return;
  throw new StrataError('STRATA_UI_UNPROTECTED', `Refusing to serve the UI on ${host} without an access token: anyone who can reach that address could run and cancel materializations.`, {
    hint: 'Pass --token <secret> (or set STRATA_UI_TOKEN), then open the URL it prints; or leave --host at 127.0.0.1 and reach it through an SSH tunnel.',
  });
}

/** The checks as Hono middleware, for every route. `accessToken`: undefined on loopback without one. */
export function securityMiddleware(options: { readonly csrfToken: string; readonly accessToken: string | undefined; readonly loopbackOnly: boolean }): MiddlewareHandler {
  const { csrfToken, accessToken, loopbackOnly } = options;
  return async (c, next) => {
    const url = new URL(c.req.url);
    const host = c.req.header('host') ?? '';
    if (loopbackOnly && !isLoopbackHost(host.replace(/:\d+$/, ''))) return forbidden(c, `Host "${host}" is not this machine's loopback address.`, 'Open the URL `assets ui` printed.');
    if (accessToken !== undefined) {
      const given = url.searchParams.get('token');
      if (given !== null && c.req.method === 'GET' && sameSecret(given, accessToken)) {
        // The printed URL: keep the token in a cookie, and out of the address bar and history.
        setCookie(c, ACCESS_COOKIE, accessToken, { httpOnly: true, sameSite: 'Strict', path: '/' });
        url.searchParams.delete('token');
        return c.redirect(`${url.pathname}${url.search}`, 303);
      }
      const presented = getCookie(c, ACCESS_COOKIE) ?? (c.req.method === 'GET' ? c.req.header(TOKEN_HEADER) : undefined);
      const viaHeader = c.req.method !== 'GET' && c.req.header('authorization') === `Bearer ${accessToken}`;
      if (!viaHeader && (presented === undefined || !sameSecret(presented, accessToken))) {
        return forbidden(c, 'This UI needs its access token.', 'Open the URL `assets ui` printed (it carries ?token=...), or send the token in the x-strata-token header.');
      }
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      const fetchSite = c.req.header('sec-fetch-site');
      if (origin !== undefined ? origin !== `${url.protocol}//${host}` : fetchSite !== undefined && fetchSite !== 'same-origin') {
        return forbidden(c, `Actions are accepted from this UI's own pages only, not from ${origin ?? `a ${fetchSite} request`}.`, 'Use the page `assets ui` serves.');
      }
      const token = c.req.header(TOKEN_HEADER);
      if (token === undefined || !sameSecret(token, csrfToken)) {
        return forbidden(c, `An action needs this server's token in the ${TOKEN_HEADER} header.`, 'Reload the page: the token is in its <meta name="strata-token">, and changes each time `assets ui` starts.');
      }
    }
    await next();
  };
}

function forbidden(c: Parameters<MiddlewareHandler>[0], message: string, hint: string): Response {
  return c.json({ error: { message, hint, code: 'STRATA_UI_FORBIDDEN', caret: null } }, 403);
}

/** Compares in constant time, so the time taken does not tell how much of a guess was right. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
