#!/usr/bin/env bash
# The README's first command: install gflow from this clone, start or find its daemon, run a
# first job. Root installs for the whole machine (/usr/local) and sets up the shared daemon;
# anyone else installs into their own ~/.local and needs no root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
. scripts/npm-env.sh
npm ci --no-audit --no-fund
# /usr/local, not npm's global prefix (here /usr, the distribution's, next to what dpkg owns):
# on every PATH, sudo's included, and the place for software the admin installs by hand.
if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix=$HOME/.local; fi
# npm ci has run gflow's own install and prepare scripts (the addon, the build); npm link only
# links this clone into the prefix and puts gflow and gflowd in its bin/. npm's links rather
# than our own: `npm rm -g gflow` removes them, and the release package installs over them.
# The prefix goes in through the environment of this one command: the user's npm configuration
# stays as it is, and --prefix on the command line would make npm link the prefix itself.
# Run as a global install, gflow's scripts would run a second time, outside the project's
# allowScripts (npm 11 warns about them there).
NPM_CONFIG_PREFIX=$prefix npm link --ignore-scripts --no-audit --no-fund
bash scripts/path-hint.sh "$prefix/bin"
export PATH="$prefix/bin:$PATH"
bash scripts/first-run.sh
