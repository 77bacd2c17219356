import { type AssetState, type ShownStatus, shownStatus } from '../instance/asset-states.js';
import { describeCounts } from '../instance/partition-states.js';
import type { Instance } from '../instance/instance.js';
import { storedOutput } from '../instance/stored-output.js';
import type { CliIO } from './cli-io.js';
import type { ParsedArgs } from './command.js';
import { isoTime } from './format.js';
import { stringFlag } from './parse-args.js';
import { statusColour } from './status-symbol.js';
import { createStyle, type Style } from './style.js';
import { writeWarnings } from './write-warnings.js';

/*
 * What `assets status` and `assets list` share: the assets of `--select` /
 * `--exclude` with their states (one plan decides both), the warnings about
 * the selection, the fields of a state both print, and what they say when a
 * state selection selects nothing.
 */

/** The selected keys, in topological order, and their states; the selection's warnings are written to stderr. */
export async function readSelectedStates(instance: Instance, args: ParsedArgs, io: CliIO): Promise<{ keys: readonly string[]; states: ReadonlyMap<string, AssetState> }> {
  const { keys, warnings, states } = await instance.selectStates({ select: stringFlag(args, 'select'), exclude: stringFlag(args, 'exclude'), signal: io.signal });
  writeWarnings(io, createStyle(io.stderr, io, args.flags.color === false), warnings);
  return { keys, states };
}

/**
 * A state as both commands' JSON gives it: the planner's `status` (a fresh
 * asset with a failed check is still `fresh` here; the tables show
 * `failed-check`, see `shownStatus`), the reasons, what its checks say, and
 * its last materialization (for a partitioned asset, when any partition was
 * last materialized, and no data version or rows: see `storedOutput`).
 */
export function stateJson(state: AssetState) {
  const { dataVersion, rows } = storedOutput(state);
  return {
    status: state.status,
    reasons: state.reasons.map((reason) => reason.kind),
    checks: { failed: state.failedChecks, warned: state.warnedChecks, blockedBy: state.blockedBy },
    partitions: state.partitions ?? null,
    lastMaterializedAt: isoTime(state.record?.materializedAt),
    dataVersion,
    rows,
  };
}

/** The status column of both tables: the shown status, and for a partitioned asset its partitions' counts (`stale (12/14 fresh, 2 stale)`). */
export function statusCell(state: AssetState): string {
  return state.partitions === undefined ? shownStatus(state) : `${shownStatus(state)} (${describeCounts(state.partitions)})`;
}

/** A status cell coloured by the status it starts with. */
export function colourStatusCell(style: Style, padded: string, cell: string): string {
  return style.apply(statusColour(cell.split(' ', 1)[0] as ShownStatus), padded);
}

/** Only a state selection may select nothing (nothing is stale): an answer, said on stderr so stdout stays data. */
export function writeNothingSelected(io: CliIO): void {
  io.stderr.write('No assets selected: none is in the state the selection asks for now.\n');
}
