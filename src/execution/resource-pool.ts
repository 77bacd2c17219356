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
              return definition.create({ env: this.#env, config: resolved.config });
            });
      this.#instances.set(definition.key, instance);
    }
    return instance;
  }
}
