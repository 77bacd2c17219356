import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError } from '../core/errors.js';

/** TypeScript that tsx's ESM loader runs as an ES module: `.ts`/`.tsx` in a `"type": "module"` package, and `.mts`. */
const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;

let typescriptLoader: Promise<void> | undefined;

/**
 * Imports a module by URL, TypeScript included: the first `.ts` module
 * registers tsx's loader hooks for this thread (each worker thread registers
 * its own), then every import goes through Node's loader as usual. Not
 * `tsImport`: that loads the module's dependencies again under a namespace,
 * so `strata-assets` itself would load twice and its classes (`Table`, the errors)
 * would stop being the CLI's.
 */
export async function importModule(url: string): Promise<Record<string, unknown>> {
  if (url.startsWith('file:') && TYPESCRIPT.test(url)) {
    refuseCommonJs(fileURLToPath(url));
    typescriptLoader ??= import('tsx/esm/api').then(({ register }) => void register());
    await typescriptLoader;
  }
  return (await import(url)) as Record<string, unknown>;
}

/**
 * A `.ts` file in a CommonJS package (no `"type": "module"`), or a `.cts`,
 * would be compiled to `require` calls, which load a second copy of strata's
 * ES modules: refuse it up front with the fix, rather than fail later in a way
 * that names none.
 */
function refuseCommonJs(file: string): void {
  if (file.endsWith('.mts')) return;
  let why: string;
  let fix: string;
  if (file.endsWith('.cts')) {
    why = 'a .cts file is CommonJS';
    fix = 'Rename it to .mts, or to .ts in a package with "type": "module".';
  } else {
    const manifest = nearestPackageJson(path.dirname(file));
    if (manifest?.type === 'module') return;
    why = manifest === undefined ? 'no package.json above it sets "type": "module"' : `${manifest.path} does not set "type": "module"`;
    fix = manifest === undefined ? 'Add a package.json with "type": "module" to the project, or rename the file to .mts.' : `Add "type": "module" to ${manifest.path}, or rename the file to .mts.`;
  }
  throw new StrataError('STRATA_DEFINITIONS_COMMONJS', `${file} would load as CommonJS (${why}), and strata is an ES module package.`, { hint: fix });
}

function nearestPackageJson(folder: string): { path: string; type: unknown } | undefined {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    let text: string | undefined;
    try {
      text = readFileSync(candidate, 'utf8');
    } catch {
      // No package.json here: Node looks further up, and so do we.
    }
    if (text !== undefined) {
      let type: unknown;
      try {
        type = (JSON.parse(text) as { type?: unknown }).type;
      } catch (error) {
        throw new StrataError('STRATA_PACKAGE_JSON', `${candidate} is not valid JSON: ${(error as Error).message}`, { hint: 'Fix the file; Node reads it to decide how to load the modules beside it.', cause: error });
      }
      return { path: candidate, type };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
