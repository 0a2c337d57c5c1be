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
the EXIT STATUS section; and when a file the programs use is not named in
the FILES section of its page: what okienkoctl makes of a station in a
temporary home (init, register, a rotated backup, a sync, a restore: the
database and every file beside it, the backups, the configuration), the
desk's drafts (the forms that call okn_draft_path()), and the systemd
units, PAM service and sample configuration that `meson install
--destdir` lays out. And README.md: its test commands name every test
suite (the build's and tests/fuzz's) and every command of
build-aux/okienko-dev; its Operations section backup, restore, check and
purge with privacy.retention_days. Before trusting itself, it checks that
it does see a gap made on purpose. TAP output.

Usage: check-docs.py OKIENKOCTL OKIENKO OKN_CONFIG_DOC SOURCE_DIR MESON BUILD_DIR
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

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


# A file's time stamp in its name (backups, the database kept by restore).
STAMP = re.compile(r"\d{8}T\d{6}Z(?:\.\d+)?")


def files_entries(scd):
    """FILES of a page: [(names, text)], the names the _italic_ words of an
    entry's first lines (before its indented description)."""
    entries = []
    for block in re.split(r"\n\s*\n", sections(scd, "#").get("FILES", "")):
        head = "\n".join(l for l in block.splitlines() if l and not l.startswith("\t"))
        names = [n.strip() for n in re.findall(r"_([^_\s][^\n]*?)_(?=[,\s]|$)", head)]
        if names:
            entries.append((names, block))
    return entries


def unnamed(scd, files):
    """The files (as a path that may start with $XDG_DATA_HOME/okienko/...)
    that FILES of @scd does not name: by the whole path, the path in the
    data folder or the file name, or as a companion (NAME-wal) of a named
    file whose entry mentions the suffix (_-wal_)."""
    entries = files_entries(scd)
    missing = []
    for f in files:
        f = STAMP.sub("TIME", f)
        parts = f.split("/")
        candidates = {f, parts[-1]} | {"/".join(parts[i:]) for i in range(1, len(parts))}
        named = False
        for names, text in entries:
            for n in names:
                if any(n == c or n.endswith("/" + c) for c in candidates):
                    named = True
                for c in candidates:
                    rest = c[len(n):]
                    if c.startswith(n) and rest and f"_{rest}_" in text:
                        named = True
        if not named:
            missing.append(f)
    return missing


