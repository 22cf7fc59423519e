#!/usr/bin/env bash
# Installs the system packages gflow needs that a fresh machine may lack:
# tmux (jobs and the daemon live in it), a C/C++ toolchain for the native addons
# (scripts/build-tools.sh); with --test also what the tests drive: chromium (the dashboard's
# browser tests), Slurm + munge (a real one-node cluster; no daemon is started by the packages
# here: without systemd invoke-rc.d does nothing), zsh and fish (completion tests), strace (the
# shared daemon's file opens are traced), systemd (its systemd-analyze verifies the service units
# gflowd writes; nothing of it is started), pgrep (procps) and chattr (e2fsprogs), which slim
# images lack. Under CI=true a test whose part is missing fails (test/helpers/requires.ts); what
# cannot be installed (root, useradd, mount, writable memory cgroups) the machine must have.
# An account that cannot install packages (not root, no passwordless sudo) gets one line saying
# what to ask the administrator for, and a failure: setup stops before building anything.
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
read -r -a build <<<"$(sh build-tools.sh --missing)"
need+=("${build[@]}")
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
sudo=""
if [ "$(id -u)" != 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    echo "gflow needs ${need[*]}, which this account cannot install (no root, no passwordless sudo): ask your administrator to run: sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
