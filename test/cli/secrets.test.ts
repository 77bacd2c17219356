import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../resources/loopback-server.js';
import { makeWorkspace, runCli } from './run-cli.js';

const PASSWORD = 's3cr3t-pa55';
const TOKEN = 't0ken-abc123';

/** Credentials in the source URL must never reach logs, events, errors or JSON output. */
describe('secrets in the source URL', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let server: LoopbackServer;
  const authorizations: (string | undefined)[] = [];
  beforeEach(async () => {
    workspace = await makeWorkspace();
    server = await startLoopbackServer((request, response) => {
      authorizations.push(request.headers.authorization);
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end('{"error":"down"}');
    });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });

  it('redacts them everywhere the failed, retried run is reported or recorded', async () => {
    const url = server.url.replace('http://', `http://alice:${PASSWORD}@`) + `/?api_key=${TOKEN}`;
    const env = { ...workspace.env, STRATA_SOURCE_URL: url };
    const run = await runCli(['materialize', '--json'], { cwd: workspace.dir, env });
    expect(run.code).toBe(1);
    // The credentials were used (as Basic auth), just never shown.
    expect(authorizations[0]).toBe(`Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`);
    const verbose = await runCli(['materialize', '--verbose'], { cwd: workspace.dir, env });
    const report = [run.stdout, run.stderr, verbose.stdout, verbose.stderr].join('\n');
    expect(report).toMatch(/returned HTTP 503/);
    expect(report).toMatch(/\*\*\*/);
    // Everything the instance recorded, byte for byte (database and its write-ahead log).
    const home = workspace.env.STRATA_HOME!;
    const stored = (await Promise.all((await readdir(home)).map((file) => readFile(path.join(home, file))))).map((bytes) => bytes.toString('latin1'));
    expect(stored.join('').length).toBeGreaterThan(0);
    for (const text of [report, ...stored]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(TOKEN);
    }
  });
});
