#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-install.sh: `meson install --destdir` into a temporary folder, then
# checks what a city's IT department gets: every file in place, the launcher
# and the AppStream metadata valid, the man pages rendering without a
# warning, the sample configuration loading as written, and the installed
# okienkoctl running from there. TAP output, one line per check.
#
# Arguments: MESON BUILD_DIR SOURCE_DIR PREFIX BINDIR DATADIR MANDIR
#            LOCALEDIR UNITDIR VERSION LIBEXECDIR SYSCONFDIR
set -u

meson=$1 build=$2 src=$3 prefix=$4 bindir=$5 datadir=$6 mandir=$7
localedir=$8 unitdir=$9
shift 9
version=$1 libexecdir=$2 sysconfdir=$3

. "$(dirname "$0")/okn-tap.sh"

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
root() { printf '%s%s' "$dest" "$1"; }

if out=$(DESTDIR= "$meson" install -C "$build" --no-rebuild --quiet --destdir "$dest" 2>&1); then
  ok "meson install --destdir"
else
  not_ok "meson install --destdir" "$out"
  tap_finish
fi

# Every file issue 14 names.
for f in \
  "$bindir/okienko" \
  "$bindir/okienkoctl" \
  "$datadir/applications/org.okienko.Desk.desktop" \
  "$datadir/metainfo/org.okienko.Desk.metainfo.xml" \
  "$datadir/icons/hicolor/scalable/apps/org.okienko.Desk.svg" \
  "$datadir/icons/hicolor/symbolic/apps/org.okienko.Desk-symbolic.svg" \
  "$mandir/man1/okienko.1" \
  "$mandir/man1/okienkoctl.1" \
  "$mandir/man5/okienko.conf.5" \
  "$datadir/doc/okienko/okienko.conf.example" \
  $(sed -n "s#^\([a-zA-Z_@]*\)\$#$localedir/\1/LC_MESSAGES/okienko.mo#p" "$src/po/LINGUAS"); do
  if [ -s "$(root "$f")" ]; then ok "installed $f"; else not_ok "installed $f" "missing or empty"; fi
done
for f in "$bindir/okienko" "$bindir/okienkoctl"; do
  if [ -x "$(root "$f")" ]; then ok "$f is executable"; else not_ok "$f is executable"; fi
done

# Every systemd unit in assets/, as it is there but for the path of the
# program it starts.
units=0
for unit in "$src"/assets/*.service "$src"/assets/*.timer "$src"/assets/*.socket "$src"/assets/*.path; do
  [ -e "$unit" ] || continue
  units=$((units + 1))
  name=$(basename "$unit")
  installed=$(root "$unitdir/$name")
  if [ ! -f "$installed" ]; then
    not_ok "unit $name installed in $unitdir" "missing"
  elif out=$(sed "s#/usr/bin/#$bindir/#" "$unit" | diff - "$installed"); then
    ok "unit $name installed in $unitdir"
  else
    not_ok "unit $name installed in $unitdir" "$out"
  fi
done
if [ "$units" -gt 0 ]; then ok "assets/ has $units systemd units"; else not_ok "assets/ has systemd units"; fi

# The kiosk session (assets/kiosk/): its unit starting the installed
# session script and desk, the script, its PAM service.
kiosk_unit=$(root "$unitdir/okienko-kiosk.service")
if grep -qx "ExecStart=$libexecdir/okienko/okienko-kiosk-session $bindir/okienko --kiosk" "$kiosk_unit" 2>/dev/null; then
  ok "okienko-kiosk.service installed in $unitdir, starting $libexecdir/okienko/okienko-kiosk-session"
else
  not_ok "okienko-kiosk.service installed in $unitdir, starting $libexecdir/okienko/okienko-kiosk-session" \
    "$(grep '^ExecStart' "$kiosk_unit" 2>&1)"
fi
if [ -x "$(root "$libexecdir/okienko/okienko-kiosk-session")" ]; then ok "installed $libexecdir/okienko/okienko-kiosk-session, executable"
else not_ok "installed $libexecdir/okienko/okienko-kiosk-session, executable"; fi
if cmp -s "$src/assets/kiosk/okienko-kiosk.pam" "$(root "$sysconfdir/pam.d/okienko-kiosk")"; then
  ok "installed $sysconfdir/pam.d/okienko-kiosk"
else
  not_ok "installed $sysconfdir/pam.d/okienko-kiosk" "missing or not assets/kiosk/okienko-kiosk.pam"
fi

check "desktop-file-validate org.okienko.Desk.desktop" \
  desktop-file-validate "$(root "$datadir/applications/org.okienko.Desk.desktop")"
check "appstreamcli validate --no-net org.okienko.Desk.metainfo.xml" \
  appstreamcli validate --no-net "$(root "$datadir/metainfo/org.okienko.Desk.metainfo.xml")"
metainfo=$(root "$datadir/metainfo/org.okienko.Desk.metainfo.xml")
if grep -q '<screenshot' "$metainfo" && grep -q '<release version="'"$version"'"' "$metainfo" \
   && grep -q '<description>' "$metainfo"; then
  ok "metainfo has screenshots and the notes of release $version"
else
  not_ok "metainfo has screenshots and the notes of release $version"
fi
# Every screenshot it names is in docs/screenshots/, and each is there in
# every language of po/LINGUAS (the default image Polish, the others by
# xml:lang), so that software centres show a resident's own language.
missing=
for name in $(sed -n 's#.*<image[^>]*>[^<]*/docs/screenshots/\([^<]*\)</image>.*#\1#p' "$metainfo"); do
  [ -s "$src/docs/screenshots/$name" ] || missing="$missing $name"
