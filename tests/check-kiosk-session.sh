#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-kiosk-session.sh: the kiosk session of README.md ("Kiosk session")
# holds together. okienko-kiosk.service passes systemd-analyze verify and
# runs the session on tty1 as the station's user with its PAM service;
# the PAM service names modules this system has; okienko-kiosk-session
# hands systemd the kiosk's own exit status (cage 0.1.4 always exits 0),
# so a crash restarts the kiosk and leaving it with the PIN does not; and
# the real okienko --kiosk runs as cage's one application, full screen.
# cage runs on its headless back end (no screen needed), as an unprivileged
# user (cage refuses root). TAP output, one line per check.
#
# Usage: check-kiosk-session.sh UNIT SESSION PAM OKIENKO OKIENKOCTL LOCALEDIR [MAN_PAGE...]
set -u
unit=$1 session=$2 pam=$3 okienko=$4 ctl=$5 localedir=$6
shift 6

. "$(dirname "$0")/okn-tap.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# 1. The unit, with its programs pointed at the build's, and the man pages
#    just built where man finds them (verify opens Documentation=man:).
for page in "$@"; do
  section=${page##*.}
  mkdir -p "$work/man/man$section"
  cp "$page" "$work/man/man$section/"
done
sed "s#^ExecStart=[^ ]*/okienko-kiosk-session [^ ]*/okienko #ExecStart=$session $okienko #" "$unit" \
  > "$work/okienko-kiosk.service"
if out=$(MANPATH="$work/man" systemd-analyze verify "$work/okienko-kiosk.service" 2>&1) \
   && ! printf '%s\n' "$out" | grep -q 'okienko-kiosk.service'; then
  ok "systemd-analyze verify okienko-kiosk.service"
else
  not_ok "systemd-analyze verify okienko-kiosk.service" "$out"
fi
for key in "ExecStart=[^ ]*/okienko-kiosk-session [^ ]*/okienko --kiosk\$" "User=okienko\$" \
           "TTYPath=/dev/tty1\$" "Conflicts=getty@tty1.service\$" "PAMName=$(basename "$pam" .pam)\$" \
           "Restart=on-failure\$" "Environment=OKIENKO_DB=/var/lib/okienko/okienko.db\$" \
           "Environment=OKIENKO_CONFIG=/etc/okienko/okienko.conf\$" "WantedBy=graphical.target\$"; do
  what=$(printf '%s' "$key" | sed 's/\[^ \]\*//g; s/\$$//')
  if grep -q "^$key" "$unit"; then ok "the unit has $what"; else not_ok "the unit has $what"; fi
done
# The sync service reads the same database and configuration.
sync_unit="$(dirname "$0")/../assets/okienko-sync.service"
for key in "User=okienko" "Environment=OKIENKO_DB=/var/lib/okienko/okienko.db" \
           "Environment=OKIENKO_CONFIG=/etc/okienko/okienko.conf"; do
  if grep -qx "$key" "$sync_unit"; then ok "okienko-sync.service has $key too"
  else not_ok "okienko-sync.service has $key too"; fi
done
# cage's -s would let Ctrl+Alt+F1..F12 switch away from the kiosk.
if grep -q '^cage -d -- ' "$session" && ! grep -q '^cage .*-s' "$session"; then
  ok "the session runs cage without VT switching"
else
  not_ok "the session runs cage without VT switching" "$(grep '^cage' "$session")"
fi

# 2. The PAM service: TYPE CONTROL MODULE lines, every module on this system.
moddirs=$(ls -d /lib/*/security /usr/lib/*/security /lib/security /usr/lib/security 2>/dev/null)
bad=
lines=0
while read -r type control module rest; do
  case "$type" in ''|\#*) continue ;; esac
  lines=$((lines + 1))
  case "$type" in auth|account|session|password) ;; *) bad="$bad; type $type" ;; esac
  case "$control" in required|requisite|sufficient|optional|include|substack) ;; *) bad="$bad; control $control" ;; esac
  found=
  for d in $moddirs; do [ -e "$d/$module" ] && found=1; done
  [ -n "$found" ] || bad="$bad; $module not in $moddirs"
done < "$pam"
if [ -z "$bad" ] && [ $lines -gt 0 ] && grep -q '^session *required *pam_systemd.so' "$pam"; then
  ok "the PAM service's $lines lines are valid, a logind session, every module here"
