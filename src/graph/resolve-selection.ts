import type { Definitions } from '../core/definitions.js';
import { UnknownAssetError } from '../core/errors.js';
import { suggestClosest } from '../core/suggest.js';
import { AssetGraph } from './asset-graph.js';
import { chainOperands, type SelectionAttribute, type SelectionNode } from './selection-ast.js';
import { EmptySelectionError, LegacySelectionError, StateUnavailableError } from './selection-errors.js';
import { selectionValuesHint } from './selection-hint.js';
import { parseSelection } from './selection-parser.js';
import { assetsInState, type SelectionStates, stateAtoms } from './selection-states.js';
import { emptyUnionPartWarning, type SelectionWarning } from './selection-warnings.js';
import { selectionNodes } from './selection-nodes.js';

/**
 * The keys a selection tree selects in `graph`, as an unordered set. An
 * empty result is returned, not thrown: a glob or attribute that matches
 * nothing is fine inside a larger expression, and only a caller that has the
 * final result (`selectAssets`) can say the selection is empty.
 *
 * Throws `UnknownAssetError` (with did-you-mean) for a plain key that names no
 * asset, and `LegacySelectionError` for a key glob that is really Dagster's
 * legacy `*x` / `x*` / `*x*`. The rule: a glob is legacy when stripping its
 * leading and/or trailing `*`s leaves a word with no `*` or `?` that is an
 * existing asset key. So `*customers` (with an asset `customers`) is rejected with
 * "write +customers", while `*_totals`, `customer_*` (no asset `customer_`) and `*` stay
 * globs, and `key:*customers` is always a glob: the way to ask for that glob.
 * Such a glob is never silently read either way, because both readings are
 * plausible and they select different assets.
 *
 * A state atom (`status:stale`) takes its assets from `states`; without
 * them it throws `StateUnavailableError`.
 *
 * Cost is linear in the graph per node of the tree: globs compile once to a
 * RegExp, and `+x` walks breadth-first from every selected asset at once, so
 * `+(group:big)` visits each edge once instead of once per member.
 */
export function resolveSelection(graph: AssetGraph, node: SelectionNode, states?: SelectionStates): Set<string> {
  return new SelectionResolver(graph, states).resolve(node);
}

/** What `selectAssets` takes: both are selection expressions. */
export interface SelectAssetsOptions {
  /** Default `*`: every asset. */
  readonly select?: string;
  /** Assets to leave out of `select`; parsed and checked just like it (an unknown key is an error). */
  readonly exclude?: string;
  /**
   * The assets' states, for expressions with a state atom (`status:stale`);
   * read them only when `stateAtoms` finds one. Without them such an
   * expression throws `StateUnavailableError`.
   */
  readonly states?: SelectionStates | undefined;
}

/**
 * Parses and resolves `select` minus `exclude`, in topological order (ties by
 * key). Throws `EmptySelectionError` when nothing is left, naming both
 * expressions, and the syntax, unknown-key and legacy errors of either;
 * except that an expression with a state atom may select nothing: "no asset
 * is stale" is an answer, not a mistake.
 *
 * @example
 * selectAssets(graph, { select: '+top_customers', exclude: 'group:sources' });
 * // ['orders_enriched', 'customer_totals', 'top_customers', ...]
 */
export function selectAssets(graph: AssetGraph, options: SelectAssetsOptions = {}): string[] {
  return selectAssetsWithWarnings(graph, options).keys;
}

/** The keys a selection selects, and what looks wrong about it although it selects something. */
export interface SelectionResult {
  /** In topological order, ties by key. */
  readonly keys: string[];
  /** One per union part that selects nothing, in reading order, each part once. */
  readonly warnings: readonly SelectionWarning[];
}

/**
 * `selectAssets`, with the warnings about the expressions: a part of a union
 * (`customers, tag:dialy`) that selects no assets while the whole expression
 * selects some. Throws as `selectAssets` does, and an expression that selects
 * nothing as a whole stays that error, not a warning.
 *
 * @example
 * const { keys, warnings } = selectAssetsWithWarnings(graph, { select: 'customers, tag:dialy' });
 * // keys: ['customers']; warnings[0].part: 'tag:dialy'
 */
