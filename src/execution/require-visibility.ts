import type { Definitions } from '../core/definitions.js';
import { UsageError } from '../core/errors.js';
import { IO_MANAGER_VISIBILITIES, visibilityOf, type IOManagerVisibility } from '../core/io-manager.js';
import type { MaterializationPlan } from './plan-materialization.js';

/** What an executor that runs steps outside this process can ask of the IO managers. */
export type NeededVisibility = Exclude<IOManagerVisibility, 'process'>;

const whereItIsVisible: Record<IOManagerVisibility, string> = {
  process: 'in this process only',
  host: 'on this host only',
  cluster: 'on every host',
};

const whereStepsRun: Record<NeededVisibility, string> = {
  host: 'in other threads or processes of this host',
  cluster: 'on workers on any host',
};

const howToFix: Record<NeededVisibility, string> = {
  host: 'Store these assets with a file-based IO manager (CsvIOManager, the default) or PostgresIOManager, or use --executor in-process.',
  cluster:
    'Store these assets with PostgresIOManager, or with CsvIOManager({ baseDir, shared: true }) on a folder every worker mounts at the same path.',
};

/**
 * Refuses, before anything runs, a plan whose steps would store or load
 * tables through an IO manager that the executor's workers cannot see:
 * `host` for executors that run steps in other threads or processes of this
 * machine (`workers`), `cluster` for those that run them on any host (the
 * work pool's queue). Checks every planned asset and every upstream a planned
 * step loads, since a worker loads its inputs itself. Throws one `UsageError`
 * that names every such asset with its IO manager, and says how to fix it.
 *
 * @example
 * requireVisibility(definitions, plan, 'cluster', 'queue'); // in the queue executor's create()
 */
export function requireVisibility(definitions: Definitions, plan: MaterializationPlan, needed: NeededVisibility, executorName: string): void {
  const enough = IO_MANAGER_VISIBILITIES.indexOf(needed);
  const touched = new Set<string>();
  for (const step of plan.plan.planned) {
    touched.add(step.key);
    for (const upstream of plan.graph.parents(step.key)) touched.add(upstream);
  }
  const blind = [...touched]
    .sort()
    .map((key) => {
      const name = plan.graph.asset(key).ioManager;
      const manager = definitions.ioManagers[name]!;
      return { key, name, kind: manager.kind, visibility: visibilityOf(manager) };
    })
    .filter((asset) => IO_MANAGER_VISIBILITIES.indexOf(asset.visibility) < enough);
  if (blind.length === 0) return;

  const reaches = [...new Set(blind.map((asset) => whereItIsVisible[asset.visibility]))].join(' or ');
  const subject = blind.length === 1 ? 'its IO manager keeps' : 'their IO managers keep';
  const list = blind.map((asset) => `\n  - "${asset.key}": IO manager "${asset.name}" (${asset.kind}), visible ${whereItIsVisible[asset.visibility]}`);
  throw new UsageError(
    `The ${executorName} executor cannot run ${blind.map((asset) => `"${asset.key}"`).join(', ')}: ${subject} tables ${reaches}. ` +
      `Its steps run ${whereStepsRun[needed]}, and load their inputs through the IO managers themselves:${list.join('')}`,
    { hint: howToFix[needed] },
  );
}
