/**
 * 50 trivial assets in a chain, `step_00` → `step_01` → … → `step_49`, for the
 * work pool's dispatch latency (bench/scenarios/scale.mjs): each step waits
 * for the one before, so every dispatch finds an idle worker and its latency
 * is the queue's alone, not time spent behind other steps. Each compute reads
 * one row and writes one, through a CsvIOManager that every worker on this
 * machine sees (`STRATA_OUTPUT_SHARED=true`, `STRATA_OUTPUT_DIR`).
 *
 * Strata is imported by its package name, as a user's project does: a
 * rebuilt dist/ (others run `npm run build` while the bench runs) then leaves
 * the code versions alone, where a relative import of dist/index.js would
 * make a worker started before it refuse the coordinator's steps.
 */
import { z } from 'zod';
import { asset, CsvIOManager, defineDefinitions } from 'strata-assets';

export const CHAIN_LENGTH = 50;

const schema = z.object({ n: z.int() });
const keyOf = (index) => `step_${String(index).padStart(2, '0')}`;

const assets = [];
for (let index = 0; index < CHAIN_LENGTH; index++) {
  const upstream = assets[index - 1];
  const upstreamKey = upstream === undefined ? undefined : keyOf(index - 1);
  assets.push(
    asset({
      key: keyOf(index),
      schema,
      deps: upstream === undefined ? [] : [upstream],
      compute: ({ inputs }) => [{ n: upstreamKey === undefined ? 0 : inputs[upstreamKey].rows()[0].n + 1 }],
    }),
  );
}

export default defineDefinitions({ assets, ioManagers: { default: new CsvIOManager() } });
