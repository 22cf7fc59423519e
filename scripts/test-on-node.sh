#!/usr/bin/env bash
# Runs the test suite on another major version of Node.js (gflow supports 20, 22 and 24), in a
# clone of this repository's HEAD with its own node_modules, built for that version. The Node
# binary and its headers (what native addons compile against) come from the npm registry's
# node-linux-<arch> package: nothing is downloaded from nodejs.org.
#   bash scripts/test-on-node.sh 24 [test file filters...]
set -euo pipefail
major=${1:?usage: bash scripts/test-on-node.sh <major version, e.g. 24> [test filters...]}
shift
cd "$(dirname "$0")/.."
root=$PWD
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "test-on-node: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
. scripts/npm-env.sh
work="$root/.cache/node-$major"
mkdir -p "$work/runtime"
npm install --prefix "$work/runtime" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-$arch@$major"
node_dir="$work/runtime/node_modules/node-linux-$arch"
# A clone, not a copy: tests build earlier releases from the repository's history.
rm -rf "$work/tree"
git clone --quiet --shared "$root" "$work/tree"
git -C "$work/tree" checkout --quiet --detach "$(git rev-parse HEAD)"
cd "$work/tree"
export PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir"
unset npm_package_config_node_gyp_nodedir
echo "test-on-node: $(node --version) in $work/tree"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
node scripts/run-tests.mjs "$@"
