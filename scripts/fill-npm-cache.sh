#!/usr/bin/env bash
# Fills the npm cache with what test/package/install.test.ts installs offline:
# the packed tarball's dependencies (alone, and beside a new project's), and the dependencies `assets init` adds
# to a new project (zod, and Strata's own TypeScript, vitest and @types/node
# ranges). Run from a checkout whose dist/ is built, with the Node to fill for
# first on PATH. `.ci/run` calls it before each `npm test`, so a machine whose
# cache is empty or older than the lockfile still passes that test.
#
# Each Node version needs its own fill: within a range npm picks the newest
# version whose `engines` accept the running Node, so the same tarball
# resolves pino-pretty's strip-json-comments to 5.0.3 on Node 20 and to
# 5.1.0 (engines >=22) on Node 24.
#
# Install scripts are skipped: only the cache matters, and the test builds
# better-sqlite3 itself.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/strata-npm-cache.XXXXXX")"
trap 'rm -rf "$work"' EXIT

tarball="$(cd "$root" && npm pack --ignore-scripts --silent --pack-destination "$work")"
mkdir "$work/project"
node -e '
  const [manifestPath, tarball, out] = process.argv.slice(1);
  const strata = JSON.parse(require("node:fs").readFileSync(manifestPath, "utf8"));
  const pick = (from, names) => Object.fromEntries(names.map((name) => [name, from[name]]));
  require("node:fs").writeFileSync(out, JSON.stringify({
    name: "strata-npm-cache-fill",
    private: true,
    dependencies: { "strata-assets": `file:../${tarball}`, ...pick(strata.dependencies, ["zod"]) },
    devDependencies: pick(strata.devDependencies, ["@types/node", "typescript", "vitest"]),
  }, null, 2));
' "$root/package.json" "$tarball" "$work/project/package.json"
(cd "$work/project" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2)

# The tarball alone too, as a user's first `npm install` (and the test's) makes
# it: with nothing else pinning them, its dependencies' open ranges resolve to
# other versions than beside the project's dependencies above (graphile-worker
# brings @types/pg, whose "@types/node": "*" is then the newest).
mkdir "$work/alone"
(cd "$work/alone" && npm init -y >/dev/null && npm install "../$tarball" --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
echo "fill-npm-cache: cached what $tarball and a new project's dependencies resolve to on Node $(node --version)" >&2
