import type { ResourceDefinition } from '../core/resource.js';
import { resolveResourceConfig, resourceConfigError, ResourceSettings } from '../core/resource-config.js';

/**
 * Creates each resource at most once per run, on first use, unless the
 * definitions supplied a ready-made instance for its key. A configurable
 * resource is created with its config parsed from the environment and the
 * config file's settings (which `defineConfig` puts where an instance would go).
 */
export class ResourcePool {
  readonly #instances = new Map<string, Promise<unknown>>();
  /** Resource key -> the variables it read from `ResourceContext.env` other than its declared settings', in the order first read. */
  readonly #envReads = new Map<string, Set<string>>();
  readonly #supplied: Readonly<Record<string, unknown>>;
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(supplied: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>) {
    this.#supplied = supplied;
    this.#env = env;
  }

  /** The instances for an asset's resource map, by the names the asset uses. */
  async resolve(resources: Readonly<Record<string, ResourceDefinition>>): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      Object.entries(resources).map(async ([name, definition]) => [name, await this.#get(definition)] as const),
    );
    return Object.fromEntries(entries);
  }

  #get(definition: ResourceDefinition): Promise<unknown> {
    let instance = this.#instances.get(definition.key);
    if (instance === undefined) {
      const supplied = this.#supplied[definition.key];
      instance =
        definition.key in this.#supplied && !(supplied instanceof ResourceSettings)
          ? Promise.resolve(supplied)
          : Promise.resolve().then(() => {
              const resolved = resolveResourceConfig(definition, this.#env, supplied as ResourceSettings | undefined);
              if ('problems' in resolved) throw resourceConfigError(resolved.problems);
              return definition.create({ env: this.#watchedEnv(definition), config: resolved.config });
            });
      this.#instances.set(definition.key, instance);
    }
    return instance;
  }

  /**
   * The variables the created resources among `resources` read from their
   * `env` beyond their declared settings (`resource key -> names`, sorted),
   * so far: a value a resource reads there (a region, a feature flag) shapes
   * what the assets using it store, as a setting does, and the step records
   * it as one (see `withEnvReads`). Reads a resource makes after the
   * step asked are the next step's to record.
   */
  envReads(resources: Readonly<Record<string, ResourceDefinition>>): Record<string, string[]> {
    const reads: Record<string, string[]> = {};
    for (const { key } of Object.values(resources)) {
      const names = this.#envReads.get(key);
      if (names !== undefined && names.size > 0) reads[key] = [...names].sort();
    }
    return reads;
  }

  /**
   * `env` as `definition.create` sees it, noting each variable it looks up
   * (`env.X`, `'X' in env`). Its declared settings' variables are left out:
   * their parsed values are fingerprinted already. Enumerating the whole
   * environment notes nothing, as what it was looked through for is not known.
   */
  #watchedEnv(definition: ResourceDefinition): Readonly<Record<string, string | undefined>> {
    const declared = new Set(Object.values(definition.env ?? {}));
    const note = (name: string | symbol) => {
      // `env.hasOwnProperty(...)` and the like look up Object.prototype's members, not variables.
      if (typeof name !== 'string' || declared.has(name) || name in Object.prototype) return;
      let names = this.#envReads.get(definition.key);
      if (names === undefined) this.#envReads.set(definition.key, (names = new Set()));
      names.add(name);
    };
    return new Proxy(this.#env, {
      get: (target, name) => {
        note(name);
        return Reflect.get(target, name);
      },
      has: (target, name) => {
        note(name);
        return Reflect.has(target, name);
      },
    });
  }
}
