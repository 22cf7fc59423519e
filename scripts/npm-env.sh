# Sourced by setup.sh and .ci/run. Native addons (better-sqlite3, node-pty, ours) compile
# against Node's headers; where the machine has the headers of the running Node installed, use
# them instead of downloading them (which fails on a machine without internet access to
# nodejs.org). node-gyp takes the directory from npm_package_config_node_gyp_nodedir: npm 11
# warns about npm_config_nodedir ("Unknown env config"), since nodedir is node-gyp's option and
# not npm's, but passes npm_package_config_* variables to install scripts untouched.
if [ -z "${npm_config_nodedir:-}" ] && [ -z "${npm_package_config_node_gyp_nodedir:-}" ] &&
  [ -z "$(npm config get nodedir 2>/dev/null | grep -v undefined)" ]; then
  node_prefix=$(dirname "$(dirname "$(command -v node)")")
  version_h="$node_prefix/include/node/node_version.h"
  # Headers of another Node version would build addons this Node cannot load.
  if [ -f "$version_h" ] && [ "$(node -p process.versions.node)" = "$(awk '/^#define NODE_(MAJOR|MINOR|PATCH)_VERSION/ {v = v (v == "" ? "" : ".") $3} END {print v}' "$version_h")" ]; then
    export npm_package_config_node_gyp_nodedir="$node_prefix"
  fi
fi
