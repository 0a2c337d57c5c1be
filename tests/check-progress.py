#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""check-progress.py: long okienkoctl work shows progress on a terminal,
and nothing when its standard error is a pipe or a file.

okienkoctl runs as a real process on a database in a temporary folder,
once with standard error on a pseudo-terminal (what a person at a terminal
has), once piped. `register --json -` imports 3000 records; `backup`
copies them (a few hundred database pages, in steps); `sync --once`
sends 400 (in batches of 20) to a loopback Open311 server (okn-open311-server, started and
stopped here). Standard output is a pipe both times: the tickets and the
JSON must be the same whether or not progress was shown. TAP output.

A backup on a terminal is also held in the middle of its copy while
another okienkoctl registers a letter: the copy must still be the one
moment it began at, whole (restored, `okienkoctl check`). It is held by
stopping its terminal's output (tcflow) and waiting until Linux's
/proc/PID/syscall shows it blocked writing its first progress line,
after its first step.

Usage: check-progress.py OKIENKOCTL OPEN311_SERVER
"""
import json
import os
import pty
import re
import select
import sqlite3
import subprocess
import sys
import tempfile
import termios
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from okn_tap import finish, result  # noqa: E402

RECORDS = 3000
SYNCED = 400
API_KEY = "progress-KLUCZ-41d2"


def drain(p, master, err):
    """Reads standard output and the terminal of @p to their ends."""
    out = bytearray()
    fds = [p.stdout.fileno(), master]
    while fds:
        ready, _, _ = select.select(fds, [], [], 120)
        if not ready:
            p.kill()
            break
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                fds.remove(fd)
            elif fd == master:
                err += chunk
            else:
                out += chunk
    os.close(master)
    return p.wait(), bytes(out), bytes(err)


def run(ctl, env, args, stdin=b"", tty=False):
    """Runs okienkoctl; returns (rc, stdout, stderr as bytes)."""
    if tty:
        master, slave = pty.openpty()
        p = subprocess.Popen([ctl, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=slave, env=env)
        os.close(slave)
        # Feed stdin, then drain both outputs.
        p.stdin.write(stdin)
        p.stdin.close()
        return drain(p, master, bytearray())
    p = subprocess.run([ctl, *args], input=stdin, capture_output=True, env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr


def blocked_on_stderr(pid):
    """Waits until process @pid sleeps in a system call on its standard
    error (Linux's /proc/PID/syscall: the call's number, then its
    arguments, the first the file descriptor), or has ended. Returns
    whether it is blocked there."""
    for _ in range(12000):
        try:
            with open(f"/proc/{pid}/syscall", encoding="ascii") as f:
                fields = f.read().split()
        except OSError:
            return False
        if len(fields) > 1 and fields[0] != "running" and int(fields[1], 16) == 2:
            return True
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            return False
        time.sleep(0.01)
    return False


def backup_held(ctl, env, dest, meanwhile):
    """`backup DEST` with standard error on a terminal whose output is
    stopped (tcflow TCOOFF): the backup waits in its first write of a
    progress line, after its first step, the copy begun and (on a
    database of more than one step) not finished. Runs meanwhile() there,
    then lets the backup go on. Returns rc, out, err and whether the
    backup was held."""
    master, slave = pty.openpty()
    termios.tcflow(slave, termios.TCOOFF)
    p = subprocess.Popen([ctl, "backup", dest], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=slave, env=env)
    held = blocked_on_stderr(p.pid)
    meanwhile()
    termios.tcflow(slave, termios.TCOON)
    os.close(slave)
    return (*drain(p, master, bytearray()), held)


def progress_lines(err, what):
    """The progress lines a terminal was sent: "\\rWHAT: N of M (P%)"."""
    text = err.decode("utf-8", "replace")
    return [(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"\r" + what + r": (\d+) of (\d+) \((\d+)%\)\x1b\[K", text)]


def check_progress(lines, total, what):
    last = lines[-1] if lines else None
    result(lines and last == (total, total, 100)
           and all(a[0] <= b[0] for a, b in zip(lines, lines[1:]))
           and all(t == total and p == n * 100 // total for n, t, p in lines),
           f"{what} on a terminal: {len(lines)} progress lines, the last {last}", repr(lines[:5]))


def main():
    ctl, server_bin = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="okn-progress-")
    base = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="C")
    base.pop("OKIENKO_JOURNAL_SOCKET", None)

    def station(name):
        env = dict(base, OKIENKO_DB=os.path.join(tmp, name + ".db"),
                   OKIENKO_CONFIG=os.path.join(tmp, name + ".conf"))
        rc, _, err = run(ctl, env, ["init", "--station", "K05"])
        assert rc == 0, err
        return env

    records = "".join(json.dumps({"kind": "letter", "sender": f"Nadawca {i}", "subject": "Wniosek",
                                  "delivery": "post"}) + "\n" for i in range(RECORDS)).encode()

    # register --json -: a terminal, then a pipe.
    env_tty, env_pipe = station("tty"), station("pipe")
    rc_t, out_t, err_t = run(ctl, env_tty, ["register", "--json", "-"], records, tty=True)
    rc_p, out_p, err_p = run(ctl, env_pipe, ["register", "--json", "-"], records)
    tickets_t = [json.loads(line)["ticket"] for line in out_t.decode().splitlines() if line.startswith("{")]
    result(rc_t == 0 and rc_p == 0 and len(tickets_t) == RECORDS,
           f"register --json - stores {RECORDS} records with or without a terminal",
           f"rc {rc_t} {rc_p}, {len(tickets_t)} tickets; {err_p[-400:]!r}")
    check_progress(progress_lines(err_t, "Registering"), RECORDS, "register --json -")
    result(err_t.endswith(b"\r\x1b[K") or err_t == b"",
           "the progress line is cleared before okienkoctl ends", repr(err_t[-60:]))
    result(err_p == b"", "register --json - piped: nothing on standard error", repr(err_p[:300]))
    result(b"\r" not in out_t and out_t.count(b"\n") == out_p.count(b"\n"),
           "standard output is the same with a terminal on standard error", repr(out_t[:200]))

    # backup DEST of those 3000 records: a terminal, then a pipe.
    dest_t, dest_p = os.path.join(tmp, "backup-tty.db"), os.path.join(tmp, "backup-pipe.db")
    rc_t, out_t, err_t = run(ctl, env_tty, ["backup", dest_t], tty=True)
    rc_p, out_p, err_p = run(ctl, env_tty, ["backup", dest_p])
    lines = progress_lines(err_t, "Backing up")
    pages = lines[-1][1] if lines else 0
    result(rc_t == 0 and rc_p == 0 and out_t.replace(b"tty", b"pipe") == out_p
           and f"{RECORDS} records".encode() in out_p,
           f"backup writes the {RECORDS} records with or without a terminal",
           f"rc {rc_t} {rc_p}: {out_t!r} {out_p!r} {err_p[-300:]!r}")
    check_progress(lines, pages, "backup")
    result(len(lines) >= 2, f"backup copies its {pages} pages in steps: the line moves before the end", repr(lines))
    result(err_t.endswith(b"\r\x1b[K"), "the backup's progress line is cleared", repr(err_t[-60:]))
    result(err_p == b"", "backup piped: nothing on standard error", repr(err_p[:300]))

    # A backup held in the middle while another process registers.
    held = os.path.join(tmp, "backup-held.db")
    letter = json.dumps({"kind": "letter", "sender": "W trakcie kopii", "subject": "Wniosek",
                         "delivery": "post"}).encode() + b"\n"
    written = []

    def register_one():
        written.append(run(ctl, env_tty, ["register", "--json", "-"], letter))

    rc_h, out_h, err_h, was_held = backup_held(ctl, env_tty, held, register_one)
    result(was_held and rc_h == 0 and written and written[0][0] == 0,
           "a backup held after its first step goes on while another okienkoctl registers a letter",
           f"held {was_held}; backup rc {rc_h} {out_h!r} {err_h[-300:]!r}; register {written}")
    with sqlite3.connect(f"file:{held}?mode=ro", uri=True) as db:
        copied = db.execute("SELECT count(*) FROM records").fetchone()[0]
        late = db.execute("SELECT count(*) FROM records WHERE sender_name = 'W trakcie kopii'").fetchone()[0]
    result(copied == RECORDS and late == 0,
           "the copy is the moment the backup began: the letter registered during it is not in it",
           f"{copied} records, {late} of them the letter registered during the copy")
    env_restored = dict(env_tty, OKIENKO_DB=os.path.join(tmp, "restored.db"),
                        OKIENKO_CONFIG=os.path.join(tmp, "restored.conf"))
    # A database of its own: no .issued knows the numbers (restore --help).
    rc_r, out_r, err_r = run(ctl, env_restored, ["restore", "--skip-numbers", "0", held])
    rc_c, out_c, err_c = run(ctl, env_restored, ["check"])
    result(rc_r == 0 and rc_c == 0 and b"Everything holds" in out_c,
           "the copy made during the writes restores and passes okienkoctl check",
           f"restore rc {rc_r} {out_r!r} {err_r!r}; check rc {rc_c} {out_c!r} {err_c!r}")

    # sync --once of a queue: a loopback Open311 server.
    server = subprocess.Popen([server_bin, "--port", "0", "--set", "api_key=" + API_KEY],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = ""
        for line in server.stdout:
            if line.startswith("url="):
                url = line.strip()[4:]
                break
        result(url.startswith("http://127.0.0.1:"), "the loopback Open311 server is up", url)
        queue = b"".join(records.splitlines(keepends=True)[:SYNCED])
        env_tty, env_pipe = station("sync-tty"), station("sync-pipe")
        for env in (env_tty, env_pipe):
            for key, value in (("server.url", url), ("letters.service_code", "letter"),
                               ("sync.batch_size", "20")):
                run(ctl, env, ["config", "set", key, value])
            run(ctl, env, ["config", "set", "server.api_key", "-"], (API_KEY + "\n").encode())
            run(ctl, env, ["register", "--json", "-"], queue)
        rc_t, out_t, err_t = run(ctl, env_tty, ["sync", "--once"], tty=True)
        rc_p, out_p, err_p = run(ctl, env_pipe, ["sync", "--once"])
        result(rc_t == 0 and rc_p == 0 and out_t.startswith(f"sent {SYNCED}".encode())
               and out_p.startswith(f"sent {SYNCED}".encode()),
               f"sync --once sends the queue of {SYNCED} with or without a terminal",
               f"rc {rc_t} {rc_p}: {out_t[:200]!r} {err_t[-300:]!r} {err_p[-300:]!r}")
        check_progress(progress_lines(err_t, "Sending"), SYNCED, "sync --once")
        # The one warning the http:// test server earns is a line of its own.
        rest = [line for line in err_p.split(b"\n") if line and not line.startswith(b"okienkoctl: warning:")]
        result(not rest and b"\r" not in err_p, "sync --once piped: no progress on standard error",
               repr(err_p[:300]))
        result(out_t == out_p, "sync --once prints the same summary with a terminal", f"{out_t!r} {out_p!r}")
    finally:
        server.terminate()
        server.wait(timeout=30)

    subprocess.run(["rm", "-rf", tmp])
    return finish(40)


if __name__ == "__main__":
    sys.exit(main())
