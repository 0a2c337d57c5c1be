#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-package.sh: builds the Debian packages from a copy of the source
# tree (dpkg-buildpackage -us -uc -b, out of the way of the build
# directories), checks them with lintian at error level, unpacks them into a
# throw-away root, creates the service's user and folders there as the
# maintainer scripts do, enables the unit the Debian way there, and runs the
# packaged okienkoctl from it. TAP output, one line per check.
#
# Slow (a full build on two cores): suite `slow`, run alone. The Debian
# build tools and the build dependencies are in build-aux/okienko-dev's
# package list, which `build-aux/okienko-dev test` installs; without them
# the test fails and names what is missing.
#
# Usage: check-package.sh SOURCE_DIR WORK_DIR VERSION
set -u

src=$1
work=$2
version=$3

. "$(dirname "$0")/okn-tap.sh"

rm -rf "$work"
mkdir -p "$work"

# The Debian build tools.
missing=
for p in dpkg-dev debhelper lintian fakeroot; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -z "$missing" ]; then
  ok "the Debian build tools are installed"
else
  not_ok "the Debian build tools are installed" "missing:$missing (build-aux/okienko-dev test installs them)"
  tap_finish
fi

# debian/changelog names the version meson builds.
deb_version=$(cd "$src" && dpkg-parsechangelog -S Version 2>&1)
if [ "$deb_version" = "$version" ]; then
  ok "debian/changelog is at version $version, as meson.build"
else
  not_ok "debian/changelog is at version $version, as meson.build" "debian/changelog: $deb_version"
fi

# A copy of the tree as git knows it (tracked and new files, no build
# directories), in a folder named as dpkg-source expects.
tree="$work/okienko-$version"
mkdir -p "$tree"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$src" && git ls-files -z --cached --others --exclude-standard \
     | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
     | tar --null -T - -cf -) | tar -xf - -C "$tree"
else
  (cd "$src" && tar --exclude='./_build*' --exclude='./build' -cf - .) | tar -xf - -C "$tree"
fi
if [ -f "$tree/debian/control" ] && [ -f "$tree/meson.build" ]; then
  ok "source tree copied to $tree"
else
  not_ok "source tree copied to $tree"
  tap_finish
fi

# The build dependencies of debian/control.
if out=$(cd "$tree" && dpkg-checkbuilddeps 2>&1); then
  ok "dpkg-checkbuilddeps"
else
  not_ok "dpkg-checkbuilddeps" "$out (build-aux/okienko-dev test installs what debian/control needs)"
  tap_finish
fi

if (cd "$tree" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) \
     >"$work/build.log" 2>&1; then
  ok "dpkg-buildpackage -us -uc -b"
else
  not_ok "dpkg-buildpackage -us -uc -b" "$(cat "$work/build.log")"
  tap_finish
fi

arch=$(dpkg --print-architecture)
deb_gui="$work/okienko_${version}_$arch.deb"
deb_tools="$work/okienko-tools_${version}_$arch.deb"
deb_common="$work/okienko-common_${version}_all.deb"
deb_kiosk="$work/okienko-kiosk_${version}_all.deb"
for deb in "$deb_gui" "$deb_tools" "$deb_common" "$deb_kiosk"; do
  if [ -s "$deb" ]; then ok "built $(basename "$deb")"; else not_ok "built $(basename "$deb")" "$(ls "$work")"; fi
done
[ $failed -eq 0 ] || tap_finish

changes="$work/okienko_${version}_$arch.changes"
if out=$(lintian --fail-on error --no-tag-display-limit "$changes" 2>&1); then
  ok "lintian --fail-on error: $(printf '%s\n' "$out" | grep -c '^[WI]:') warnings and notes"
  printf '%s\n' "$out" | grep '^[EW]:' | sed 's/^/# /'
else
  not_ok "lintian --fail-on error" "$out"
fi

