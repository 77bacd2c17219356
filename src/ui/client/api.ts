/**
 * The page's only way to the server's JSON API. Every POST carries the
 * per-server token from the shell's `<meta name="strata-token">` in
 * `x-strata-token`: the server refuses an action without it (CSRF).
 */

/** An API answer that was not 2xx: the server's message, and its status for callers that branch on it. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The token the server put into the HTML shell; empty when the shell has none. */
export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="strata-token"]')?.content ?? '';
}

export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { method: 'GET', signal });
}

export function postJson<T>(path: string, body: unknown = {}, signal?: AbortSignal): Promise<T> {
  return request<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-strata-token': csrfToken() },
    body: JSON.stringify(body),
    signal,
  });
}

async function request<T>(path: string, init: RequestInit): Promise<T> {
  const response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers }, credentials: 'same-origin' });
  const text = await response.text();
  const body: unknown = text === '' ? undefined : safeParse(text);
  if (!response.ok) throw new ApiError(errorMessage(body) ?? `${response.status} ${response.statusText}`, response.status, body);
  return body as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A proxy's HTML error page, say: keep it as text so the message shows it.
    return text;
  }
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}
