/** Query parameter names (and name parts, split at `_`, `-` and `.`) whose values are secrets. */
const SECRET_NAMES = new Set([
  'token',
  'key',
  'apikey',
  'api_key',
  'secret',
  'password',
  'auth',
  'access_token',
  'signature',
]);

const MASK = '***';

/**
 * `url` safe to print: userinfo and the values of secret-looking query (and
 * fragment) parameters become `***`. Works on the text, not a parsed URL, so an
 * address that fails to parse is still redacted before it goes into an error.
 *
 * @example
 * redactUrl('https://me:pw@api.example.com/v1?api_key=abc&page=2');
 * // 'https://***:***@api.example.com/v1?api_key=***&page=2'
 */
export function redactUrl(url: string): string {
  const withoutUserinfo = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_match, scheme: string, userinfo: string) =>
    userinfo.includes(':') ? `${scheme}${MASK}:${MASK}@` : `${scheme}${MASK}@`,
  );
  const hashAt = withoutUserinfo.indexOf('#');
  const beforeHash = hashAt === -1 ? withoutUserinfo : withoutUserinfo.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : withoutUserinfo.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  if (queryAt === -1) return beforeHash + redactParameters(hash);
  return beforeHash.slice(0, queryAt) + redactParameters(beforeHash.slice(queryAt)) + redactParameters(hash);
}

/** Redacts `?a=1&token=x` or `#access_token=x` keeping the raw text of everything else. */
function redactParameters(part: string): string {
  if (part.length <= 1) return part;
  const pairs = part
    .slice(1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair;
      return isSecretName(pair.slice(0, equals)) ? `${pair.slice(0, equals)}=${MASK}` : pair;
    });
  return `${part[0]}${pairs.join('&')}`;
}

function isSecretName(raw: string): boolean {
  let name: string;
  try {
    name = decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    name = raw.toLowerCase();
  }
  // `client_secret`, `X-Amz-Signature` and `private.key` are secrets too.
  return SECRET_NAMES.has(name) || name.split(/[-_.\s]/).some((part) => SECRET_NAMES.has(part));
}
