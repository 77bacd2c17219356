import type { DefinedAsset, Definitions } from '../core/definitions.js';
import { UnknownAssetError } from '../core/errors.js';
import { suggestClosest } from '../core/suggest.js';

/** The asset a command was given by key, or an `UnknownAssetError` with the closest keys as did-you-mean. */
export function requireAsset(definitions: Definitions, key: string): DefinedAsset {
  const asset = definitions.asset(key);
  if (asset === undefined) throw new UnknownAssetError('asset', key, suggestClosest(key, definitions.assets.map((each) => each.key)));
  return asset;
}
