#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# install-units.sh SRCDIR UNITDIR BINDIR: installs every systemd unit in
# SRCDIR (*.service, *.timer, *.socket, *.path) into $DESTDIR/UNITDIR, with
# /usr/bin/ in their Exec lines pointed at BINDIR.
#
# A meson install script rather than install_data(): it looks at the folder
# when installing, so a unit added to assets/ is installed without anyone
# touching meson.build or reconfiguring an existing build directory.
set -eu
src=$1
unitdir=$2
bindir=$3
dest="${DESTDIR:-}$unitdir"

mkdir -p "$dest"
for unit in "$src"/*.service "$src"/*.timer "$src"/*.socket "$src"/*.path; do
  [ -e "$unit" ] || continue
  name=$(basename "$unit")
  tmp="$dest/.$name.tmp"
  sed "s#^\(Exec[A-Za-z]*=[-@:+!]*\)/usr/bin/#\1$bindir/#" "$unit" > "$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$dest/$name"
  [ -n "${MESON_INSTALL_QUIET:-}" ] || echo "Installing $unit to $dest"
done
