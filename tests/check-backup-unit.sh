#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Verifies assets/okienko-backup.service and .timer with systemd-analyze,
# with ExecStart pointed at the okienkoctl just built. Skips (77) where
# systemd-analyze is missing.
set -eu
service="$1"
timer="$2"
ctl="$3"
command -v systemd-analyze >/dev/null 2>&1 || { echo "systemd-analyze not found"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#^ExecStart=/usr/bin/okienkoctl #ExecStart=$ctl #" "$service" > "$dir/okienko-backup.service"
cp "$timer" "$dir/okienko-backup.timer"
grep -q "^ExecStart=$ctl backup --rotate\$" "$dir/okienko-backup.service"
for key in Type=oneshot NoNewPrivileges=yes PrivateTmp=yes PrivateNetwork=yes ProtectSystem=strict \
           ProtectHome=read-only ReadWritePaths=/var/lib/okienko UMask=0077; do
  grep -q "^$key" "$dir/okienko-backup.service" || { echo "service: missing $key"; exit 1; }
done
for key in OnCalendar= Persistent=yes Unit=okienko-backup.service WantedBy=timers.target; do
  grep -q "^$key" "$dir/okienko-backup.timer" || { echo "timer: missing $key"; exit 1; }
done
# The command the service runs is one okienkoctl knows.
"$ctl" backup --help | grep -q -- "--rotate" || { echo "okienkoctl backup has no --rotate"; exit 1; }
# The calendar expression parses.
systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$dir/okienko-backup.timer")" >/dev/null
out=$(cd "$dir" && systemd-analyze verify okienko-backup.timer okienko-backup.service 2>&1) || { echo "$out"; exit 1; }
# verify prints warnings without failing: any line about our units is one.
if printf '%s\n' "$out" | grep -q "okienko-backup"; then
  echo "$out"
  exit 1
fi
echo "ok"
