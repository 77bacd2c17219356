import { validator } from 'hono/validator';
import { suggestClosest } from '../../core/suggest.js';
import { badRequest } from './api-error.js';

/**
 * The query parameters a route of the API takes, as Hono middleware: the
 * route reads them as `c.req.valid('query')`, and any other parameter, or
 * one given twice, is answered 400 naming it, the route and what the route
 * takes, before the route does anything. As the CLI answers an unknown flag:
 * a mistyped `?stauts=failed` would otherwise be dropped in silence and the
 * answer read as if it were filtered. Every parameter takes one value; a
 * route that takes a list would declare that here.
 *
 * @example
 * api.get('/runs', queryParameters('status', 'limit'), (c) => { const { status } = c.req.valid('query'); ... });
 */
export function queryParameters<const Name extends string>(...names: Name[]) {
  return validator('query', (query, c): Partial<Record<Name, string>> => {
    const route = `${c.req.method} ${c.req.routePath}`;
    const takes = names.length === 0 ? `${route} takes no query parameters.` : `${route} takes ${names.map((name) => `"${name}"`).join(', ')}.`;
    const values: Partial<Record<Name, string>> = {};
    for (const [name, value] of Object.entries(query)) {
      if (!isDeclared(name, names)) {
        const suggestions = suggestClosest(name, names);
        throw badRequest(`Unknown query parameter "${name}" for ${route}.`, suggestions.length > 0 ? `Did you mean "${suggestions.join('" or "')}"? ${takes}` : takes);
      }
      if (Array.isArray(value)) throw badRequest(`Query parameter "${name}" was given ${value.length} times to ${route}; it takes one value.`, 'Give it once.');
      values[name] = value;
    }
    return values;
  });
}

function isDeclared<Name extends string>(name: string, names: readonly Name[]): name is Name {
  return (names as readonly string[]).includes(name);
}