else
  not_ok "the PAM service's lines are valid, a logind session, every module here" "$bad"
fi

# 3. The session under cage, on its headless back end, as an unprivileged user.
if ! command -v cage >/dev/null 2>&1 || ! command -v Xwayland >/dev/null 2>&1; then
  not_ok "cage and Xwayland are installed" "apt install cage xwayland (build-aux/okienko-dev test installs them)"
  tap_finish
fi
if [ "$(id -u)" -eq 0 ]; then
  as() { runuser -u nobody -- "$@"; }
  chown nobody "$work"
else
  as() { "$@"; }
fi
mkdir -p "$work/run"
chmod 700 "$work/run"
[ "$(id -u)" -ne 0 ] || chown nobody "$work/run"
# Not the caller's display: cage draws on its headless output.
session_env() {
  as env -i PATH="$PATH" HOME="$work" XDG_RUNTIME_DIR="$work/run" RUNTIME_DIRECTORY="$work/run" \
    WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    OKIENKO_DB="$work/okienko.db" OKIENKO_CONFIG="$work/okienko.conf" OKIENKO_LOCALEDIR="$localedir" \
    GDK_BACKEND=wayland NO_AT_BRIDGE=1 LC_ALL=C.UTF-8 "$@"
}
for want in 0 3; do
  session_env "$session" /bin/sh -c "exit $want" >"$work/exit.log" 2>&1
  rc=$?
  if [ $rc -eq $want ]; then ok "a kiosk that exits $want: the session exits $want"
  else not_ok "a kiosk that exits $want: the session exits $want, not $rc" "$(cat "$work/exit.log")"; fi
done
session_env "$session" /bin/sh -c 'kill -KILL $$' >"$work/exit.log" 2>&1
rc=$?
if [ $rc -eq 137 ]; then ok "a kiosk killed by SIGKILL: the session exits 137 (systemd restarts it)"
else not_ok "a kiosk killed by SIGKILL: the session exits 137, not $rc" "$(cat "$work/exit.log")"; fi

# The real kiosk, on a station of its own.
if out=$(session_env "$ctl" init --station K07 2>&1); then ok "a station for the kiosk: $out"
else not_ok "a station for the kiosk" "$out"; tap_finish; fi
session_env WAYLAND_DEBUG=client "$session" "$okienko" --kiosk >"$work/kiosk.log" 2>&1 &
pid=$!
# Until the kiosk has its first full-size configure (bounded: 60 s).
i=0
while [ $i -lt 600 ] && ! grep -q 'xdg_toplevel@[0-9]*\.configure([1-9]' "$work/kiosk.log" \
      && kill -0 $pid 2>/dev/null; do
  sleep 0.1
  i=$((i + 1))
done
output=$(sed -n 's/.*wl_output@[0-9]*\.mode([0-9]*, \([0-9]*\), \([0-9]*\),.*/\1x\2/p' "$work/kiosk.log" | head -n1)
window=$(sed -n 's/.*xdg_toplevel@[0-9]*\.configure(\([1-9][0-9]*\), \([0-9]*\),.*/\1x\2/p' "$work/kiosk.log" | head -n1)
if grep -q 'xdg_toplevel@[0-9]*\.set_fullscreen' "$work/kiosk.log" && [ -n "$output" ] \
   && [ "$window" = "$output" ]; then
  ok "okienko --kiosk under cage asks for full screen and gets the whole output ($window)"
else
  not_ok "okienko --kiosk under cage asks for full screen and gets the whole output" \
    "output ${output:-none}, window ${window:-none}; $(grep -v '^\[' "$work/kiosk.log" | tail -n 20)"
fi
# A kiosk that dies (here SIGTERM, as a crash would) is not a clean exit.
kiosk=$(pgrep -n -f "^$okienko --kiosk" || true)
[ -n "$kiosk" ] && kill -TERM "$kiosk"
wait $pid
rc=$?
if [ -n "$kiosk" ] && [ $rc -ne 0 ]; then ok "the kiosk ended by a signal: the session exits $rc (systemd restarts it)"
else not_ok "the kiosk ended by a signal: the session exits non-zero" "pid ${kiosk:-none}, exit $rc"; fi

tap_finish
