#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Verifies assets/okienko-sync.service with systemd-analyze, with ExecStart
# pointed at the okienkoctl just built and the man pages just built where
# man finds them (verify opens each man: page of Documentation=). Skips (77)
# where systemd-analyze is missing.
#
# Usage: check-sync-unit.sh UNIT OKIENKOCTL [MAN_PAGE...]
set -eu
unit="$1"
ctl="$2"
shift 2
command -v systemd-analyze >/dev/null 2>&1 || { echo "systemd-analyze not found"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for page in "$@"; do
  section=${page##*.}
  mkdir -p "$dir/man/man$section"
  cp "$page" "$dir/man/man$section/"
done
export MANPATH="$dir/man"
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
