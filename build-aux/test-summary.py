#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Counts test results from meson's testlog.json files and prints the closing
line CI reads: "N passed, N failed". TAP tests (our GTest binaries) count each
test case; other tests count once. Exits 1 when anything failed."""
import json
import re
import sys

passed = failed = skipped = 0
for arg in sys.argv[1:]:
    prefix, _, path = arg.rpartition(":") if ":" in arg else ("", "", arg)
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        print(f"{arg}: {e}")
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        result = t.get("result")
        name = (prefix + " " if prefix else "") + t.get("name", "?")
        out = t.get("stdout") or ""
        oks = len(re.findall(r"^ok \d+", out, re.M))
        skips = len(re.findall(r"^ok \d+ .*# SKIP", out, re.M))
        bad = len(re.findall(r"^not ok \d+", out, re.M))
        if result in ("OK", "EXPECTEDFAIL"):
            if oks or bad:
                passed += oks - skips
                skipped += skips
            else:
                passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += max(bad, 1)
            passed += oks - skips
            print(f"FAILED: {name} ({result})")

line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