export function selectAssetsWithWarnings(graph: AssetGraph, options: SelectAssetsOptions = {}): SelectionResult {
  const select = options.select ?? '*';
  const selectTree = parseSelection(select);
  const excludeTree = options.exclude === undefined ? undefined : parseSelection(options.exclude);
  const resolver = new SelectionResolver(graph, options.states);
  const selected = resolver.resolve(selectTree);
  const selectedCount = selected.size;
  const warnings = selectedCount > 0 ? resolver.takeEmptyUnionParts().map((part) => emptyUnionPartWarning(graph, 'select', select, part)) : [];
  if (excludeTree !== undefined) {
    const excluded = resolver.resolve(excludeTree);
    const emptyParts = resolver.takeEmptyUnionParts();
    if (excluded.size > 0) warnings.push(...emptyParts.map((part) => emptyUnionPartWarning(graph, 'exclude', options.exclude!, part)));
    for (const key of excluded) selected.delete(key);
  }
  const trees = excludeTree === undefined ? [selectTree] : [selectTree, excludeTree];
  if (selected.size > 0 || stateAtoms(trees).length > 0) return { keys: graph.sortTopologically(selected), warnings: uniqueWarnings(warnings) };

  let message = `Selection "${select}" selects no assets.`;
  if (options.exclude !== undefined) {
    message =
      selectedCount === 0
        ? `Selection "${select}" selects no assets (before excluding "${options.exclude}").`
        : `Selection "${select}" excluding "${options.exclude}" selects no assets: the exclusion removes ${selectedCount === 1 ? 'the only asset' : `all ${selectedCount}`} selected.`;
  }
  throw new EmptySelectionError({
    message,
    hint: selectionValuesHint(graph, trees),
    select,
    ...(options.exclude === undefined ? {} : { exclude: options.exclude }),
  });
}

/**
 * The warnings of `selectAssetsWithWarnings`, for a caller whose selection is
 * resolved elsewhere (`materialize` plans it): builds the asset graph only
 * when an expression has a union, the only place a warning comes from, so a
 * plain selection costs nothing more. Returns none when the selection is
 * empty as a whole: that is the planner's error to report.
 */
export function selectionWarnings(definitions: Definitions, options: SelectAssetsOptions): readonly SelectionWarning[] {
  const expressions = [options.select, options.exclude].filter((expression) => expression !== undefined);
  const trees = expressions.map((expression) => parseSelection(expression));
  if (!trees.some(hasUnion)) return [];
  const graph = new AssetGraph(definitions);
  // Without the states, a state atom is taken to hold every asset: only parts
  // without one are warned about, and those select the same whatever the states.
  const states = options.states ?? (stateAtoms(trees).length === 0 ? undefined : everyAssetInEveryState(graph));
  try {
    return selectAssetsWithWarnings(graph, { ...options, states }).warnings;
  } catch (error) {
    if (error instanceof EmptySelectionError) return [];
    throw error;
  }
}

function everyAssetInEveryState(graph: AssetGraph): SelectionStates {
  const all = new Set(graph.keys);
  return { status: () => all, check: () => all };
}

function hasUnion(node: SelectionNode): boolean {
  for (const current of selectionNodes(node)) if (current.type === 'or') return true;
  return false;
}

