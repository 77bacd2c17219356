/** The database file inside `STRATA_HOME`: a module of its own, so naming it does not load the SQLite driver. */
export const SQLITE_DATABASE_FILE = 'strata.db';
