import { summarize } from './stats.mjs';

/**
 * One line of the bench table. Timings are summarized (median, min, max) from
 * the per-run values; `target` is `{ goal, met }` (met: true, false, or null
 * when not measured); `note` is short free text.
 */
export function row(scenario, label, { times = null, peakRssBytes = null, throughput = null, target = null, note = '', text = null } = {}) {
  return { scenario, case: label, wallMs: times === null ? null : summarize(times), times, peakRssBytes, throughput, target, note, text };
}