/** The same part written twice (`(tag:x or a) and (tag:x or b)`) is reported once. */
function uniqueWarnings(warnings: readonly SelectionWarning[]): SelectionWarning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const key = `${warning.option}\u0000${warning.part}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

class SelectionResolver {
  readonly #graph: AssetGraph;
  readonly #states: SelectionStates | undefined;
  #allKeys: readonly string[] | undefined;
  /** Union members that resolved to nothing since the last `takeEmptyUnionParts`, in reading order. */
  #emptyUnionParts: SelectionNode[] = [];

  constructor(graph: AssetGraph, states: SelectionStates | undefined) {
    this.#graph = graph;
    this.#states = states;
  }

  get #keys(): readonly string[] {
    this.#allKeys ??= this.#graph.keys;
    return this.#allKeys;
  }

  /** The union members that selected nothing in the resolves since the last call. */
  takeEmptyUnionParts(): SelectionNode[] {
    const parts = this.#emptyUnionParts;
    this.#emptyUnionParts = [];
    return parts;
  }

  /** Returns a fresh set the caller may change. */
  resolve(node: SelectionNode): Set<string> {
    switch (node.type) {
      case 'key':
        if (!this.#graph.has(node.key)) throw new UnknownAssetError('asset', node.key, suggestClosest(node.key, this.#keys));
        return new Set([node.key]);
      case 'glob':
        this.#rejectLegacyGlob(node.pattern);
        return new Set(this.#keys.filter(globMatcher(node.pattern)));
      case 'attribute':
        return this.#attribute(node.attribute, node.pattern);
      case 'state': {
        if (this.#states === undefined) throw new StateUnavailableError(node);
        // Only keys of this graph: states read from storage may name assets the definitions dropped.
        const inState = assetsInState(this.#states, node);
        return new Set(this.#keys.filter((key) => inState.has(key)));
      }
      case 'graph':
        return this.#expand(node.operand, node.upstream, node.downstream);
      case 'not': {
        const excluded = this.resolve(node.operand);
        return new Set(this.#keys.filter((key) => !excluded.has(key)));
      }
      case 'and':
      case 'or':
        return this.#chain(node);
    }
  }

  /** Folds an `and`/`or` chain left to right, so errors surface in reading order. */
  #chain(node: SelectionNode & { type: 'and' | 'or' }): Set<string> {
    const operand = (part: SelectionNode): Set<string> => {
      const keys = this.resolve(part);
      // A parenthesized union (`a or (b or c)`) has reported its own empty members; name the smallest parts.
      // A part with a state atom may well select nothing (nothing failed): that is no typo to warn about.
      if (node.type === 'or' && keys.size === 0 && part.type !== 'or' && stateAtoms([part]).length === 0) this.#emptyUnionParts.push(part);
      return keys;
    };
    const [first, ...rest] = chainOperands(node);
    let result = operand(first!);
    for (const part of rest) {
      const right = operand(part);
      result = node.type === 'or' ? union(result, right) : intersection(result, right);
    }
    return result;
  }

  #attribute(attribute: SelectionAttribute, pattern: string): Set<string> {
    // A plain key is one lookup: `status` selects every asset as `+(key:a, key:b, ...)`, and filtering all keys per term made that quadratic.
    if (attribute === 'key' && !isGlob(pattern)) return new Set(this.#graph.has(pattern) ? [pattern] : []);
    const matches = globMatcher(pattern);
    if (attribute === 'key') return new Set(this.#keys.filter(matches));
    const { assets, ioManagers } = this.#graph.definitions;
    const selected = new Set<string>();
    for (const asset of assets) {
      const hit =
        attribute === 'tag'
          ? asset.tags.some(matches)
          : attribute === 'group'
            ? matches(asset.group)
            : matches(ioManagers[asset.ioManager]?.kind ?? '');
      if (hit) selected.add(asset.key);
    }
    return selected;
  }

  /**
   * Union of the two walks from the operand's assets (not the descendants of
   * its ancestors). Each walk is one breadth-first search from all of them
   * at once, so an asset within `depth` of any selected one is reached at
   * its shortest distance.
   */
  #expand(operand: SelectionNode, upstream: number, downstream: number): Set<string> {
    const start = this.resolve(operand);
    const result = new Set(start);
    if (upstream > 0) for (const key of this.#graph.ancestorsOf(start, upstream)) result.add(key);
    if (downstream > 0) for (const key of this.#graph.descendantsOf(start, downstream)) result.add(key);
    return result;
  }

  #rejectLegacyGlob(pattern: string): void {
    const match = /^(\**)([^*?]+)(\**)$/.exec(pattern);
    if (match === null) return;
    const [, leading = '', key = '', trailing = ''] = match;
    if ((leading === '' && trailing === '') || !this.#graph.has(key)) return;
    const replacement = `${leading === '' ? '' : '+'}${key}${trailing === '' ? '' : '+'}`;
    const direction =
      leading !== '' && trailing !== '' ? 'its ancestors and descendants' : leading !== '' ? 'its ancestors' : 'its descendants';
    throw new LegacySelectionError({
      reason: `"${pattern}" is Dagster's legacy syntax for ${key} and all ${direction}; Strata reads "*" only as a glob, and will not guess which you meant`,
      legacy: pattern,
      replacement,
      hint: `Write "${replacement}" for ${key} and all ${direction}, or "key:${pattern}" for the keys matching the glob.`,
    });
  }
}

function union(a: Set<string>, b: Set<string>): Set<string> {
  const [large, small] = a.size >= b.size ? [a, b] : [b, a];
  for (const key of small) large.add(key);
  return large;
}

function intersection(a: Set<string>, b: Set<string>): Set<string> {
  const [large, small] = a.size >= b.size ? [a, b] : [b, a];
  const result = new Set<string>();
  for (const key of small) if (large.has(key)) result.add(key);
  return result;
}

function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** A predicate for a glob (`*` any run, `?` one character), compiled once; plain text compares by equality. */
function globMatcher(pattern: string): (value: string) => boolean {
  if (!isGlob(pattern)) return (value) => value === pattern;
  if (/^\*+$/.test(pattern)) return () => true;
  let source = '';
  for (const char of pattern) {
    source += char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const regexp = new RegExp(`^${source}$`);
  return (value) => regexp.test(value);
}
