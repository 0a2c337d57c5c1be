#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# kiosk-screenshots.sh: redraw docs/screenshots/kiosk-*.png: every kiosk
# screen in Polish, English and Ukrainian, and in GTK's HighContrast theme,
# from the real window under an Xvfb of its own (1280x800, a common kiosk
# panel).
#
#   build-aux/kiosk-screenshots.sh [BUILD_DIR]      (default: _build)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-_build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
out="$top/docs/screenshots"
work=$(mktemp -d)
xvfb_pid=

cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ninja -C "$build" tests/kiosk-screenshots >/dev/null

# The catalogues as the kiosk reads them per language (okn-labels).
for lang in pl uk; do
  mkdir -p "$work/locale/$lang/LC_MESSAGES"
  msgfmt -o "$work/locale/$lang/LC_MESSAGES/okienko.mo" "$top/po/$lang.po"
done

# Xvfb chooses a free display and writes its number to fd 3.
exec 3> >(cat > "$work/display")
Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x800x24 -nocursor >/dev/null 2>&1 &
xvfb_pid=$!
exec 3>&-
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
display=":$(head -n1 "$work/display")"

mkdir -p "$out"
env -i PATH="$PATH" HOME="$work" TMPDIR="$work" XDG_RUNTIME_DIR="$work" \
  XDG_CONFIG_HOME="$work" XDG_DATA_HOME="$work" XDG_CACHE_HOME="$work" \
  DISPLAY="$display" GDK_BACKEND=x11 NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
  LC_ALL=C.UTF-8 LANGUAGE=pl TZ=Europe/Warsaw OKIENKO_LOCALEDIR="$work/locale" \
  "$build/tests/kiosk-screenshots" "$out"
