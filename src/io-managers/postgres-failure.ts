import { rowLabel } from '../core/describe-value.js';
import { isConnectionError, sqlState } from '../core/postgres-disconnects.js';
import { IOManagerError, SchemaError, StrataError } from '../core/errors.js';
import type { StoredAsset } from '../core/io-manager.js';
import { describeStored, materializeCommand } from './partition-naming.js';

/** What the IO manager was doing when Postgres failed, for the message. */
export interface PostgresAction {
  /** `store`, `load`, `version` or `delete`. */
  readonly verb: 'store' | 'load' | 'version' | 'delete';
  /** The asset, and its partition when it is one. */
  readonly asset: Pick<StoredAsset, 'key' | 'partition'>;
  /** The database and schema, password redacted. */
  readonly location: string;
}

// SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
/** Wrong password, no such role, no such database. */
const LOGIN_STATES = new Set(['28P01', '28000', '3D000']);
const INSUFFICIENT_PRIVILEGE = '42501';
const DEPENDENT_OBJECTS_STILL_EXIST = '2BP01';
/** data_exception (a value the column type cannot hold, a NUL in text) and integrity violations (a null in a NOT NULL column). */
const BAD_DATA_STATES = /^(22|23)/;

const verbs: Record<PostgresAction['verb'], string> = {
  store: 'store',
  load: 'load',
  version: 'read the data version of',
  delete: 'delete',
};

/**
 * A driver or server error met by the Postgres IO manager as a StrataError
 * that says what failed and how to fix it; a StrataError passes through, and
 * so does anything that is neither (a bug). Connection failures are
 * retryable, so an asset's retry policy can ride out a database restart.
 */
export function postgresFailure(error: unknown, action: PostgresAction): unknown {
  if (error instanceof StrataError || !(error instanceof Error)) return error;
  const state = sqlState(error);
  const what = `${cannot(action)} in ${action.location}`;
  if (isConnectionError(error)) {
    return new StrataError('STRATA_IO_UNAVAILABLE', `${what}: cannot reach the database: ${error.message}.`, {
      hint: 'Check that Postgres is running and reachable from this host, and the host and port of the connection string (STRATA_DATABASE_URL by default).',
      cause: error,
      retryable: true,
    });
  }
  if (state !== undefined && LOGIN_STATES.has(state)) {
    return new IOManagerError(`${what}: the database refused the login: ${error.message}.`, {
      hint: 'Check the user, password and database name of the connection string (STRATA_DATABASE_URL by default).',
      cause: error,
    });
  }
  if (state === INSUFFICIENT_PRIVILEGE) {
    return new IOManagerError(`${what}: ${error.message}.`, {
      hint: "Grant the role Strata connects as the use of the IO manager's schema (it creates the schema when it may), or point the IO manager at a schema it owns.",
      cause: error,
    });
  }
  if (state === DEPENDENT_OBJECTS_STILL_EXIST) {
    return new IOManagerError(`${what}: the stored table cannot be replaced, other objects depend on it: ${detailOf(error) ?? error.message}.`, {
      hint: 'Drop the views (or other objects) built on the table before materializing, and create them again after; Strata replaces the table on every store.',
      cause: error,
    });
  }
  if (action.verb === 'store' && state !== undefined && BAD_DATA_STATES.test(state)) {
    return new SchemaError(`Cannot store ${describeStored(action.asset)}: Postgres rejected ${whereInCopy(error)}: ${error.message}.`, {
      hint:
        "Fix the asset's compute function so that every value fits its Postgres column: text cannot hold NUL characters (\\u0000), " +
        'and integers must fit in a bigint. Nothing was stored; the previous table is intact.',
      cause: error,
    });
  }
  return new IOManagerError(`${what}: ${error.message}${state === undefined ? '' : ` (SQLSTATE ${state})`}.`, {
    hint: `Re-materialize the asset with \`${materializeCommand(action.asset)} --force\` if its table was changed outside Strata; otherwise check the database's log.`,
    cause: error,
  });
}

/** How a message about `action` begins: `Cannot load asset "customers"`, `Cannot load partition "2026-01-05" of asset "orders_daily"`. */
export function cannot(action: PostgresAction): string {
  return `Cannot ${verbs[action.verb]} ${describeStored(action.asset)}`;
}

function detailOf(error: Error): string | undefined {
  const detail = (error as { detail?: unknown }).detail;
  return typeof detail === 'string' ? detail.replaceAll('\n', '; ') : undefined;
}

/**
 * The row and column of a COPY error, from Postgres's context line (`COPY t,
 * line 3, column n: "x"`). Line 1 is the header, and Postgres counts a quoted
 * line break as part of its record, so line N is the table's row N - 2.
 */
function whereInCopy(error: Error): string {
  const where = (error as { where?: unknown }).where;
  const match = typeof where === 'string' ? /\bline (\d+)(?:, column ([^:]+))?/.exec(where) : null;
  if (match === null) return 'a value';
  const row = rowLabel(Number(match[1]) - 2);
  return match[2] === undefined ? row : `${row}, column "${match[2]}"`;
}
