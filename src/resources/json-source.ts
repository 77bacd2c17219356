import { createHash } from 'node:crypto';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Observation } from '../core/asset.js';
import { describeValue, rowLabel } from '../core/describe-value.js';
import { SchemaError, SourceError } from '../core/errors.js';
import { projectRoot } from '../core/project-root.js';
import { suggestClosest } from '../core/suggest.js';
import { threadBudget } from '../parallel/thread-budget.js';
import { readFileChunks } from './file-chunks.js';
import { parseJsonArrayBatches } from './json-array-stream.js';
import { parseJsonFileInWorker } from './json-file-worker.js';
import { redactUrl } from './redact-url.js';

export interface JsonSourceOptions {
  /**
   * An `http://` or `https://` base URL (rows of `name` are at `{url}/{name}`), or a
   * `file:` URL or local folder path (relative to the project root, `projectRoot()`) holding `{name}.json`.
   */
  readonly url: string;
  /** How long to wait for the response headers, and at most between two body chunks. Default 30 s. */
  readonly timeoutMs?: number;
  /** Extra HTTP request headers (an API key, say). Their values never appear in errors. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Where the project sets `url`, such as the environment variable a
   * resource reads it from (`'SOURCE_URL'`): hints that ask to change the URL
   * name it, e.g. "set the source URL (SOURCE_URL) to the final address".
   */
  readonly urlSetting?: string;
}

export interface JsonSourceReadOptions {
  /** Aborting it stops the request or file read; the read then rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const FILE_CHUNK_BYTES = 1 << 20;
/**
 * Files from this size on are parsed in a worker thread when the work may use
 * more than one (`threadBudget()`): starting a worker costs ~30 ms, which
 * only pays off on files that take far longer than that to parse.
 */
const WORKER_PARSE_BYTES = 16 << 20;
const HTML_EXCERPT_LENGTH = 60;
const ERROR_BODY_LIMIT = 64 * 1024;
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

type Location = { readonly kind: 'http'; readonly base: URL } | { readonly kind: 'folder'; readonly folder: string };

interface Opened {
  readonly where: string;
  /** The raw bytes. A chunk may be overwritten once the next is asked for (a file's chunks reuse two buffers). */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** The elements of the array, a batch per chunk read; read either these or `chunks`, not both. */
  parse(): AsyncIterable<unknown[]>;
}

/**
 * Reads named JSON arrays of rows from a base location: `GET {base}/{name}` over
 * HTTP (undici), or `{folder}/{name}.json` from disk. Rows are streamed, so a
 * source may be larger than fits in one string. Failures are `SourceError`s whose
 * `retryable` says whether trying again may help; rows that break their schema are
 * `SchemaError`s naming the row, field and value.
 *
 * @example
 * const source = new JsonSource({ url: 'https://api.example.com' });
 * const customers = await source.readRows('customers', z.object({ id: z.number().int(), name: z.string() }));
 */
export class JsonSource {
  private readonly location: Location;
  private readonly timeoutMs: number;
  private readonly headers: Readonly<Record<string, string>>;
  /** The URL as hints name it: "the source URL", with where it is set when the project said. */
  private readonly urlName: string;

