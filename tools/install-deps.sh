#!/usr/bin/env bash
# Installs the Debian packages the integration tests need, if they are missing.
#
#   bash tools/install-deps.sh                 # etcd-client etcd-server chromium chromium-driver
#   bash tools/install-deps.sh chromium xvfb   # any other packages
#
# Idempotent and silent when everything is already installed. Runs apt-get
# update only when a package is missing, and only once per invocation.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  set -- etcd-client etcd-server chromium chromium-driver
fi

missing=()
for pkg in "$@"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
  if [ "$status" != "installed" ]; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-deps: missing packages (${missing[*]}) and not root; install them manually" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600)
# Update the package lists only if the packages are unknown to apt so far.
needs_update=0
for pkg in "${missing[@]}"; do
  if ! apt-cache show "$pkg" >/dev/null 2>&1; then
    needs_update=1
    break
  fi
done
if [ "$needs_update" -eq 1 ]; then
  "${sudo[@]}" apt-get "${apt_opts[@]}" update -qq
fi
if ! "${sudo[@]}" apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}"; then
  # Stale package lists can point at files the mirror no longer has: refresh once and retry.
  "${sudo[@]}" apt-get "${apt_opts[@]}" update -qq
  "${sudo[@]}" apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}"
fi
