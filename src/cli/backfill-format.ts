import { backfillTargetStatusSchema, type BackfillTargetStatus, type StoredBackfill } from '../storage/instance-storage.js';
import { formatCount, isoTime } from './format.js';
import type { Style } from './style.js';

/** The colour of a target's status, as a run's asset result is coloured. */
export const TARGET_COLOUR: Readonly<Record<BackfillTargetStatus, Parameters<Style['apply']>[0]>> = {
  pending: 'dim',
  running: 'cyan',
  materialized: 'green',
  'up-to-date': 'gray',
  failed: 'red',
  skipped: 'yellow',
  canceled: 'yellow',
};

/** Targets whose run ended one way or another; the rest are pending or running. */
export function doneTargets(backfill: StoredBackfill): number {
  return totalTargets(backfill) - backfill.counts.pending - backfill.counts.running;
}

export function totalTargets(backfill: StoredBackfill): number {
  return backfillTargetStatusSchema.options.reduce((sum, status) => sum + backfill.counts[status], 0);
}

/** `12 materialized, 1 failed, 1 skipped`: the statuses that have targets, in the schema's order. */
export function describeCounts(backfill: StoredBackfill): string {
  return backfillTargetStatusSchema.options.flatMap((status) => (backfill.counts[status] > 0 ? [`${formatCount(backfill.counts[status])} ${status}`] : [])).join(', ') || 'no targets';
}

/** `2026-01-01...2026-01-07`, an open bound shown as the first or last partition. */
export function describeRange(backfill: StoredBackfill): string {
  return `${backfill.request.from ?? '(first)'}...${backfill.request.to ?? '(last)'}`;
}

/** A backfill as `--json` prints it (`assets backfill`, `backfill status`, `backfills`). */
export function backfillToJson(backfill: StoredBackfill) {
  return {
    id: backfill.id,
    status: backfill.status,
    createdAt: isoTime(backfill.createdAt),
    endedAt: isoTime(backfill.endedAt),
    request: backfill.request,
    total: totalTargets(backfill),
    done: doneTargets(backfill),
    counts: backfill.counts,
  };
}

/**
 * A progress bar of a backfill's targets, counted in storage: `[█████░░░░░]
 * 6/14 targets, 1 failed or skipped (partition 2026-01-03 ended)`. Printed
 * on stderr on a terminal as each partition ends.
 */
export function renderProgressBar(backfill: StoredBackfill, partition: string, style: Style, width = 24): string {
  const total = totalTargets(backfill);
  const done = doneTargets(backfill);
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const bad = backfill.counts.failed + backfill.counts.skipped;
  const bar = `${style.apply(bad > 0 ? 'yellow' : 'green', '█'.repeat(filled))}${style.apply('dim', '░'.repeat(width - filled))}`;
  return `[${bar}] ${formatCount(done)}/${formatCount(total)} targets${bad > 0 ? style.apply('red', `, ${formatCount(bad)} failed or skipped`) : ''} ${style.apply('dim', `(partition ${partition} ended)`)}\n`;
}