  constructor(options: JsonSourceOptions) {
    this.urlName = options.urlSetting === undefined ? 'the source URL' : `the source URL (${options.urlSetting})`;
    this.location = parseLocation(options.url, this.urlName);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new SourceError(`Invalid source timeout ${String(timeoutMs)} ms: it must be a positive number of milliseconds.`, {
        hint: 'Give JsonSource a timeoutMs above 0 (the default is 30000), or leave it out.',
      });
    }
    this.timeoutMs = timeoutMs;
    // Lower-cased so that a caller's `Accept` replaces the default `accept` instead of doubling it.
    this.headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([header, value]) => [header.toLowerCase(), value]));
  }

  /** The base location, safe to print: credentials and secret query values are masked. */
  get displayUrl(): string {
    return this.location.kind === 'folder' ? this.location.folder : redactUrl(baseHref(this.location.base));
  }

  /**
   * What the array `name` is now, without downloading it where possible, for
   * an asset's `observe`:
   * - a folder: the content hash of `{name}.json`, read as a stream (renaming,
   *   touching or copying a snapshot does not count as a change);
   * - HTTP: one `HEAD {base}/{name}` (a `GET` whose body is not wanted, when the
   *   server refuses HEAD, dropped after its first 64 KiB), whose `ETag`,
   *   else `Last-Modified`, is the version.
   *   A server that sends neither gives no version: the observation says the
   *   source cannot be checked without fetching it.
   */
  async observe(name: string, options: JsonSourceReadOptions = {}): Promise<Observation> {
    if (this.location.kind === 'folder') {
      const opened = await this.open(name, options.signal);
      const hash = createHash('sha256');
      for await (const chunk of opened.chunks) hash.update(chunk);
      return { version: hash.digest('hex').slice(0, 32), location: opened.where, note: 'content hash of the file' };
    }
    const { where, headers, method } = await this.probeHttp(this.location.base, name, options.signal);
    const etag = headerValue(headers['etag']);
    if (etag !== undefined) return { version: `etag:${etag}`, location: where, note: `checked with its ETag (one ${method} request)` };
    const modified = headerValue(headers['last-modified']);
    if (modified !== undefined) return { version: `last-modified:${modified}`, location: where, note: `checked with its Last-Modified date (one ${method} request)` };
    return { version: undefined, location: where, note: 'the server sends no ETag or Last-Modified for it' };
  }

  /** The elements of the JSON array `name`, one by one, as they arrive. */
  async *rows(name: string, options: JsonSourceReadOptions = {}): AsyncGenerator<unknown> {
    const { signal } = options;
    const opened = await this.open(name, signal);
    for await (const batch of opened.parse()) {
      for (const element of batch) {
        // A chunk holds many rows: stop between them, not only when the next chunk is read.
        signal?.throwIfAborted();
        yield element;
      }
    }
  }

  /**
   * Every element of the JSON array `name`, validated with `schema`. The first row
   * that breaks it fails the read with a `SchemaError` naming the row, field and value.
   */
  async readRows<S extends z.ZodType>(name: string, schema: S, options: JsonSourceReadOptions = {}): Promise<z.output<S>[]> {
    const rows: z.output<S>[] = [];
    for await (const batch of this.readBatches(name, schema, options)) {
      for (const row of batch) rows.push(row);
    }
    return rows;
  }

  /**
   * The elements of the JSON array `name`, validated with `schema` as `readRows`
   * does, a batch at a time as they arrive (a batch is what one chunk of the
   * input held). For sources of millions of rows: turning each batch into
   * columns right away means the row objects die young, which saves the memory
   * of holding them all and most of the garbage collector's work.
   */
  async *readBatches<S extends z.ZodType>(name: string, schema: S, options: JsonSourceReadOptions = {}): AsyncGenerator<z.output<S>[]> {
    const opened = await this.open(name, options.signal);
    let index = 0;
    for await (const elements of opened.parse()) {
      options.signal?.throwIfAborted();
      const batch: z.output<S>[] = [];
      for (const element of elements) {
        const result = schema.safeParse(element);
        if (!result.success) throw rowError(name, opened.where, index, element, result.error, schema);
        batch.push(result.data);
        index++;
      }
      yield batch;
    }
  }

  private async open(name: string, signal: AbortSignal | undefined): Promise<Opened> {
    if (!NAME.test(name)) {
      throw new SourceError(`Invalid source name "${name}": use letters, digits, "_", "-" and "." (but not first).`, {
        hint: 'A name selects {base}/{name} or {folder}/{name}.json, so it cannot contain "/".',
      });
    }
    signal?.throwIfAborted();
    return this.location.kind === 'http'
      ? this.openHttp(this.location.base, name, signal)
      : this.openFile(this.location.folder, name, signal);
  }

  private async openHttp(base: URL, name: string, signal: AbortSignal | undefined): Promise<Opened> {
    const { where, response } = await this.request('GET', base, name, signal);
    const { statusCode, body } = response;
    if (statusCode < 200 || statusCode > 299) {
      // Reading a small error body to its end lets undici reuse the connection; a larger one is cut off.
      await body.dump({ limit: ERROR_BODY_LIMIT });
      signal?.throwIfAborted();
      throw statusError('GET', statusCode, response.headers, where, name, this.urlName);
    }
    const contentType = headerValue(response.headers['content-type']) ?? '';
    if (/\btext\/html\b/i.test(contentType)) {
      const excerpt = await readExcerpt(body).catch((error: unknown) => {
        throw requestError('GET', error, where, signal, this.timeoutMs, this.urlName);
      });
      throw new SourceError(`${where}: expected a JSON array, got an HTML page: ${JSON.stringify(excerpt)}`, {
        hint: 'The address serves a web page, not the data: check the base URL (the source reads {base}/{name}).',
      });
    }
    const { timeoutMs, urlName } = this;
    // Stopping early (a bad row, a parse error) returns this generator, whose for-await destroys the body.
    async function* chunks(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of body) yield chunk as Uint8Array;
      } catch (error) {
        throw requestError('GET', error, where, signal, timeoutMs, urlName);
      }
    }
    const stream = chunks();
    return { where, chunks: stream, parse: () => parseJsonArrayBatches(stream, where) };
  }

  /**
   * The response headers of `{base}/{name}` without its body: `HEAD`, or,
   * from a server that does not allow HEAD (405, 501), a `GET` whose body is
   * dropped after at most 64 KiB.
   */
  private async probeHttp(base: URL, name: string, signal: AbortSignal | undefined): Promise<{ where: string; headers: Dispatcher.ResponseData['headers']; method: 'HEAD' | 'GET' }> {
    let method: 'HEAD' | 'GET' = 'HEAD';
    let { where, response } = await this.request(method, base, name, signal);
    if (response.statusCode === 405 || response.statusCode === 501) {
      await response.body.dump({ limit: ERROR_BODY_LIMIT });
      method = 'GET';
      ({ where, response } = await this.request(method, base, name, signal));
    }
    // The body is not wanted: past its first 64 KiB undici drops the connection rather than download the data.
    await response.body.dump({ limit: ERROR_BODY_LIMIT });
    if (response.statusCode < 200 || response.statusCode > 299) throw statusError(method, response.statusCode, response.headers, where, name, this.urlName);
    return { where, headers: response.headers, method };
  }

  /** Sends one request for `{base}/{name}`: URL credentials become Basic auth, and the URL in messages is redacted. */
  private async request(method: 'GET' | 'HEAD', base: URL, name: string, signal: AbortSignal | undefined): Promise<{ where: string; response: Dispatcher.ResponseData }> {
    const url = new URL(base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(name)}`;
    url.hash = '';
    const where = redactUrl(url.href);
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    // undici does not send URL credentials; turn them into the Basic auth they stand for.
    if (url.username !== '' || url.password !== '') {
      if (headers['authorization'] === undefined) {
        const credentials = `${decodeUserinfo(url.username)}:${decodeUserinfo(url.password)}`;
        headers['authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
      }
      url.username = '';
      url.password = '';
    }
    try {
      // undici is imported on first use: it costs ~80 ms of start-up that commands reading files never need.
      const { request } = await import('undici');
      const response = await request(url, {
        method,
        headers,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal,
      });
      return { where, response };
    } catch (error) {
      throw requestError(method, error, where, signal, this.timeoutMs, this.urlName);
    }
  }

  private async openFile(folder: string, name: string, signal: AbortSignal | undefined): Promise<Opened> {
    const file = path.join(folder, `${name}.json`);
    const { urlName } = this;
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw await missingFileError(folder, name, file, error, this.urlName);
      throw fileError(error, file, urlName);
    }
    let size: number;
    try {
      ({ size } = await handle.stat());
    } catch (error) {
      await handle.close();
      throw fileError(error, file, urlName);
    }
    // Created on first read, so that a parse in a worker leaves the handle to the worker's reads.
    async function* chunks(): AsyncGenerator<Uint8Array> {
      try {
        yield* readFileChunks(handle, FILE_CHUNK_BYTES, signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw fileError(error, file, urlName);
      }
    }
    async function* parsedInWorker(): AsyncGenerator<unknown[]> {
      try {
        yield* parseJsonFileInWorker(handle, file, FILE_CHUNK_BYTES, signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw error instanceof SourceError ? error : fileError(error, file, urlName);
      }
    }
    const inWorker = size >= WORKER_PARSE_BYTES && threadBudget() > 1;
    return { where: file, chunks: chunks(), parse: () => (inWorker ? parsedInWorker() : parseJsonArrayBatches(chunks(), file)) };
  }
}

function parseLocation(url: string, urlName: string): Location {
  const accepted = `Set ${urlName} to an http:// or https:// base URL, a file: URL, or a local folder path holding {name}.json.`;
  const trimmed = url.trim();
  if (trimmed === '') {
    throw new SourceError('The source URL is empty.', { hint: accepted });
  }
  // Two or more letters before ":" is a scheme; one is a Windows drive letter (C:\data).
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'folder', folder: path.resolve(projectRoot(), trimmed) };
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch (cause) {
    throw new SourceError(`The source URL "${redactUrl(trimmed)}" is not a valid URL.`, { hint: accepted, cause });
  }
  if (scheme === 'http' || scheme === 'https') return { kind: 'http', base: parsed };
  if (scheme === 'file') {
    try {
      return { kind: 'folder', folder: path.resolve(fileURLToPath(parsed)) };
    } catch (cause) {
      throw new SourceError(`The source URL "${redactUrl(trimmed)}" is not a local file URL.`, { hint: accepted, cause });
    }
  }
  throw new SourceError(`The source URL "${redactUrl(trimmed)}" has the unsupported scheme "${scheme}:".`, { hint: accepted });
}

