/** What a new project's package.json asks for: strata-assets itself, and the versions it is built and tested with. */
export interface ScaffoldVersions {
  /** A dependency spec that installs the copy of strata-assets that ran `assets init`: `^x.y.z` or `file:...`. */
  readonly strataAssets: string;
  readonly zod: string;
  readonly typescript: string;
  readonly vitest: string;
  readonly typesNode: string;
}

/** The test script `npm init` writes, which a scaffolded project replaces. */
const NPM_INIT_TEST_SCRIPT = 'echo "Error: no test specified" && exit 1';

/**
 * The package.json of a new project: `existing` (what `npm init` or
 * `npm install <tarball>` wrote) with what the scaffold needs added, or a
 * new one. Never replaces a value the user set, with two exceptions that
 * the project cannot work without, both reported in `changes`: `"type"`
 * becomes `"module"` (strata-assets is ESM-only, and tsc and the CLI load the
 * project's .ts files as ES modules), and `npm init`'s failing test
 * placeholder becomes `vitest run`.
 */
export function scaffoldManifest(
  existing: Readonly<Record<string, unknown>> | undefined,
  projectName: string,
  versions: ScaffoldVersions,
): { manifest: Record<string, unknown>; changes: string[] } {
  const manifest: Record<string, unknown> = existing === undefined ? { name: projectName, version: '0.1.0', private: true } : { ...existing };
  const changes: string[] = [];
  if (manifest.type !== 'module') {
    if (existing !== undefined) changes.push(`"type": "module" (was ${manifest.type === undefined ? 'unset' : JSON.stringify(manifest.type)})`);
    manifest.type = 'module';
  }
  const section = (name: string): Record<string, unknown> => {
    const value = manifest[name];
    const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
    manifest[name] = object;
    return object;
  };
  const add = (sectionName: string, entries: Readonly<Record<string, unknown>>, isPresent: (key: string, object: Record<string, unknown>) => boolean) => {
    const object = section(sectionName);
    const added = Object.entries(entries).filter(([key]) => !isPresent(key, object));
    for (const [key, value] of added) object[key] = value;
    if (existing !== undefined && added.length > 0) changes.push(`${sectionName}: ${added.map(([key]) => key).join(', ')}`);
  };
  const declared = (key: string) =>
    [manifest.dependencies, manifest.devDependencies].some((deps) => typeof deps === 'object' && deps !== null && key in deps);

  add('scripts', { materialize: 'assets materialize', test: 'vitest run', typecheck: 'tsc --noEmit' }, (key, scripts) => key in scripts && !(key === 'test' && scripts[key] === NPM_INIT_TEST_SCRIPT));
  // A strata-assets the project already declares (what `npm install` wrote,
  // a registry range or the tarball it came from) is kept: it resolves there.
  add('dependencies', { 'strata-assets': versions.strataAssets, zod: versions.zod }, declared);
  add('devDependencies', { '@types/node': versions.typesNode, typescript: versions.typescript, vitest: versions.vitest }, declared);
  // npm 11 warns about dependencies' install scripts that allowScripts does
  // not cover, and npm's strict mode blocks them: better-sqlite3 builds the
  // SQLite addon the instance needs; esbuild (under tsx) checks its binary.
  add('allowScripts', { 'better-sqlite3': true, esbuild: true }, (key, allowed) => key in allowed);
  return { manifest, changes };
}
