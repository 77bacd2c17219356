import { EXTERNAL_INPUT, NOT_OBSERVED, REPLACED_WHILE_READ } from '../core/asset.js';
import type { CodeChange } from '../core/code-manifest.js';
import type { ChangedSetting, SourceObservation, StaleReason } from '../graph/planner.js';
import { formatDuration } from '../core/duration.js';

/** How many changed files or packages a sentence names before it says "and N more". */
const NAMED_CHANGES = 5;

/**
 * One plain sentence for a stale reason of `key`, as `assets why` prints it.
 * `source`: what the plan knows of the asset's source, for naming where it reads.
 */
export function describeReason(key: string, reason: StaleReason, source?: SourceObservation): string {
  switch (reason.kind) {
    case 'missing':
      return reason.detail === 'never-materialized'
        ? `${key} has never been materialized.`
        : `${key} was materialized, but its stored output is gone.`;
    case 'code-changed':
      return `The code of ${key} changed since it was last materialized: ${describeCodeChanges(reason.changes)} (code version ${shortVersion(reason.recorded)} → ${shortVersion(reason.current)}).`;
    case 'config-changed':
      return `The settings ${key} runs with changed since it was last materialized: ${describeSettings(reason.settings)}.`;
    case 'upstream-changed': {
      const sourceData = `The source data of ${key}${source?.location === undefined ? '' : ` (${source.location})`}`;
      return reason.upstream === EXTERNAL_INPUT
        ? reason.recorded === NOT_OBSERVED
          ? `${sourceData} could not be observed when it was last materialized (its observe failed), so the version it read is not known.`
          : `${sourceData} changed since it was last materialized (version ${shortVersion(reason.recorded)} → ${shortVersion(reason.current)}).`
        : reason.recorded === undefined
          ? `${key} was last materialized without reading ${reason.upstream}, which it now depends on.`
          : reason.current === undefined
            ? `${key} was last materialized reading ${reason.upstream}, which it no longer depends on.`
            : reason.recorded === REPLACED_WHILE_READ
              ? `${reason.upstream} was replaced while ${key} read it when it was last materialized, so what it read is not known.`
              : `${reason.upstream} changed since ${key} was last materialized (data version ${shortVersion(reason.recorded)} → ${shortVersion(reason.current)}).`;
    }
    case 'upstream-planned':
      return `${reason.upstreams.join(', ')} will be materialized first; ${key} runs only if ${reason.upstreams.length === 1 ? 'its output changes' : 'their outputs change'} (see \`assets why ${reason.upstreams[0]}\`).`;
    case 'output-modified':
      return `The stored output of ${key} was changed outside Strata (data version ${shortVersion(reason.recorded)} → ${shortVersion(reason.current)}).`;
    case 'window-closed':
      return `${key} was materialized at ${reason.materializedAt.toISOString()}, before its partition's time window ended at ${reason.windowEnd.toISOString()}: it holds part of the window at most.`;
    case 'expired':
      return `${key} was last materialized at ${reason.materializedAt.toISOString()}, longer ago than its maxAge of ${formatDuration(reason.maxAgeMs)}.`;
    case 'forced':
      return `${key} is forced (--force or --refresh).`;
    case 'unreadable': {
      const what = reason.stage === 'observe' ? `the source of ${reason.asset}` : `the stored output of ${reason.asset}`;
      const consequence = reason.asset === key ? `a run materializes ${key} to find out, and fails it if the error persists` : `a run materializes ${key}, which fails while ${reason.asset} cannot be read`;
      return `Strata could not read ${what}: ${reason.error.message.split('\n', 1)[0]} (${consequence}).`;
    }
  }
}

/**
 * The sentence for a fresh asset, as `assets why` prints it; `materializedAt`
 * as the caller shows times (relative on a terminal, ISO elsewhere).
 */
export function describeFresh(key: string, materializedAt: string, source: SourceObservation | undefined): string {
  const checked = source?.checked === true ? ` Its source, ${source.location ?? 'outside data'}, was checked (${source.note ?? 'its version is unchanged'}).` : '';
  return `${key} is fresh: materialized ${materializedAt}, and nothing it depends on has changed.${checked}`;
}

/**
 * The sentence for a source asset whose data could not be checked: it counts
 * as fresh only because nothing says otherwise, and how to fetch it anyway.
 * `group`: the asset's group, for the `--refresh` it suggests.
 */
export function describeUncheckedSource(key: string, group: string, source: SourceObservation): string {
  const where = source.location === undefined ? ' a source' : ` from ${source.location}`;
  return `${key} reads${where}, which cannot be checked for changes without fetching it${source.note === undefined ? '' : ` (${source.note})`}: it is assumed unchanged. Fetch it anyway with \`assets materialize --refresh ${key}\` (or \`--refresh group:${group}\`).`;
}

function describeCodeChanges(changes: readonly CodeChange[]): string {
  if (changes.length === 0) return 'its code version differs';
  const named = changes.slice(0, NAMED_CHANGES).map((change) => {
    switch (change.kind) {
      case 'file':
        return `${change.file} ${change.change === 'modified' ? 'changed' : change.change === 'added' ? 'is newly imported' : 'is no longer imported'}`;
      case 'package':
        return change.recorded === undefined
          ? `package ${change.name} ${change.current} is newly imported`
          : change.current === undefined
            ? `package ${change.name} is no longer imported`
            : `package ${change.name} went from ${change.recorded} to ${change.current}`;
      case 'explicit':
        return change.current === undefined
          ? `its explicit codeVersion "${change.recorded}" was removed`
          : change.recorded === undefined
            ? `it now declares codeVersion "${change.current}"`
            : `its codeVersion went from "${change.recorded}" to "${change.current}"`;
      case 'compute':
        return 'its compute function changed';
      case 'unknown':
        return 'what it was computed from was not recorded (materialized by an older Strata)';
    }
  });
  const more = changes.length - named.length;
  return named.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/** `warehouse.url (WAREHOUSE_URL) changed; REGION (read by warehouse) was not recorded before`. */
export function describeSettings(settings: readonly ChangedSetting[]): string {
  return settings
    .map((setting) => {
      const name =
        setting.setting === null
          ? `${setting.variable} (read by ${setting.resource})`
          : `${setting.resource}.${setting.setting}${setting.variable === undefined ? '' : ` (${setting.variable})`}`;
      return setting.change === 'modified' ? `${name} changed` : setting.change === 'added' ? `${name} was not recorded before` : `${name} is no longer used`;
    })
    .join('; ');
}

/** The first 8 characters of a data version, as `git log --oneline` shows commits. */
export function shortVersion(version: string | undefined): string {
  return version === undefined ? '-' : `${version.slice(0, 8)}…`;
}