/** The base URL as the user would write it: no trailing slash, no fragment. */
function baseHref(base: URL): string {
  const href = base.href;
  const main = href.slice(0, href.length - base.search.length - base.hash.length).replace(/\/+$/, '');
  return main + base.search;
}

const NETWORK_PROBLEMS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENETDOWN: 'the network is down',
  EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_SOCKET: 'the server closed the connection',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the response ended before its announced length',
};

/**
 * The SourceError for a request or body read that failed below HTTP. A cancelled
 * read rethrows the signal's reason, so callers see their own cancellation.
 */
function requestError(method: 'GET' | 'HEAD', error: unknown, where: string, signal: AbortSignal | undefined, timeoutMs: number, urlName: string): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof SourceError) return error;
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    const problem =
      code === 'UND_ERR_HEADERS_TIMEOUT' ? `no response within ${timeoutMs} ms` : `the response stalled for more than ${timeoutMs} ms`;
    return new SourceError(`${method} ${where} timed out: ${problem}; retryable`, {
      hint: 'The server is slow or stuck: the step is retried if its retry policy allows; raise timeoutMs if it is just slow.',
      cause: error,
      retryable: true,
    });
  }
  if (code === 'ENOTFOUND') {
    return new SourceError(`${method} ${where} failed: the host name could not be resolved (ENOTFOUND); not retryable`, {
      hint: `Check the host name in ${urlName}.`,
      cause: error,
    });
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    // undici's message names the bad option or header but not its value.
    return new SourceError(`${method} ${where} could not be sent: ${(error as Error).message}; not retryable`, {
      hint: 'Check the headers and URL given to the JSON source.',
      cause: error,
    });
  }
  if (code === undefined) return error;
  const problem = NETWORK_PROBLEMS[code] ?? (error as Error).message;
  return new SourceError(`${method} ${where} failed: ${problem} (${code}); retryable`, {
    hint: `The server may be down or unreachable: the step is retried if its retry policy allows. Check ${urlName}.`,
    cause: error,
    retryable: true,
  });
}

