#!/usr/bin/env bash
# Installs the Debian packages snappy-debug and its test suite need. Idempotent; quiet when done.
set -euo pipefail

packages=(rsyslog auditd seccomp squashfs-tools busybox-static bubblewrap tmux gcc g++ make
  libc6-dev python3-apparmor apparmor gzip procps time util-linux iproute2 chromium fonts-dejavu-core
  libsystemd-dev)
if [ "$(dpkg --print-architecture)" = amd64 ]; then packages+=(gcc-multilib); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: cannot install ${missing[*]}: not root" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # No init system runs here: keep maintainer scripts from starting daemons; tests start their own.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; created_policy=1; fi
  trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# snapd is only unpacked, never installed: its standalone snap-seccomp is our compiler's reference.
snapd_dir=/opt/snappy-debug/snapd
if [ ! -x "$snapd_dir/usr/lib/snapd/snap-seccomp" ]; then
  echo "setup: unpacking snapd into $snapd_dir"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq snapd >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get download -qq snapd >/dev/null; })
  mkdir -p "$snapd_dir"
  dpkg -x "$tmp"/snapd_*.deb "$snapd_dir"
  rm -rf "$tmp"
fi