# What each package holds.
has() { # DEB PATH...
  deb=$1; shift
  list=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#')
  for p in "$@"; do
    if printf '%s\n' "$list" | grep -qx "$p"; then ok "$(basename "$deb" | cut -d_ -f1) has $p"
    else not_ok "$(basename "$deb" | cut -d_ -f1) has $p"; fi
  done
}
has "$deb_gui" /usr/bin/okienko /usr/share/applications/org.okienko.Desk.desktop \
  /usr/share/metainfo/org.okienko.Desk.metainfo.xml \
  /usr/share/icons/hicolor/scalable/apps/org.okienko.Desk.svg \
  /usr/share/icons/hicolor/symbolic/apps/org.okienko.Desk-symbolic.svg \
  /usr/share/man/man1/okienko.1.gz
has "$deb_tools" /usr/bin/okienkoctl /lib/systemd/system/okienko-sync.service \
  /usr/lib/sysusers.d/okienko-tools.conf /usr/lib/tmpfiles.d/okienko-tools.conf \
  /usr/share/man/man1/okienkoctl.1.gz
has "$deb_common" /usr/share/man/man5/okienko.conf.5.gz \
  /usr/share/doc/okienko-common/examples/okienko.conf.example \
  $(sed -n 's#^\([a-zA-Z_@]*\)$#/usr/share/locale/\1/LC_MESSAGES/okienko.mo#p' "$src/po/LINGUAS")
