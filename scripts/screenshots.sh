#!/usr/bin/env bash
# Regenerates screenshots/*.png from real runs of the UI: `snappy-debug scanlog` on the recorded
# log under tmux, screens captured with their colours, turned into HTML by scripts/ansi-to-html.mjs
# and photographed by headless Chromium. Needs a built tree (npm run build), tmux and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
columns=100
rows=30
out=screenshots
socket="snappy-debug-screenshots-$$"
work=$(mktemp -d)
# The compare view runs a small test snap; the app sees a private /tmp, so it lives outside /tmp.
demo=$(mktemp -d /var/tmp/snappy-debug-shot-snap.XXXXXX)
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work" "$demo" /var/snap/sd-compare-demo /root/snap/sd-compare-demo' EXIT

t() { tmux -L "$socket" "$@"; }
keys() { t send-keys -t shot "$@"; sleep 0.8; }
wait_for() {
  for _ in $(seq 1 150); do
    if t capture-pane -p -t shot | grep -qF -- "$1"; then return 0; fi
    sleep 0.2
  done
  echo "screenshots: cannot see \"$1\" on the screen" >&2
  t capture-pane -p -t shot >&2
  exit 1
}
shoot() {
  local name=$1
  t capture-pane -e -p -t shot >"$work/$name.ansi"
  node scripts/ansi-to-html.mjs "snappy-debug: $name" <"$work/$name.ansi" >"$work/$name.html"
  local width=$((columns * 843 / 100 + 24)) height=$((rows * 17 + 24))
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" --hide-scrollbars --window-size="$width,$height" \
    --screenshot="$root/$out/$name.png" "file://$work/$name.html" >/dev/null 2>&1
  echo "screenshots: $out/$name.png"
}

mkdir -p "$out"
t new-session -d -s shot -x "$columns" -y "$rows" -c "$work" \
  "env TERM=xterm-256color node $root/dist/src/main.js scanlog --file $root/test/tui/fixtures/recorded.log --no-follow; sleep 600"
t set-option -t shot window-size manual
wait_for 'end of input'

shoot list
keys g
keys Enter
keys G
wait_for 'Occurrences (last 5 of 5)'
shoot detail
keys Escape
keys '?'
wait_for 'snappy-debug keys'
shoot help
keys q
keys /
t send-keys -t shot -l 'mounts|dbus'
sleep 0.8
wait_for 'mounts|dbus'
shoot filter

# The compare view: strict against devmode of a test snap whose app opens /dev/fuse and calls
# ioprio_set (the snap-app helper behind a script that fails when either is refused). As root.
t kill-session -t shot
make -s -C native
mkdir -p "$demo/prime/meta" "$demo/prime/bin"
cp native/build/helpers/snap-app "$demo/prime/bin/snap-app"
cat >"$demo/prime/meta/snap.yaml" <<'YAML'
name: sd-compare-demo
version: '1'
confinement: strict
apps:
  app:
    command: bin/check
    plugs: [fuse-support]
YAML
cat >"$demo/prime/bin/check" <<'SH'
#!/bin/sh
out=$("$SNAP/bin/snap-app" "$@")
echo "$out"
case "$out" in *errno=*) echo "refused" >&2; exit 1 ;; esac
SH
chmod 0755 "$demo/prime/bin/check" "$demo/prime/bin/snap-app"
t new-session -d -s shot -x "$columns" -y "$rows" -c "$work" \
  "env TERM=xterm-256color SNAPPY_DEBUG_CONNECTIONS=$demo/connections.json SNAPPY_DEBUG_OVERLAYS=$demo/overlays node $root/dist/src/main.js scanlog --file $root/test/tui/fixtures/recorded.log --no-follow --snap $demo/prime --user root sd-compare-demo; sleep 600"
t set-option -t shot window-size manual
wait_for 'end of input'
keys c
wait_for 'run sd-compare-demo.app'
t send-keys -t shot -l ' ioprio open /dev/fuse w'
keys Enter
wait_for 'verdict:'
shoot compare