function statusError(method: 'GET' | 'HEAD', status: number, headers: Record<string, string | string[] | undefined>, where: string, name: string, urlName: string): SourceError {
  const retryable = status >= 500 || status === 429 || status === 408;
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headerValue(headers['retry-after'])) : undefined;
  const wait = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
  const statusText = STATUS_CODES[status] ?? 'Unknown Status';
  return new SourceError(
    `${method} ${where} returned HTTP ${status} ${statusText}${wait}; ${retryable ? 'retryable' : 'not retryable'}`,
    { hint: statusHint(status, headers, name, urlName), retryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  );
}

function statusHint(status: number, headers: Record<string, string | string[] | undefined>, name: string, urlName: string): string {
  if (status >= 300 && status < 400) {
    const location = headerValue(headers['location']);
    return location === undefined
      ? `The server redirects, which the source does not follow: set ${urlName} to the final address.`
      : `The server redirects to ${redactUrl(location)}, which the source does not follow: set ${urlName} to the final address.`;
  }
  if (status === 401 || status === 403) return 'The server refused access: check the credentials (the source headers or the token in the URL).';
  if (status === 404 || status === 410) return `Nothing is served there: the source reads {base}/${name}; check ${urlName}.`;
  if (status === 429) return 'The server is rate limiting: the step is retried after the wait it asked for, if the retry policy allows.';
  if (status >= 500 || status === 408) return 'The server failed: the step is retried if its retry policy allows.';
  return `The server rejected the request: check ${urlName} and the headers.`;
}