done
shots=$(grep -c '<screenshot[ >]' "$metainfo")
for lang in $(grep -v '^#' "$src/po/LINGUAS"); do
  [ "$lang" = pl ] && continue
  images=$(grep -c "<image xml:lang=\"$lang\">" "$metainfo")
  [ "$images" -eq "$shots" ] || missing="$missing ($images of $shots screenshots in $lang)"
done
if [ -z "$missing" ] && [ "$shots" -gt 0 ]; then
  ok "metainfo's $shots screenshots are in docs/screenshots/, in every language of po/LINGUAS"
else
  not_ok "metainfo's screenshots are in docs/screenshots/, in every language of po/LINGUAS" "missing:$missing"
fi

# The man pages render without a warning from man or groff.
for page in man1/okienko.1 man1/okienkoctl.1 man5/okienko.conf.5; do
  file=$(root "$mandir/$page")
  warnings=$(MANWIDTH=80 man --warnings -l "$file" 2>&1 >/dev/null)
  text=$(MANWIDTH=80 man -l "$file" 2>/dev/null)
  if [ -z "$warnings" ] && printf '%s' "$text" | grep -q '^NAME'; then
    ok "man -l $page renders without warnings"
  else
    not_ok "man -l $page renders without warnings" "${warnings:-no NAME section}"
  fi
done

# The installed okienkoctl runs from the destdir.
ctl=$(root "$bindir/okienkoctl")
out=$("$ctl" --version 2>&1)
if [ "$out" = "okienkoctl $version" ]; then ok "installed okienkoctl --version"; else not_ok "installed okienkoctl --version" "$out"; fi
out=$("$ctl" --help 2>&1)
if [ $? -eq 0 ] && printf '%s' "$out" | grep -q '^Commands:' && printf '%s' "$out" | grep -q ' sync '; then
  ok "installed okienkoctl --help"
else
  not_ok "installed okienkoctl --help" "$out"
fi

# The sample configuration loads as it is (nothing set, no warning), and
# with every default uncommented it still loads without a warning and
# sets every key that has a default.
sample=$(root "$datadir/doc/okienko/okienko.conf.example")
work=$(mktemp -d "$dest/conf.XXXXXX")
cp "$sample" "$work/as-is.conf"
chmod 600 "$work/as-is.conf"
out=$("$ctl" --config "$work/as-is.conf" config list 2>&1)
if [ $? -eq 0 ] && [ -z "$out" ]; then ok "sample configuration loads as installed"; else not_ok "sample configuration loads as installed" "$out"; fi
sed 's/^#\([a-z_]*=..*\)$/\1/' "$sample" > "$work/defaults.conf"
chmod 600 "$work/defaults.conf"
out=$("$ctl" --config "$work/defaults.conf" config list 2>&1)
want=$(grep -c '^#[a-z_]*=..*$' "$sample")
got=$(printf '%s\n' "$out" | grep -c '^[a-z]*\.[a-z_]*=')
if printf '%s' "$out" | grep -q 'warning'; then
  not_ok "sample configuration with its defaults uncommented loads" "$out"
elif [ "$got" -ne "$want" ] || [ "$want" -lt 10 ]; then
  not_ok "sample configuration with its defaults uncommented loads" "$want defaults in the sample, $got keys set: $out"
else
  ok "sample configuration with its $want defaults uncommented loads"
fi

tap_finish
