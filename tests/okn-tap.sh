# SPDX-License-Identifier: GPL-3.0-or-later
# okn-tap.sh: the TAP lines of the shell checks in tests/ (sourced)
#
# ok WHAT; not_ok WHAT [DETAIL] (the detail's last 40 lines as "# " lines);
# check WHAT COMMAND... (ok when the command succeeds, its output the
# detail otherwise); tap_finish prints the plan and exits 0 when all held.

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); failed=1
  echo "not ok $n - $1"
  [ $# -gt 1 ] && printf '%s\n' "$2" | tail -n 40 | sed 's/^/# /'
  return 0
}
check() { # DESCRIPTION COMMAND...: ok when the command succeeds
  desc=$1; shift
  if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi
}
tap_finish() { echo "1..$n"; exit $failed; }
