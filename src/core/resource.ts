import type { z } from 'zod';

/** The zod schema of a resource's config: an object, one field per setting. */
export type ResourceConfigSchema = z.ZodObject<z.ZodRawShape>;

/** What a resource factory is given when a run first needs the resource. */
export interface ResourceContext<C = undefined> {
  /** The environment of the command (injected, so tests need not touch `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * The resource's settings, parsed by its `config` schema from its environment
   * variables, else the config file's `resources.<key>`, else the schema's
   * defaults. `undefined` for a resource that declares no config.
   */
  readonly config: C;
}

/**
 * A named dependency that assets receive at run time (an API client, a data
 * source, a connection). An asset lists the resources it needs; a run creates
 * each one once, on first use, unless the caller supplied an instance.
 *
 * A configurable resource declares a zod `config` schema and, in `env`, the
 * environment variable that sets each field. The CLI checks every resource's
 * config when it starts, before anything runs, and names the variable at fault.
 *
 * @example
 * const clock = resource({ key: 'clock', create: () => ({ now: () => new Date() }) });
 * const warehouse = resource({
 *   key: 'warehouse',
 *   config: z.object({ url: z.url(), poolSize: z.coerce.number().int().positive().default(4) }),
 *   env: { url: 'WAREHOUSE_URL', poolSize: 'WAREHOUSE_POOL_SIZE' },
 *   create: ({ config }) => connect(config.url, { max: config.poolSize }),
 * });
 */
export interface ResourceDefinition<T = unknown, C = unknown> {
  readonly key: string;
  readonly description?: string | undefined;
  /** The schema of its settings; absent for a resource that takes none. */
  readonly config?: ResourceConfigSchema | undefined;
  /** Config field -> the environment variable that sets it (it wins over the config file). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  // Method syntax on purpose: it makes a definition with a specific config type
  // assignable to `ResourceDefinition<T, unknown>`, which `ResourceMap` holds.
  create(context: ResourceContext<C>): T | Promise<T>;
}

/** What `resource()` takes. `env` needs `config`: it maps the config's fields to variable names. */
export interface ResourceSpec<T, S extends ResourceConfigSchema | undefined> {
  readonly key: string;
  readonly description?: string;
  readonly config?: S;
  /** Config field -> environment variable (conventionally UPPER_SNAKE_CASE). */
  readonly env?: EnvVariables<S>;
  readonly create: (context: ResourceContext<ConfigOf<S>>) => T | Promise<T>;
}

/** The variables of a config's fields; `never` without a config, so `env` alone does not type-check. */
export type EnvVariables<S> = S extends ResourceConfigSchema ? { readonly [F in keyof S['shape'] & string]?: string } : never;

/** The parsed config a resource's `create` receives. */
export type ConfigOf<S> = S extends ResourceConfigSchema ? z.output<S> : undefined;

/** Declares a resource (see `ResourceDefinition`); with `config`, `create` receives it parsed and typed. */
export function resource<T, S extends ResourceConfigSchema | undefined = undefined>(spec: ResourceSpec<T, S>): ResourceDefinition<T, ConfigOf<S>> {
  return Object.freeze({
    key: spec.key,
    description: spec.description,
    config: spec.config,
    env: spec.env === undefined ? undefined : Object.freeze({ ...(spec.env as Record<string, string>) }),
    create: spec.create as ResourceDefinition<T, ConfigOf<S>>['create'],
  });
}

/** The resources an asset asks for, by the name it uses for each. */
export type ResourceMap = { readonly [name: string]: ResourceDefinition<unknown> };

/** The instances an asset's compute receives for a `ResourceMap`. */
export type ResourceInstances<M extends ResourceMap> = { readonly [N in keyof M]: M[N] extends ResourceDefinition<infer T> ? T : never };
