import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The files a `tsconfig.json` or `jsconfig.json` extends, transitively
 * (`"extends": "../tsconfig.base.json"`, a list of them, or a package's
 * config): a `paths` or `baseUrl` there decides where imports resolve as
 * much as one in the file itself. A relative one is named even while it is
 * missing, so creating it counts; a package's that cannot be found is left
 * out, as is anything in a config that cannot be read.
 */
export function extendedConfigs(config: string): string[] {
  const found: string[] = [];
  const pending = [config];
  while (pending.length > 0) {
    const file = pending.pop()!;
    for (const specifier of extendsOf(file)) {
      const extended = resolveExtends(specifier, file);
      if (extended === undefined || extended === config || found.includes(extended)) continue;
      found.push(extended);
      pending.push(extended);
    }
  }
  return found;
}

function extendsOf(file: string): string[] {
  try {
    // TypeScript's configs are JSON with comments and trailing commas.
    const parsed = JSON.parse(withoutComments(readFileSync(file, 'utf8')).replace(/,(\s*[}\]])/g, '$1')) as { extends?: unknown };
    const named = Array.isArray(parsed.extends) ? parsed.extends : [parsed.extends];
    return named.filter((entry): entry is string => typeof entry === 'string' && entry !== '');
  } catch {
    return [];
  }
}

/** As TypeScript finds it: a path (with `.json` added when there is no such file), else a package's file. */
function resolveExtends(specifier: string, from: string): string | undefined {
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    const file = path.resolve(path.dirname(from), specifier);
    return existsSync(file) || file.endsWith('.json') ? file : `${file}.json`;
  }
  const require = createRequire(from);
  for (const candidate of [specifier, `${specifier}/tsconfig.json`]) {
    try {
      return require.resolve(candidate);
    } catch {
      // Not this one: TypeScript tries the package's tsconfig.json next.
    }
  }
  return undefined;
}

/** `text` without its `//` and `/* */` comments, strings left whole (a URL's `//`, a `paths` key's `/*`). */
function withoutComments(text: string): string {
  let kept = '';
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString) {
      kept += char;
      if (char === '\\') kept += text[++index] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '/' && text[index + 1] === '/') {
      while (index < text.length && text[index] !== '\n') index++;
      kept += '\n';
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? text.length : end + 1;
    } else {
      inString = char === '"';
      kept += char;
    }
  }
  return kept;
}
