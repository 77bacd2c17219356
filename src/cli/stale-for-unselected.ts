import type { Instance, SelectionRequest } from '../instance/instance.js';
import { plural } from './format.js';

/** A selected asset that a run of its selection leaves stale, and the upstreams outside the selection it waits for. */
export interface StaleForUnselected {
  readonly key: string;
  readonly upstreams: readonly string[];
}

/**
 * The selected assets stale only because upstreams outside the selection
 * are stale or missing. `status` calls them stale (`upstream-planned`), yet
 * a run of the selection has nothing to do for them: it never runs an
 * upstream it leaves out, and what that upstream stored is what they last
 * read. Asked only when a run or dry run found nothing to do, so it plans
 * once more, and only when some selected asset has an upstream outside.
 */
export async function staleForUnselected(instance: Instance, selection: SelectionRequest): Promise<StaleForUnselected[]> {
  const [{ keys }, definitions] = await Promise.all([instance.select(selection), instance.definitions()]);
  const selected = new Set(keys);
  const outside = new Set<string>();
  for (const key of keys) for (const dep of definitions.asset(key)!.deps) if (!selected.has(dep)) outside.add(dep);
  if (outside.size === 0) return [];
  const states = await instance.assetStates([...keys, ...outside], { signal: selection.signal });
  return keys.flatMap((key) => {
    if (states.get(key)!.status !== 'stale') return [];
    const upstreams = definitions.asset(key)!.deps.filter((dep) => outside.has(dep) && states.get(dep)!.status !== 'fresh');
    return upstreams.length === 0 ? [] : [{ key, upstreams }];
  });
}

/** What a run with nothing to do says instead of "Everything is up to date" when `staleForUnselected` found some. */
export function describeStaleForUnselected(stale: readonly StaleForUnselected[]): string {
  const shown = stale.slice(0, 10).map(({ key, upstreams }) => `  ${key}: its upstream ${upstreams.join(', ')} ${upstreams.length === 1 ? 'is' : 'are'} not up to date, and not selected\n`);
  const more = stale.length > shown.length ? `  and ${plural(stale.length - shown.length, 'more asset')}\n` : '';
  return (
    `Nothing to run, but ${plural(stale.length, 'selected asset')} ${stale.length === 1 ? 'stays' : 'stay'} stale: a run uses what unselected upstreams stored.\n${shown.join('')}${more}` +
    `Select the upstreams too to bring ${stale.length === 1 ? 'it' : 'them'} up to date, e.g. --select +${stale[0]!.key}.\n`
  );
}
