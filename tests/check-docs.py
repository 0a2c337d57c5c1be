#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""check-docs.py: the man pages' sources cannot drift from the programs.

Fails when a command or an option that `okienkoctl --help` or
`okienkoctl COMMAND --help` shows (and the help pages those point to, such
as `okienkoctl register report --help`) is missing from its `## COMMAND`
section of docs/man/okienkoctl.1.scd; when an option of `okienko --help-all`
is missing from docs/man/okienko.1.scd; when a key of the core's table
(through `okn-config-doc man-keys`) is missing from docs/man/okienko.conf.5.scd
with its type, range and default, or the page documents a key the table no
longer has; and when an exit code of src/tools/okienkoctl.h is missing from
the EXIT STATUS section. Before trusting itself, it checks that it does see
a gap made on purpose. TAP output.

Usage: check-docs.py OKIENKOCTL OKIENKO OKN_CONFIG_DOC SOURCE_DIR
"""
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from okn_tap import finish, result  # noqa: E402

OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")
OPTION_LINE = re.compile(r"^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)")
SEE_HELP = re.compile(r"okienkoctl ([a-z-]+(?: [a-z-]+)*) --help")
# A page's own help options and GLib's: documented once, not per command.
GENERIC = {"--help", "--help-all"}


def run(*argv):
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="C")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    return p.returncode, p.stdout + p.stderr


def help_options(text):
    """Options a GOption --help lists, in its option sections."""
    return [m.group(1) for line in text.splitlines() if (m := OPTION_LINE.match(line))]


def okienkoctl_commands(ctl):
    rc, out = run(ctl, "--help")
    commands, in_list = [], False
    for line in out.splitlines():
        if line.strip() == "Commands:":
            in_list = True
        elif in_list and not line.strip():
            break
        elif in_list:
            commands.append(line.split()[0])
    return rc, out, commands


def command_options(ctl, command):
    """Options of a command and of the sub-pages its help points to."""
    seen, pages, options = set(), [[command]], []
    while pages:
        words = pages.pop(0)
        if tuple(words) in seen:
            continue
        seen.add(tuple(words))
        rc, out = run(ctl, *words, "--help")
        if rc != 0:
            raise RuntimeError(f"okienkoctl {' '.join(words)} --help exited {rc}: {out}")
        options += [o for o in help_options(out) if o not in options]
        for m in SEE_HELP.finditer(out):
            sub = m.group(1).split()
            if sub[0] == command and tuple(sub) not in seen:
                pages.append(sub)
    return [o for o in options if o not in GENERIC]


def sections(scd, level):
    """{title: text} of the scdoc headings of a level ('#' or '##')."""
    out, title, lines = {}, None, []
    for line in scd.splitlines():
        m = re.match(r"^(#+) (.*)$", line)
        if m and len(m.group(1)) <= len(level):
            if title is not None:
                out[title] = "\n".join(lines)
            title = m.group(2).strip() if m.group(1) == level else None
            lines = []
        elif title is not None:
            lines.append(line)
    if title is not None:
        out[title] = "\n".join(lines)
    return out


def documented_options(text):
    return set(OPTION.findall(text))


def missing_in_okienkoctl_page(scd, commands, options_of, global_options):
    """What okienkoctl(1)'s source lacks: ["COMMAND --option", ...]."""
    missing = []
    per_command = sections(scd, "##")
    top = sections(scd, "#")
    glob = documented_options(top.get("GLOBAL OPTIONS", ""))
    missing += [f"global {o}" for o in global_options if o not in glob]
    for command in commands:
        if command not in per_command:
            missing.append(f"{command} (no '## {command}' section)")
            continue
        have = documented_options(per_command[command])
        # "edit" takes register's field options: its section may say so
        # instead of repeating them, when register's section has them.
        if command == "edit":
            have |= documented_options(per_command.get("register", ""))
        missing += [f"{command} {o}" for o in options_of[command] if o not in have]
    return missing


def missing_keys(scd, man_keys):
    lines = set(scd.splitlines())
    return [k for k in man_keys if k not in lines]


def stale_keys(scd, man_keys):
    names = {k.split("*")[1] for k in man_keys}
    documented = re.findall(r"^\*([a-z]+\.[a-z_0-9]+)\* \(", scd, re.M)
    return [k for k in documented if k not in names]


