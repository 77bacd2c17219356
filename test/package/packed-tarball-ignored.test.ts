import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the packed tarball', () => {
  it('is ignored by git, so `npm pack` in a clone leaves the work tree clean', () => {
    // Ask git itself in a clone; in an unpacked archive (no repository, status 128) read the rule.
    const checked = spawnSync('git', ['check-ignore', '--no-index', '--quiet', 'any-package-1.2.3.tgz'], { cwd: ROOT });
    if (checked.error === undefined && checked.status !== 128) expect(checked.status).toBe(0);
    else expect(readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('*.tgz');
  });
});
