/**
 * The asset objects `asset()` and `multiAsset()` returned. Their code version
 * covers their compute: the module that declared it, or the explicit
 * `codeVersion` it came with. Any other object handed to `defineDefinitions`
 * is a copy or a hand-made one, such as `{ ...orders, compute: timed(orders.compute) }`,
 * whose compute may be code from another module: see `defineDefinitions`.
 */
const declared = new WeakSet<object>();

/** Marks `asset` as made by `asset()` or `multiAsset()`, and returns it. */
export function markDeclared<T extends object>(asset: T): T {
  declared.add(asset);
  return asset;
}

/** Whether `asset()` or `multiAsset()` made `asset` (and not a copy of what they made). */
export function wasDeclared(asset: object): boolean {
  return declared.has(asset);
}
