import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Definitions } from '../../src/core/definitions.js';
import { codeVersionsOf, editedSinceLoad, versionsAsRun } from '../../src/versioning/code-versions.js';
import { writeBuiltFrameworkProject } from './built-framework-project.js';

/**
 * Code versions when the clock reads earlier than the project files' change
 * times, as after a clock stepped back: the files were not edited while the
 * definitions loaded, so they are hashed, and only a later edit marks them.
 * A project of two real modules in a temp folder, declared through the built
 * framework, as a user's are.
 */
describe('code versions on a clock behind the files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'strata-clock-'));
    await writeBuiltFrameworkProject(dir, [`const scaled = asset({ key: 'scaled', schema: z.object({ n: z.int() }), compute: () => [{ n: FACTOR }] });`], ['scaled']);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const hashOf = async (file: string) => createHash('sha256').update(await readFile(path.join(dir, file))).digest('hex').slice(0, 16);

  it('hashes files changed "later" than the clock, and marks only a file edited after the load', async () => {
    const { default: definitions } = (await import(pathToFileURL(path.join(dir, 'definitions.mjs')).href)) as { default: Definitions };
    const written = Math.max((await stat(path.join(dir, 'helper.mjs'))).ctimeMs, (await stat(path.join(dir, 'definitions.mjs'))).ctimeMs);
    let clock = written - 3_600_000;
    const versions = await codeVersionsOf(definitions, { projectRoot: dir, loadStartedMs: clock, now: () => clock });

    const manifest = versions.get('scaled')!.manifest;
    expect(manifest).toMatchObject({ files: { 'definitions.mjs': await hashOf('definitions.mjs'), 'helper.mjs': await hashOf('helper.mjs') } });
    expect(versionsAsRun(versions)).toBe(versions);

    // The clock catches up with the files: still nothing edited.
    clock = Date.now();
    expect(versionsAsRun(versions)).toBe(versions);
    expect(await editedSinceLoad(definitions, { projectRoot: dir })).toEqual([]);

    await writeFile(path.join(dir, 'helper.mjs'), 'export const FACTOR = 3;\n');
    const asRun = versionsAsRun(versions).get('scaled')!;
    expect(asRun.version).not.toBe(versions.get('scaled')!.version);
    expect(asRun.manifest).toMatchObject({ files: { 'definitions.mjs': await hashOf('definitions.mjs'), 'helper.mjs': expect.stringMatching(/^modified while loading/) } });
    expect(await editedSinceLoad(definitions, { projectRoot: dir })).toEqual(['helper.mjs']);
  });
});
