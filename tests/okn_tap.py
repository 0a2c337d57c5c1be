# SPDX-License-Identifier: GPL-3.0-or-later
"""okn_tap.py: the TAP lines of the Python checks in tests/

Each check calls result() once per promise it checks and ends with
`return finish()`: "ok N - what" or "not ok N - what" with the detail as
"# " lines, the plan last, and the exit status meson reads (0: all held).
"""

tap = []


def result(good, description, detail=""):
    tap.append((bool(good), description, detail))


def finish(max_detail_lines=None):
    for i, (good, description, detail) in enumerate(tap, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {description}")
        if not good and detail:
            for line in str(detail).splitlines()[:max_detail_lines]:
                print(f"# {line}")
    print(f"1..{len(tap)}")
    return 0 if all(good for good, _, _ in tap) else 1
