// Moved behind the Instance API (the UI finds runs too); the commands still import it from here.
export { findRun } from '../instance/find-run.js';
