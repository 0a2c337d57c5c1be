#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""check-progress.py: long okienkoctl work shows progress on a terminal,
and nothing when its standard error is a pipe or a file.

okienkoctl runs as a real process on a database in a temporary folder,
once with standard error on a pseudo-terminal (what a person at a terminal
has), once piped. `register --json -` imports 3000 records; `sync --once`
sends 400 (in batches of 20) to a loopback Open311 server (okn-open311-server, started and
stopped here). Standard output is a pipe both times: the tickets and the
JSON must be the same whether or not progress was shown. TAP output.

Usage: check-progress.py OKIENKOCTL OPEN311_SERVER
"""
import json
import os
import pty
import re
import select
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from okn_tap import finish, result  # noqa: E402

RECORDS = 3000
SYNCED = 400
API_KEY = "progress-KLUCZ-41d2"


def run(ctl, env, args, stdin=b"", tty=False):
    """Runs okienkoctl; returns (rc, stdout, stderr as bytes)."""
    if tty:
        master, slave = pty.openpty()
        p = subprocess.Popen([ctl, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=slave, env=env)
        os.close(slave)
        err = bytearray()
        # Feed stdin and drain both outputs without deadlocking.
        p.stdin.write(stdin)
        p.stdin.close()
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
                except OSError:  # EIO: the terminal's other side is closed
                    chunk = b""
                if not chunk:
                    fds.remove(fd)
                elif fd == master:
                    err += chunk
                else:
                    out += chunk
        os.close(master)
        return p.wait(), bytes(out), bytes(err)
    p = subprocess.run([ctl, *args], input=stdin, capture_output=True, env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr


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