def missing_exit_codes(scd, header):
    codes = re.findall(r"OKCTL_EXIT_\w+\s*=\s*(\d+)", header)
    status = sections(scd, "#").get("EXIT STATUS", "")
    have = set(re.findall(r"^\*(\d+)\*$", status, re.M))
    return codes, [c for c in codes if c not in have]


def main():
    ctl, gui, config_doc, src = sys.argv[1:5]
    man = os.path.join(src, "docs", "man")
    read = lambda name: open(os.path.join(man, name), encoding="utf-8").read()
    ctl_scd, gui_scd, conf_scd = read("okienkoctl.1.scd"), read("okienko.1.scd"), read("okienko.conf.5.scd")

    # okienkoctl: commands and their options.
    rc, top_help, commands = okienkoctl_commands(ctl)
    result(rc == 0 and len(commands) >= 10, f"okienkoctl --help lists {len(commands)} commands", top_help)
    global_options = sorted(set(OPTION.findall(top_help.split("Global options:")[-1])) | {"--help", "--version"})
    options_of = {c: command_options(ctl, c) for c in commands}
    total = sum(len(v) for v in options_of.values())
    result(total >= 40, f"okienkoctl's commands have {total} options in their --help")
    missing = missing_in_okienkoctl_page(ctl_scd, commands, options_of, global_options)
    result(not missing, "okienkoctl.1.scd documents every command and option",
           "missing from docs/man/okienkoctl.1.scd: " + ", ".join(missing))

    # The check sees a gap: drop a command's section, then one option line.
    some = commands[-1]
    cut = re.sub(rf"^## {some}$", "## (removed)", ctl_scd, flags=re.M)
    seen = missing_in_okienkoctl_page(cut, commands, options_of, global_options)
    result(any(m.startswith(some + " ") for m in seen), f"a page without '## {some}' is caught", repr(seen))
    victim = next(c for c in commands if options_of[c] and c != "edit")
    option = options_of[victim][-1]
    section = sections(ctl_scd, "##")[victim]
    cut = ctl_scd.replace(section, re.sub(rf"(?<![\w-]){re.escape(option)}(?![\w-])", "--gone", section))
    seen = missing_in_okienkoctl_page(cut, commands, options_of, global_options)
    result(f"{victim} {option}" in seen, f"a page without '{victim} {option}' is caught", repr(seen))

    # okienko: every option of --help-all.
    rc, out = run(gui, "--help-all")
    gui_options = [o for o in help_options(out)]
    have = documented_options(gui_scd)
    missing = [o for o in gui_options if o not in have]
    result(rc == 0 and len(gui_options) >= 5 and not missing,
           f"okienko.1.scd documents the {len(gui_options)} options of okienko --help-all",
           "missing: " + ", ".join(missing) if missing else out)

    # okienko.conf: every key of the core's table, with type, range, default.
    rc, out = run(config_doc, "man-keys")
    man_keys = [line for line in out.splitlines() if line.startswith("*")]
    missing = missing_keys(conf_scd, man_keys)
    result(rc == 0 and len(man_keys) >= 40 and not missing,
           f"okienko.conf.5.scd documents the {len(man_keys)} keys of the core's table",
           "missing or with another type, range or default (want these lines):\n" + "\n".join(missing))
    stale = stale_keys(conf_scd, man_keys)
    result(not stale, "okienko.conf.5.scd documents no key the core does not know", ", ".join(stale))
    cut = conf_scd.replace(man_keys[-1], "")
    result(man_keys[-1] in missing_keys(cut, man_keys), "a page without a key's line is caught")

    # okienkoctl's exit codes.
    header = open(os.path.join(src, "src", "tools", "okienkoctl.h"), encoding="utf-8").read()
    codes, missing = missing_exit_codes(ctl_scd, header)
    result(len(codes) >= 5 and not missing,
           f"okienkoctl.1.scd's EXIT STATUS has the {len(codes)} exit codes of okienkoctl.h",
           "missing: " + ", ".join(missing))

    return finish()


if __name__ == "__main__":
    sys.exit(main())
