import { EXTERNAL_INPUT } from '../core/asset.js';
import type { StaleReason } from '../graph/planner.js';
import { formatDuration, shortVersion } from './format.js';

/** One plain sentence for a stale reason of `key`, as `assets why` prints it. */
export function describeReason(key: string, reason: StaleReason): string {
  switch (reason.kind) {
    case 'missing':
      return reason.detail === 'never-materialized'
        ? `${key} has never been materialized.`
        : `${key} was materialized, but its stored output is gone.`;
    case 'code-changed':
      return `The code of ${key} changed since it was last materialized (code version ${shortVersion(reason.recorded)} → ${shortVersion(reason.current)}).`;
    case 'upstream-changed':
      return reason.upstream === EXTERNAL_INPUT
        ? `The source data of ${key} changed since it was last materialized (version ${shortVersion(reason.recorded)} → ${shortVersion(reason.current)}).`
        : reason.recorded === undefined
          ? `${key} was last materialized without reading ${reason.upstream}, which it now depends on.`
          : `${reason.upstream} changed since ${key} was last materialized (data version ${shortVersion(reason.recorded)} → ${shortVersion(reason.current)}).`;
    case 'upstream-planned':
      return `${reason.upstreams.join(', ')} will be materialized first; ${key} runs only if ${reason.upstreams.length === 1 ? 'its output changes' : 'their outputs change'} (see \`assets why ${reason.upstreams[0]}\`).`;
    case 'output-modified':
      return `The stored output of ${key} was changed outside Strata (data version ${shortVersion(reason.recorded)} → ${shortVersion(reason.current)}).`;
    case 'expired':
      return `${key} was last materialized at ${reason.materializedAt.toISOString()}, longer ago than its maxAge of ${formatDuration(reason.maxAgeMs)}.`;
    case 'forced':
      return `${key} is forced (--force or --refresh).`;
  }
}
