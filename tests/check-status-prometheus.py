#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""check-status-prometheus.py: `okienkoctl status --prometheus` is what
node_exporter's textfile collector reads, and says what `status --json` says.

okienkoctl runs as a real process on a database in a temporary folder; its
output is parsed by the Prometheus project's own Python parser
(python3-prometheus-client) and by the exposition format's line grammar.
A sync against a closed port on 127.0.0.1 makes a real failure. TAP output.

Usage: check-status-prometheus.py OKIENKOCTL
"""
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import tempfile

from prometheus_client.parser import text_string_to_metric_families

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from okn_tap import finish, result  # noqa: E402

SECRET = "Sekret-Klucz-7f3a9c"
LINE = re.compile(
    r'^(# HELP [a-z_]+ .+|# TYPE [a-z_]+ gauge|'
    r'[a-z_]+\{(?:[a-z_]+="(?:[^"\\\n]|\\[\\"n])*",?)+\} -?[0-9]+)$')


def main():
    ctl = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="okn-prom-")
    env = dict(os.environ, OKIENKO_DB=os.path.join(tmp, "okienko.db"),
               OKIENKO_CONFIG=os.path.join(tmp, "okienko.conf"), LC_ALL="C.UTF-8", LANGUAGE="C")

    def run(*args, stdin=None):
        p = subprocess.run([ctl, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def metrics():
        rc, out, err = run("status", "--prometheus")
        samples = {}
        for family in text_string_to_metric_families(out):
            for s in family.samples:
                samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
        return rc, out, err, samples

    def value(samples, name, **labels):
        return samples.get((name, tuple(sorted(dict(station="K03", **labels).items()))))

    def unix(iso):
        return datetime.datetime.fromisoformat(iso).timestamp()

    run("init", "--station", "K03")
    tickets = [run("register", "letter", "--sender", f"Nadawca {i}", "--subject", "Wniosek")[1].strip()
               for i in range(3)]
    run("cancel", tickets[0], "--reason", "pomyłka")

    rc, out, err, samples = metrics()
    bad = [line for line in out.splitlines() if not LINE.match(line)]
    result(rc == 0 and out.endswith("\n") and not bad and not err,
           "status --prometheus is exposition format 0.0.4, line by line", f"rc={rc} {err} {bad}")
    result(samples, f"the Prometheus parser reads {len(samples)} samples", out)
    rc, js, _ = run("status", "--json")
    status = json.loads(js)
    per_state = {state: value(samples, "okienko_records", state=state) for state in status["states"]}
    result(per_state == {k: float(v) for k, v in status["states"].items()}
           and per_state["queued"] == 2 and per_state["cancelled"] == 1,
           "okienko_records per state equal status --json's states (2 queued, 1 cancelled)", repr(per_state))
    age = value(samples, "okienko_oldest_queued_age_seconds")
    result(age is not None and age >= 0, "okienko_oldest_queued_age_seconds is there", out)
    health = {h: value(samples, "okienko_sync_health", health=h) for h in ("not-configured", "never", "ok", "failed")}
    result(health == {"not-configured": 1, "never": 0, "ok": 0, "failed": 0} and status["sync_health"] == "not-configured",
           "okienko_sync_health: not-configured without server.url", repr(health))
    result(not any(name.startswith("okienko_sync_last_") for name, _ in samples),
           "no sync times before the first sync (never is not 1970)", out)

    # A real failure: nothing listens on this loopback port.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run("config", "set", "server.url", f"http://127.0.0.1:{port}/v2/")
    run("config", "set", "letters.service_code", "letter")
    run("config", "set", "server.api_key", "-", stdin=SECRET + "\n")
    rc_sync, _, _ = run("sync", "--once")
    rc, out, err, samples = metrics()
    status = json.loads(run("status", "--json")[1])
    health = {h: value(samples, "okienko_sync_health", health=h) for h in ("not-configured", "never", "ok", "failed")}
    result(rc_sync == 4 and status["sync_health"] == "failed" and health["failed"] == 1
           and sum(health.values()) == 1,
           "after a sync that cannot connect: okienko_sync_health{health=failed} 1", f"sync rc={rc_sync} {health}")
    last_run = value(samples, "okienko_sync_last_run_timestamp_seconds")
    last_error = value(samples, "okienko_sync_last_error_timestamp_seconds")
    result(status["last_run_at"] and last_run == int(unix(status["last_run_at"]))
           and status["last_error_at"] and last_error == int(unix(status["last_error_at"])),
           "the last run and error times are status --json's, as Unix seconds",
           f"{last_run} {last_error} {status}")
    result(value(samples, "okienko_sync_last_success_timestamp_seconds") is None,
           "no success time when the sync never succeeded", out)
    result(SECRET not in out and SECRET[:8] not in out and "127.0.0.1" not in out,
           "neither the API key nor the server's address is in the metrics",
           "the key or the address is in the output (not shown here)")

    rc, out, err = run("status", "--json", "--prometheus")
    result(rc == 2 and not out and "--prometheus" in err, "--json with --prometheus is a usage error", f"{rc} {err}")

    subprocess.run(["rm", "-rf", tmp])
    return finish(40)


if __name__ == "__main__":
    sys.exit(main())