/** `Retry-After` as milliseconds: either delay-seconds or an HTTP date. */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** URL userinfo is percent-encoded, but a stray "%" that encodes nothing stands for itself. */
function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The start of an HTML body, whitespace collapsed, for an error message. */
async function readExcerpt(body: AsyncIterable<unknown>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  // Leaving the loop early destroys the body: the rest of the page is not needed.
  for await (const chunk of body) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    if (text.length > HTML_EXCERPT_LENGTH * 4) break;
  }
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length > HTML_EXCERPT_LENGTH ? `${collapsed.slice(0, HTML_EXCERPT_LENGTH)}...` : collapsed;
}

async function missingFileError(folder: string, name: string, file: string, cause: unknown, urlName: string): Promise<SourceError> {
  const hint = `The source reads {folder}/${name}.json: add the file, or set ${urlName} to another folder or an http(s) base URL.`;
  let entries: string[];
  try {
    entries = (await readdir(folder)).sort();
  } catch {
    return new SourceError(`No file ${file}: the folder ${folder} does not exist.`, { hint, cause });
  }
  const listed = entries.length === 0 ? 'the folder is empty' : `the folder has ${formatList(entries, 10)}`;
  const suggestions = suggestClosest(`${name}.json`, entries.filter((entry) => entry.endsWith('.json')), 1);
  const didYouMean = suggestions.length > 0 ? `Did you mean ${suggestions[0]}? ` : '';
  return new SourceError(`No file ${file}: ${listed}.`, { hint: didYouMean + hint, cause });
}

function fileError(error: unknown, file: string, urlName: string): unknown {
  const code = errorCode(error);
  if (code === undefined) return error;
  const problem =
    code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
  return new SourceError(`Cannot read ${file}: ${problem} (${code}).`, {
    hint: `The source reads {folder}/{name}.json: make it a readable JSON file, or set ${urlName} elsewhere.`,
    cause: error,
  });
}

function formatList(items: readonly string[], limit: number): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The SchemaError for the first problem of a row, located by row index, id, field path and value. */
function rowError(name: string, where: string, index: number, element: unknown, error: z.ZodError, schema: z.ZodType): SchemaError {
  const issue = error.issues[0]!;
  const id = idOf(element);
  const row = `${name} ${rowLabel(index)}${id === undefined ? '' : ` (id ${id})`} in ${where}`;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length === 2 ? '' : 's'} in this row)` : '';
  const field = issue.path.length > 0 ? ` field "${formatPath(issue.path)}"` : '';
  let problem: string;
  if (issue.code === 'unrecognized_keys') {
    problem = `${field} has unexpected field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
  } else {
    const value = valueAt(element, issue.path);
    problem = `${field} expected ${describeExpected(issue, schemaAt(schema, issue.path))}, got ${formatValue(value)}`;
  }
  return new SchemaError(`${row}:${problem}${more}`, {
    hint: 'Fix the source data, or change the schema if such values are legitimate.',
    cause: error,
  });
}

