import { defineDefinitions as checkDefinitions, type Definitions, type DefinitionsSpec } from '../core/definitions.js';
import { CsvIOManager } from './csv-io-manager.js';

/**
 * Checks a definition set as `defineDefinitions` in `core` does, after giving
 * it the default IO manager when it names none under `"default"`: a
 * `CsvIOManager` writing to `STRATA_OUTPUT_DIR` (else `output/`) in the
 * project, as Dagster defaults to its filesystem IO manager. Assets that name
 * no IO manager are stored there. (`core` cannot construct it: it imports
 * nothing of ours.)
 *
 * @example
 * export default defineDefinitions({ assets: [customers, customerTotals] }); // CSVs in output/
 */
export function defineDefinitions(spec: DefinitionsSpec): Definitions {
  if (spec.ioManagers?.['default'] !== undefined) return checkDefinitions(spec);
  return checkDefinitions({ ...spec, ioManagers: { default: new CsvIOManager(), ...spec.ioManagers } });
}
