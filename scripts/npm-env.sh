# Sourced by setup.sh and .ci/run. Native addons (better-sqlite3, node-pty, ours) compile
# against Node's headers; where the machine has them installed, use them instead of
# downloading them (which fails on a machine without internet access to nodejs.org).
if [ -z "${npm_config_nodedir:-}" ] && [ -z "$(npm config get nodedir 2>/dev/null | grep -v undefined)" ]; then
  node_prefix=$(dirname "$(dirname "$(command -v node)")")
  if [ -f "$node_prefix/include/node/node.h" ]; then export npm_config_nodedir="$node_prefix"; fi
fi
