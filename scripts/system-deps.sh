#!/usr/bin/env bash
# Installs the system packages gflow needs that a fresh machine may lack:
# tmux (jobs and the daemon live in it), a C/C++ toolchain for the native addons; with --test
# also what the tests drive: chromium (the dashboard's browser tests), Slurm + munge (a real one-node
# cluster; no daemon is started by the packages here: without systemd invoke-rc.d does nothing),
# zsh and fish (completion tests), strace (the shared daemon's file opens are traced), systemd
# (its systemd-analyze verifies the service units gflowd writes; nothing of it is started), pgrep
# (procps) and chattr (e2fsprogs), which slim images lack. Under CI=true a test whose part is
# missing fails (test/helpers/requires.ts); what cannot be installed (root, useradd, mount,
# writable memory cgroups) the machine must have.
set -euo pipefail
need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v make >/dev/null 2>&1 || need+=(make)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "${1:-}" = --test ]; then
  # The web dashboard's tests drive a real headless browser (test/web/browser.ts).
  [ -x /usr/bin/chromium ] || need+=(chromium)
  for b in slurmctld slurmd sbatch; do command -v $b >/dev/null 2>&1 || { need+=(slurm-wlm); break; }; done
  command -v munged >/dev/null 2>&1 && command -v mungekey >/dev/null 2>&1 || need+=(munge)
  command -v zsh >/dev/null 2>&1 || need+=(zsh)
  command -v fish >/dev/null 2>&1 || need+=(fish)
  command -v strace >/dev/null 2>&1 || need+=(strace)
  command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
  command -v pgrep >/dev/null 2>&1 || need+=(procps)
  command -v chattr >/dev/null 2>&1 || need+=(e2fsprogs)
fi
if ((${#need[@]} == 0)); then exit 0; fi
echo "installing: ${need[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
