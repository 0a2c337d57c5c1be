#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# screenshots.sh: redraw docs/screenshots/*.png from the real desk windows,
# filled with sample records, under an Xvfb of its own: in Polish
# (desk-*.png), English (desk-en-*.png) and Ukrainian (desk-uk-*.png), so
# that a reader checks each translation where users see it; and every kiosk
# screen (kiosk-*.png) in Polish, English, Ukrainian and GTK's HighContrast
# theme, on a second screen of 1280x800 (a common kiosk panel).
#
#   build-aux/screenshots.sh [BUILD_DIR [SET...]]   (default: _build, all sets)
#
# SET is kiosk, desk (Polish), desk-en or desk-uk: redraw only those.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-_build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
[ $# -gt 0 ] && shift
sets=${*:-kiosk desk desk-en desk-uk}
wants() { case " $sets " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
out="$top/docs/screenshots"
work=$(mktemp -d)
xvfb_pid=

cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ninja -C "$build" tests/desk-screenshots tests/kiosk-screenshots >/dev/null

# The catalogues as an installed desk and kiosk would load them. The
# kiosk reads each resident's language's catalogue itself (okn-labels);
# the desk reads the one of LANGUAGE.
for lang in pl en uk; do
  mkdir -p "$work/locale/$lang/LC_MESSAGES"
  msgfmt -o "$work/locale/$lang/LC_MESSAGES/okienko.mo" "$top/po/$lang.po"
done

# Xvfb chooses a free display and writes its number to fd 3.
exec 3> >(cat > "$work/display")
Xvfb -displayfd 3 -nolisten tcp -screen 0 1920x1080x24 -screen 1 1280x800x24 -nocursor >/dev/null 2>&1 &
xvfb_pid=$!
exec 3>&-
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
display=":$(head -n1 "$work/display")"

mkdir -p "$out"
run() { # SCREEN LANGUAGE PROGRAM OUTPUT_DIR
  env -i PATH="$PATH" HOME="$work" TMPDIR="$work" XDG_RUNTIME_DIR="$work" \
    XDG_CONFIG_HOME="$work" XDG_DATA_HOME="$work" XDG_CACHE_HOME="$work" \
    DISPLAY="$display$1" GDK_BACKEND=x11 NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    LC_ALL=C.UTF-8 LANGUAGE="$2" TZ=Europe/Warsaw OKIENKO_LOCALEDIR="$work/locale" \
    "$build/tests/$3" "$4"
}
if wants kiosk; then run .1 pl kiosk-screenshots "$out"; fi
if wants desk; then run "" pl desk-screenshots "$out"; fi
for lang in en uk; do
  wants "desk-$lang" || continue
  mkdir -p "$work/desk-$lang"
  run "" "$lang" desk-screenshots "$work/desk-$lang"
  for png in "$work/desk-$lang"/desk-*.png; do
    mv "$png" "$out/desk-$lang-$(basename "$png" | sed 's/^desk-//')"
  done
done
