/** What a resource factory is given when a run first needs the resource. */
export interface ResourceContext {
  /** The environment of the command (injected, so tests need not touch `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * A named dependency that assets receive at run time (an API client, a data
 * source, a connection). An asset lists the resources it needs; a run creates
 * each one once, on first use, unless the caller supplied an instance.
 *
 * @example
 * const clock = resource({ key: 'clock', create: () => ({ now: () => new Date() }) });
 */
export interface ResourceDefinition<T = unknown> {
  readonly key: string;
  readonly description?: string;
  readonly create: (context: ResourceContext) => T | Promise<T>;
}

export function resource<T>(definition: ResourceDefinition<T>): ResourceDefinition<T> {
  return Object.freeze({ ...definition });
}

/** The resources an asset asks for, by the name it uses for each. */
export type ResourceMap = { readonly [name: string]: ResourceDefinition<unknown> };

/** The instances an asset's compute receives for a `ResourceMap`. */
export type ResourceInstances<M extends ResourceMap> = { readonly [N in keyof M]: M[N] extends ResourceDefinition<infer T> ? T : never };
