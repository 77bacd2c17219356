import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the bench runs the built code in dist/, never src/. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'dist', 'cli', 'bin.js');
export const DIST_INDEX = path.join(ROOT, 'dist', 'index.js');
export const BENCH_DIR = path.join(ROOT, 'bench');

/** Everything the bench writes outside bench/results.json lives here: snapshots (kept), work folders (removed). */
export const BENCH_TMP = path.join(os.tmpdir(), 'strata-bench');
