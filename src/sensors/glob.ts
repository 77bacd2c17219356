import { StrataError } from '../core/errors.js';

/** A compiled glob: which relative paths (with `/`) it matches, and how deep a walk must go to find them. */
export interface GlobMatcher {
  readonly pattern: string;
  matches(relativePath: string): boolean;
  /** Path segments a match can have at most; Infinity with `**`. */
  readonly maxDepth: number;
}

/**
 * Compiles a glob over `/`-separated relative paths: `*` (any run of
 * characters within a segment), `?` (one character), `[abc]`, `[a-z]`,
 * `[!abc]`, `{json,csv}`, and `**` as a whole segment (any number of
 * segments, none included). As in shells, `*`, `?` and `**` do not match
 * names starting with a dot, so editors' swap files and `.DS_Store` are left
 * out; write the dot to match them (`.*.json`). Node 20 has no `fs.glob`,
 * and a dependency for this would be larger than the matcher.
 *
 * Throws `STRATA_INVALID_GLOB` for an unclosed `[` or `{`, and for absolute
 * or `..` patterns, which would reach outside the watched folder.
 *
 * @example
 * compileGlob('*.json').matches('customers.json'); // true
 * compileGlob('*.json').matches('2026-01-05/customers.json'); // false: one segment only
 */
export function compileGlob(pattern: string): GlobMatcher {
  const segments = pattern.split('/');
  if (pattern === '' || pattern.startsWith('/') || segments.includes('..')) {
    throw invalidGlob(pattern, 'it must be a relative path inside the watched folder, without ".."');
  }
  let source = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      // Zero or more whole segments; at the end, one or more (a file must have a name).
      source += last ? '(?:(?!\\.)[^/]+/)*(?!\\.)[^/]+' : '(?:(?!\\.)[^/]+/)*';
      return;
    }
    source += segmentSource(segment, pattern) + (last ? '' : '/');
  });
  const regex = new RegExp(`^${source}$`, 'u');
  return {
    pattern,
    matches: (relativePath) => regex.test(relativePath),
    maxDepth: segments.includes('**') ? Infinity : segments.length,
  };
}

function segmentSource(segment: string, pattern: string): string {
  // A leading wildcard must not match a leading dot.
  let source = segment.startsWith('.') ? '' : '(?!\\.)';
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = segment.indexOf(']', index + 2);
      if (end === -1) throw invalidGlob(pattern, `"[" at "${segment.slice(index)}" is never closed`);
      let body = segment.slice(index + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      index = end;
    } else if (char === '{') {
      const end = segment.indexOf('}', index);
      if (end === -1) throw invalidGlob(pattern, `"{" at "${segment.slice(index)}" is never closed`);
      const options = segment.slice(index + 1, end).split(',').map(escapeRegex);
      source += `(?:${options.join('|')})`;
      index = end;
    } else source += escapeRegex(char);
  }
  return source;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function invalidGlob(pattern: string, reason: string): StrataError {
  return new StrataError('STRATA_INVALID_GLOB', `Invalid glob "${pattern}": ${reason}.`, {
    hint: 'Use a relative pattern such as "*.json", "snapshots/*/orders.json" or "**/*.csv".',
  });
}
