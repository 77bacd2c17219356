/**
 * 32 independent CPU-heavy assets, `cpu_00` … `cpu_31`, for the work pool's
 * speed-up over one process (bench/scenarios/scale.mjs). Each burns
 * `STRATA_BENCH_CPU_ITERATIONS` rounds of bench/lib/cpu-work.mjs, which the
 * scenario calibrates to about 0.5 s and gives the coordinator and every
 * worker alike, and writes one row through a CsvIOManager that every worker
 * on this machine sees (`STRATA_OUTPUT_SHARED=true`).
 *
 * Strata is imported by its package name, as a user's project does: a
 * rebuilt dist/ (others run `npm run build` while the bench runs) then leaves
 * the code versions alone, where a relative import of dist/index.js would
 * make a worker started before it refuse the coordinator's steps.
 */
import { z } from 'zod';
import { asset, CsvIOManager, defineDefinitions } from 'strata-assets';
import { burnCpu } from '../lib/cpu-work.mjs';

export const CPU_ASSETS = 32;

const iterations = Number(process.env.STRATA_BENCH_CPU_ITERATIONS);
if (!Number.isInteger(iterations) || iterations < 1) {
  throw new Error(`STRATA_BENCH_CPU_ITERATIONS must be a positive whole number (bench/scenarios/scale.mjs sets it), got "${process.env.STRATA_BENCH_CPU_ITERATIONS}".`);
}

const schema = z.object({ mixed: z.int() });
const assets = Array.from({ length: CPU_ASSETS }, (_, index) =>
  asset({ key: `cpu_${String(index).padStart(2, '0')}`, schema, compute: () => [{ mixed: burnCpu(iterations) }] }),
);

export default defineDefinitions({ assets, ioManagers: { default: new CsvIOManager() } });
