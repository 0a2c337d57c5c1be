#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-update-po.sh: `meson compile okienko-update-po` works (issue 14) on
# a copy of the source tree: it regenerates po/okienko.pot from
# po/POTFILES.in and merges every catalogue of po/LINGUAS, and afterwards
# each one still translates every string, none fuzzy. A copy, because the
# target rewrites po/ (HACKING.md: never run it in a working tree). TAP.
#
# Usage: check-update-po.sh MESON SOURCE_DIR WORK_DIR
set -u
meson=$1 src=$2 work=$3

. "$(dirname "$0")/okn-tap.sh"

rm -rf "$work"
mkdir -p "$work/src"
tar -C "$src" --exclude='./_build*' --exclude=./.git --exclude=./build -cf - . | tar -C "$work/src" -xf -
if out=$("$meson" setup "$work/build" "$work/src" -Dwerror=false 2>&1); then
  ok "meson setup of a copy of the source tree"
else
  not_ok "meson setup of a copy of the source tree" "$out"
  tap_finish
fi
if out=$("$meson" compile -C "$work/build" okienko-update-po 2>&1) && [ -s "$work/src/po/okienko.pot" ]; then
  ok "meson compile okienko-update-po writes po/okienko.pot"
else
  not_ok "meson compile okienko-update-po writes po/okienko.pot" "$out"
  tap_finish
fi
for lang in $(grep -v '^#' "$src/po/LINGUAS"); do
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$work/src/po/$lang.po" 2>&1)
  case "$stats" in
    *fuzzy*|*untranslated*|*error*) not_ok "po/$lang.po after okienko-update-po: every string translated, none fuzzy" "$stats" ;;
    *" translated message"*) ok "po/$lang.po after okienko-update-po: $stats" ;;
    *) not_ok "po/$lang.po after okienko-update-po: every string translated, none fuzzy" "$stats" ;;
  esac
done
tap_finish