function idOf(element: unknown): string | undefined {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return undefined;
  const id: unknown = (element as Record<string, unknown>)['id'];
  if (typeof id === 'number') return String(id);
  if (typeof id === 'string') return describeValue(id);
  return undefined;
}

function formatPath(issuePath: readonly PropertyKey[]): string {
  let text = '';
  for (const part of issuePath) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

function valueAt(element: unknown, issuePath: readonly PropertyKey[]): unknown {
  let value = element;
  for (const part of issuePath) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function formatValue(value: unknown): string {
  return value === undefined ? 'nothing (the field is missing)' : describeValue(value);
}

interface FieldSchema {
  /** The schema without optional/nullable/default wrappers. */
  readonly inner: z.ZodType | undefined;
  readonly nullable: boolean;
}

/**
 * The schema of the field at `issuePath`, so the message can say "an integer"
 * where zod only reports the expected type `number`. Unknown shapes give `undefined`.
 */
function schemaAt(schema: z.ZodType, issuePath: readonly PropertyKey[]): FieldSchema {
  let current: z.ZodType | undefined = schema;
  let nullable = false;
  for (let step = 0; step <= issuePath.length && current !== undefined; step++) {
    nullable = false;
    let def: z.core.$ZodTypeDef = current._zod.def;
    while (def.type === 'nullable' || def.type === 'optional' || def.type === 'default' || def.type === 'readonly') {
      if (def.type === 'nullable') nullable = true;
      current = (def as z.core.$ZodNullableDef).innerType as z.ZodType;
      def = current._zod.def;
    }
    if (step === issuePath.length) break;
    const part = issuePath[step];
    if (def.type === 'object' && typeof part === 'string') current = (def as z.core.$ZodObjectDef).shape[part] as z.ZodType | undefined;
    else if (def.type === 'array') current = (def as z.core.$ZodArrayDef).element as z.ZodType;
    else if (def.type === 'record') current = (def as z.core.$ZodRecordDef).valueType as z.ZodType;
    else current = undefined;
  }
  return { inner: current, nullable };
}

const ARTICLES: Readonly<Record<string, string>> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function describeExpected(issue: z.core.$ZodIssue, field: FieldSchema): string {
  const orNull = field.nullable ? ' or null' : '';
  switch (issue.code) {
    case 'invalid_type': {
      const isInt = issue.expected === 'int' || (issue.expected === 'number' && (field.inner as z.ZodNumber | undefined)?.isInt === true);
      return (isInt ? 'an integer' : (ARTICLES[issue.expected] ?? `a ${issue.expected}`)) + orNull;
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const comparison = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
      if (issue.origin === 'string') return `${comparison} ${String(bound)} character${Number(bound) === 1 ? '' : 's'}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${comparison} ${String(bound)} item${Number(bound) === 1 ? '' : 's'}`;
      return `a value ${comparison} ${String(bound)}`;
    }
    case 'invalid_format':
      return `a valid ${issue.format}`;
    case 'invalid_value':
      return issue.values.length === 1 ? formatLiteral(issue.values[0]) : `one of ${issue.values.map(formatLiteral).join(', ')}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_union': {
      // Each alternative failed on its own; when each wanted a type, list those types.
      const types = issue.errors.map((issues) => (issues.length === 1 && issues[0]?.code === 'invalid_type' ? issues[0].expected : undefined));
      if (types.length > 0 && types.every((type) => type !== undefined)) {
        return types.map((type) => ARTICLES[type] ?? `a ${type}`).join(' or ');
      }
      return `a valid value (${issue.message})`;
    }
    default:
      return `a valid value (${issue.message})`;
  }
}

/** A literal zod may expect; JSON.stringify would throw on a bigint. */
function formatLiteral(value: unknown): string {
  return typeof value === 'bigint' ? `${value}n` : String(JSON.stringify(value));
}
