import { readFile } from 'node:fs/promises';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/core/errors.js';
import { JsonSource } from '../../src/resources/json-source.js';

/**
 * DNS failures cannot be produced for real here (no resolver to fail on
 * purpose), so undici's connector is given a lookup that fails with the code
 * under test; everything above it (undici, the source, its error mapping) is
 * real. The README states the same rule: these tests read it too.
 */
describe('JsonSource and DNS failures', () => {
  let previous: Dispatcher;
  beforeEach(() => {
    previous = getGlobalDispatcher();
  });
  afterEach(() => setGlobalDispatcher(previous));

  const failLookup = (code: string) =>
    setGlobalDispatcher(
      new Agent({
        connect: {
          lookup: (_host, _options, callback) => callback(Object.assign(new Error(`getaddrinfo ${code} example.test`), { code }), '', 4),
        },
      }),
    );
  const readUsers = () => new JsonSource({ url: 'http://example.test' }).readRows('users', z.array(z.unknown())).then(
    () => undefined,
    (error: unknown) => error,
  );

  it('retries a temporary DNS failure (EAI_AGAIN)', async () => {
    failLookup('EAI_AGAIN');
    const error = await readUsers();
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ retryable: true, message: 'GET http://example.test/users failed: the host name could not be resolved (temporary DNS failure) (EAI_AGAIN); retryable' });
  });

  it('fails at once on a host name that does not exist (ENOTFOUND)', async () => {
    failLookup('ENOTFOUND');
    const error = await readUsers();
    expect(error).toMatchObject({ retryable: false, message: 'GET http://example.test/users failed: the host name could not be resolved (ENOTFOUND); not retryable' });
  });

  it('is what the README says about retries', async () => {
    const readme = (await readFile(new URL('../../README.md', import.meta.url), 'utf8')).replace(/\s+/g, ' ');
    expect(readme).toContain('A temporary DNS failure (`EAI_AGAIN`) is a network error and is retried; a host name that does not exist (`ENOTFOUND`) is a mistake in the URL and fails at once');
  });
});
