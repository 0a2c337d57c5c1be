#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Verifies assets/okienko-sync.service with systemd-analyze, with ExecStart
# pointed at the okienkoctl just built. Skips (77) where systemd-analyze is
# missing.
set -eu
unit="$1"
ctl="$2"
command -v systemd-analyze >/dev/null 2>&1 || { echo "systemd-analyze not found"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#^ExecStart=/usr/bin/okienkoctl #ExecStart=$ctl #" "$unit" > "$dir/okienko-sync.service"
grep -q "^ExecStart=$ctl sync --watch\$" "$dir/okienko-sync.service"
for key in NoNewPrivileges=yes PrivateTmp=yes ProtectSystem=strict ProtectHome=read-only \
           ReadWritePaths= Restart=on-failure ProtectKernelTunables=yes; do
  grep -q "^$key" "$dir/okienko-sync.service" || { echo "missing $key"; exit 1; }
done
out=$(systemd-analyze verify "$dir/okienko-sync.service" 2>&1) || { echo "$out"; exit 1; }
# verify prints warnings without failing: any line about our unit is one.
if printf '%s\n' "$out" | grep -q "okienko-sync.service"; then
  echo "$out"
  exit 1
fi
echo "ok"