for unit in "$src"/assets/*.service "$src"/assets/*.timer; do
  [ -e "$unit" ] || continue
  has "$deb_tools" "/lib/systemd/system/$(basename "$unit")"
done
has "$deb_kiosk" /lib/systemd/system/okienko-kiosk.service /usr/libexec/okienko/okienko-kiosk-session \
  /etc/pam.d/okienko-kiosk
if dpkg-deb -c "$deb_tools" | grep -q 'okienko-kiosk'; then
  not_ok "okienko-tools leaves the kiosk's unit to okienko-kiosk" "$(dpkg-deb -c "$deb_tools" | grep kiosk)"
else
  ok "okienko-tools leaves the kiosk's unit to okienko-kiosk"
fi
depends=$(dpkg-deb -f "$deb_kiosk" Depends)
for want in cage xwayland libpam-systemd "okienko (>= $version)" "okienko-tools (>= $version)"; do
  case ", $depends," in
    *", $want,"*) ok "okienko-kiosk depends on $want" ;;
    *) not_ok "okienko-kiosk depends on $want" "Depends: $depends" ;;
  esac
done
dpkg-deb -e "$deb_kiosk" "$work/kiosk-control"

# okienko-tools' postinst creates the user and folders and enables the unit.
dpkg-deb -e "$deb_tools" "$work/tools-control"
for want in "systemd-sysusers" "systemd-tmpfiles" "deb-systemd-helper enable 'okienko-sync.service'"; do
  if grep -q "$want" "$work/tools-control/postinst" 2>/dev/null; then ok "postinst runs $want"
  else not_ok "postinst runs $want" "$(cat "$work/tools-control/postinst" 2>&1)"; fi
done

# A throw-away root: the three packages unpacked, then what their
# maintainer scripts do, pointed at that root.
root="$work/root"
mkdir -p "$root"
for deb in "$deb_common" "$deb_tools" "$deb_gui" "$deb_kiosk"; do dpkg -x "$deb" "$root"; done
# The kiosk's unit starts programs the packages hold.
exec_start=$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/okienko-kiosk.service")
missing=
for prog in $(printf '%s' "$exec_start" | cut -d' ' -f1-2); do
  [ -x "$root$prog" ] || missing="$missing $prog"
done
if [ -n "$exec_start" ] && [ -z "$missing" ]; then ok "okienko-kiosk.service starts $exec_start, all packaged"
else not_ok "okienko-kiosk.service starts packaged programs" "ExecStart=$exec_start; missing:$missing"; fi
mkdir -p "$root/etc"
# As the postinst runs them (by the configuration's name, DPKG_ROOT as --root).
if out=$(systemd-sysusers --root="$root" okienko-tools.conf 2>&1) \
   && grep -q '^okienko:x:[0-9]*:[0-9]*:.*:/var/lib/okienko:/usr/sbin/nologin$' "$root/etc/passwd"; then
  ok "systemd-sysusers creates the system user okienko in the root"
else
  not_ok "systemd-sysusers creates the system user okienko in the root" "$out $(cat "$root/etc/passwd" 2>&1)"
fi
uid=$(awk -F: '$1 == "okienko" {print $3}' "$root/etc/passwd" 2>/dev/null)
if out=$(systemd-tmpfiles --root="$root" --create okienko-tools.conf 2>&1) \
   && [ "$(stat -c '%a %u' "$root/var/lib/okienko" 2>/dev/null)" = "700 $uid" ] \
   && [ "$(stat -c '%a %u' "$root/etc/okienko" 2>/dev/null)" = "700 $uid" ]; then
  ok "systemd-tmpfiles creates /var/lib/okienko and /etc/okienko, the user's, mode 0700"
else
  not_ok "systemd-tmpfiles creates /var/lib/okienko and /etc/okienko, the user's, mode 0700" \
    "$out $(ls -ld "$root/var/lib/okienko" "$root/etc/okienko" 2>&1)"
fi
if out=$(DPKG_ROOT="$root" DPKG_MAINTSCRIPT_PACKAGE=okienko-tools DPKG_MAINTSCRIPT_NAME=postinst \
           deb-systemd-helper enable okienko-sync.service 2>&1) \
   && [ -L "$root/etc/systemd/system/multi-user.target.wants/okienko-sync.service" ]; then
  ok "deb-systemd-helper enables okienko-sync.service in the root"
else
  not_ok "deb-systemd-helper enables okienko-sync.service in the root" "$out"
fi

# okienko-kiosk's postinst, run in the root: the kiosk stays disabled (it
# takes over tty1 only when the administrator says) and is not started.
if out=$(DPKG_ROOT="$root" DPKG_MAINTSCRIPT_PACKAGE=okienko-kiosk DPKG_MAINTSCRIPT_NAME=postinst \
           sh "$work/kiosk-control/postinst" configure 2>&1) \
   && ! ls "$root"/etc/systemd/system/*.wants/okienko-kiosk.service >/dev/null 2>&1 \
   && ! grep -q 'deb-systemd-invoke.*okienko-kiosk' "$work/kiosk-control/postinst"; then
  ok "okienko-kiosk's postinst leaves the kiosk disabled and stopped"
else
  not_ok "okienko-kiosk's postinst leaves the kiosk disabled and stopped" \
    "$out $(ls "$root"/etc/systemd/system/*.wants/ 2>&1)"
fi

ctl="$root/usr/bin/okienkoctl"
out=$("$ctl" --version 2>&1)
if [ "$out" = "okienkoctl $version" ]; then ok "packaged okienkoctl --version"; else not_ok "packaged okienkoctl --version" "$out"; fi
out=$("$ctl" --help 2>&1)
if [ $? -eq 0 ] && printf '%s' "$out" | grep -q '^Commands:'; then ok "packaged okienkoctl --help"
else not_ok "packaged okienkoctl --help" "$out"; fi

# The packaged programs at work: a station, a letter, its ticket, in
# Polish from the packaged catalogue.
db="$root/var/lib/okienko/okienko.db"
conf="$root/etc/okienko/okienko.conf"
export OKIENKO_LOCALEDIR="$root/usr/share/locale" LANGUAGE=pl LC_ALL=C.UTF-8
if out=$("$ctl" --db "$db" --config "$conf" init --station K07 2>&1) \
   && ticket=$("$ctl" --db "$db" --config "$conf" register letter --sender "Jan Kowalski" --subject "Wniosek" 2>&1) \
   && printf '%s' "$ticket" | grep -q '^K07-' \
   && shown=$("$ctl" --db "$db" --config "$conf" show "$ticket" 2>&1) \
   && printf '%s' "$shown" | grep -q 'Nadawca'; then
  ok "packaged okienkoctl registers $ticket and shows it in Polish"
else
  not_ok "packaged okienkoctl registers a letter and shows it in Polish" "$out ${ticket:-} ${shown:-}"
fi

tap_finish