def station_files(ctl, home):
    """The files okienkoctl makes of a station in @home (the XDG folders
    there): [path with $XDG_DATA_HOME or $XDG_CONFIG_HOME]."""
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="C", HOME=home,
               XDG_DATA_HOME=os.path.join(home, "data"), XDG_CONFIG_HOME=os.path.join(home, "config"))
    for key in ("OKIENKO_DB", "OKIENKO_CONFIG", "OKIENKO_JOURNAL_SOCKET"):
        env.pop(key, None)
    letter = '{"kind": "letter", "sender": "Jan Kowalski", "subject": "Wniosek", "delivery": "post"}\n'
    # A server that is not there: the sync runs, takes its lock and waits.
    steps = [(["init", "--station", "K05"], ""), (["register", "--json", "-"], letter),
             (["config", "set", "server.url", "http://127.0.0.1:9/"], ""),
             (["config", "set", "server.api_key", "-"], "docs-test-key\n"),
             (["config", "set", "letters.service_code", "letter"], ""), (["sync", "--once"], ""),
             (["backup", "--rotate"], "")]
    log = []
    for argv, stdin in steps:
        p = subprocess.run([ctl, *argv], input=stdin, capture_output=True, text=True, env=env, timeout=60)
        log.append(f"{' '.join(argv)}: {p.returncode} {p.stderr.strip()[:200]}")
    backups = glob.glob(os.path.join(home, "data", "okienko", "backups", "*.db"))
    if backups:
        p = subprocess.run([ctl, "restore", backups[0]], capture_output=True, text=True, env=env, timeout=60)
        log.append(f"restore: {p.returncode} {p.stderr.strip()[:200]}")
    # The -wal and -shm exist while a program has the database open: the
    # listing below is made while a sync --watch runs.
    db = os.path.join(home, "data", "okienko", "okienko.db")
    watch = subprocess.Popen([ctl, "sync", "--watch"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
    for _ in range(3000):
        if os.path.exists(db + "-wal") or watch.poll() is not None:
            break
        time.sleep(0.01)
    found = []
    for var, top in (("$XDG_DATA_HOME", os.path.join(home, "data")),
                     ("$XDG_CONFIG_HOME", os.path.join(home, "config"))):
        for root, _, names in os.walk(top):
            found += [var + os.path.join(root, n)[len(top):] for n in names]
    watch.terminate()
    watch.wait(timeout=60)
    return sorted(found), log


def draft_files(src):
    """The desk's drafts: okn_draft_path()'s name (okn-draft.c) of each
    form that calls it."""
    with open(os.path.join(src, "src", "core", "records", "okn-draft.c"), encoding="utf-8") as f:
        m = re.search(r'g_strdup_printf \("%s(\.draft-)%s(\.json)", db_path, form\)', f.read())
    forms = set()
    for path in glob.glob(os.path.join(src, "src", "gui", "**", "*.c"), recursive=True):
        with open(path, encoding="utf-8") as f:
            forms |= set(re.findall(r'okn_draft_path \([^;]*?"([a-z]+)"\)', f.read()))
    if not m:
        return []
    return sorted(f"okienko.db{m.group(1)}{form}{m.group(2)}" for form in forms)


def installed_files(meson, build, dest):
    """What `meson install --destdir` lays out for the administrator: the
    systemd units, the PAM service, the sample configuration; each with
    the page it belongs on (the program a unit runs; a timer's service's;
    a PAM service's unit's; okienko.conf(5) for the sample)."""
    p = subprocess.run([meson, "install", "-C", build, "--no-rebuild", "--quiet", "--destdir", dest],
                       capture_output=True, text=True, env=dict(os.environ, DESTDIR=""), timeout=120)
    if p.returncode != 0:
        return None, p.stdout + p.stderr
    units, pam, out = {}, [], []
    for root, _, names in os.walk(dest):
        for n in names:
            path = os.path.join(root, n)
            if "/systemd/system" in root:
                units[n] = open(path, encoding="utf-8").read()
            elif root.endswith("/pam.d"):
                pam.append(n)
            elif n.endswith(".example"):
                out.append((n, "okienko.conf.5.scd"))

    def page_of(unit):
        text = units.get(unit, "")
        if unit.endswith(".timer"):
            m = re.search(r"^Unit=(\S+)", text, re.M)
            return page_of(m.group(1) if m else unit[:-len(".timer")] + ".service")
        execs = " ".join(re.findall(r"^Exec\w*=(.*)$", text, re.M))
        return "okienkoctl.1.scd" if re.search(r"/okienkoctl(\s|$)", execs) else "okienko.1.scd"

    out += [(u, page_of(u)) for u in units]
    for name in pam:
        users = [u for u, text in units.items() if re.search(rf"^PAMName={re.escape(name)}$", text, re.M)]
        out.append((name, page_of(users[0]) if users else "okienko.1.scd"))
    return sorted(out), ""


def readme_gaps(readme, suites, commands):
    """What README.md lacks: a suite or an okienko-dev command missing from
    the command blocks of "Tests, benchmarks and measured figures", what an
    administrator needs missing from "Operations"."""
    secs = sections(readme, "##")
    blocks = "\n".join(re.findall(r"```sh\n(.*?)```", secs.get("Tests, benchmarks and measured figures", ""), re.S))
    missing = [f"--suite {s}" for s in suites if f"--suite {s}" not in blocks]
    missing += [f"okienko-dev {c}" for c in commands if f"okienko-dev {c}" not in (readme if c == "run" else blocks)]
    ops = secs.get("Operations", "")
    missing += [f"Operations: {w}" for w in ("okienkoctl backup", "okienkoctl restore", "okienkoctl check",
                                             "okienkoctl purge", "privacy.retention_days") if w not in ops]
    return missing


def main():
    ctl, gui, config_doc, src, meson, build = sys.argv[1:7]
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

    # FILES: what okienkoctl makes of a station, on okienkoctl(1); the
    # configuration on okienko.conf(5) too; the drafts on okienko(1).
    pages = {"okienkoctl.1.scd": ctl_scd, "okienko.1.scd": gui_scd, "okienko.conf.5.scd": conf_scd}
    home = tempfile.mkdtemp(prefix="okn-docs-")
    try:
        made, log = station_files(ctl, home)
        kinds = {"-wal", ".issued", ".sync.lock", "backups/", ".before-restore-", "okienko.conf"}
        seen_kinds = {k for k in kinds if any(k in f for f in made)}
        result(seen_kinds == kinds, f"okienkoctl made {len(made)} files of a station: " + ", ".join(made),
               f"none with {kinds - seen_kinds}:\n" + "\n".join(log))
        missing = unnamed(ctl_scd, made)
        result(not missing, "okienkoctl.1.scd's FILES names every file okienkoctl made",
               "not named: " + ", ".join(missing))
        conf = [f for f in made if f.endswith("/okienko.conf")]
        missing = unnamed(conf_scd, conf)
        result(conf and not missing, "okienko.conf.5.scd's FILES names the configuration file",
               "not named: " + ", ".join(missing or ["(no configuration made)"]))
        drafts = draft_files(src)
        missing = unnamed(gui_scd, drafts)
        result(len(drafts) >= 2 and not missing,
               f"okienko.1.scd's FILES names the desk's drafts ({', '.join(drafts)})",
               "not named: " + ", ".join(missing or ["(no forms found)"]))
        # The check sees a gap: the .issued file's entry gone.
        cut = re.sub(r"^_okienko\.db\.issued_\n", "_okienko.db.removed_\n", ctl_scd, flags=re.M)
        result(any(f.endswith(".issued") for f in unnamed(cut, made)),
               "a FILES section without the .issued file is caught")

        dest = os.path.join(home, "destdir")
        installed, err = installed_files(meson, build, dest)
        result(installed and len(installed) >= 4,
               "meson install --destdir lays out " + ", ".join(f"{n} ({p})" for n, p in installed or []), err)
        missing = [f"{n} on {p}" for n, p in installed or [] if unnamed(pages[p], [n])]
        result(not missing, "every unit, PAM service and sample configuration is in FILES of its page",
               "not named: " + ", ".join(missing))
    finally:
        shutil.rmtree(home, ignore_errors=True)

    # README: how to run every suite and okienko-dev command; operations.
    rc, out = run(meson, "introspect", build, "--tests")
    suites = set()
    if rc == 0:
        for t in json.loads(out):
            suites |= {s.split(":")[-1] for s in t["suite"]}
    with open(os.path.join(src, "tests", "fuzz", "meson.build"), encoding="utf-8") as f:
        suites |= set(re.findall(r"suite: '([a-z-]+)'", f.read()))
    with open(os.path.join(src, "build-aux", "okienko-dev"), encoding="utf-8") as f:
        commands = re.findall(r"^  ([a-z-]+)\)$", f.read(), re.M)
    readme = open(os.path.join(src, "README.md"), encoding="utf-8").read()
    missing = readme_gaps(readme, sorted(suites), commands)
    result(len(suites) >= 5 and len(commands) >= 3 and not missing,
           f"README.md runs the suites {', '.join(sorted(suites))} and okienko-dev {', '.join(commands)}; "
           "its Operations has backup, restore, check and purge", "missing: " + ", ".join(missing))
    cut = readme.replace("okienkoctl purge", "okienkoctl (removed)")
    result("Operations: okienkoctl purge" in readme_gaps(cut, sorted(suites), commands),
           "a README without purge in its Operations is caught")

    return finish()


if __name__ == "__main__":
    sys.exit(main())
