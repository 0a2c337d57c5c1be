#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""check-po.py: every user-visible string is translated into Polish,
English and Ukrainian (and every other language of po/LINGUAS).

Extracts the strings from po/POTFILES.in with xgettext and the keywords the
build uses (meson's glib preset and po/meson.build's own), so a string added
to the code without its translations fails here even when no one ran
okienko-update-po. For each language: the entries missing from po/LL.po,
empty there or marked fuzzy are printed (msgctxt and msgid) and written as
ready-to-fill entries to WORK_DIR/missing-LL.po; msgfmt --check must accept
the file (printf formats and plural forms agree with the msgid). Before
trusting itself, the check runs on a catalogue with a gap made on purpose.
The labels of one .ui page (a desk page with what the clerk window shows
beside it: the Sync button, the draft bar, the last ticket's Print again;
a page of the Preferences dialog, whose fields the C code makes) must
underline different access keys, in the msgids (the C locale) and in
every translation. The Polish and Ukrainian catalogues name the resident's
paper with one word (kwit, квитанція), never a bus ticket (bilet, квиток).
TAP output.

Usage: check-po.py SOURCE_DIR WORK_DIR
"""
import gettext
import glob
import html
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from okn_tap import finish, result  # noqa: E402

REQUIRED = ["pl", "en", "uk"]
# A translatable label or title of a GtkBuilder template.
LABEL = re.compile(r'<property name="(?:label|title)" translatable="yes"(?: context="([^"]*)")?[^>]*>([^<]*)</property>')
# meson's i18n.gettext(preset: 'glib') keywords and flags (mesonbuild/modules/i18n.py).
GLIB_PRESET = [
    "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format", "--flag=g_sprintf:2:c-format", "--flag=g_snprintf:3:c-format",
]


def run(argv, cwd=None):
    p = subprocess.run(argv, capture_output=True, text=True, cwd=cwd)
    return p.returncode, p.stdout + p.stderr


def project_args(src):
    """The extra xgettext arguments of po/meson.build (OKN_TR, OKN_TRC)."""
    with open(os.path.join(src, "po", "meson.build"), encoding="utf-8") as f:
        return re.findall(r"'(--(?:keyword|flag)=[^']+)'", f.read())


def parsed(po_text):
    """The parts (msgctxt, msgid, msgstr...: unescaped no further) of each
    entry of a PO file but the header and the obsolete ones, in order."""
    out = []
    for block in re.split(r"\n\s*\n", po_text):
        lines = [l for l in block.splitlines() if not l.startswith("#")]
        ctxt, msgid, cur = None, None, None
        parts = {}
        for line in lines:
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if m:
                cur = m.group(1)
                parts[cur] = m.group(2)
            elif line.startswith('"') and cur:
                parts[cur] += line[1:-1]
        if "msgid" in parts and parts["msgid"] != "":
            out.append(parts)
    return out


def translations_matching(merged_text, pattern):
    """Each translation in @merged_text that @pattern finds, with its msgid."""
    out = []
    for p in parsed(merged_text):
        for key, text in p.items():
            if key.startswith("msgstr") and pattern.search(text):
                out.append(f"msgid \"{p['msgid']}\"\n    {key} \"{text}\"")
    return out


def entries(po_text):
    """(msgctxt, msgid) of each entry of a PO file but the header, in order."""
    return [(p.get("msgctxt"), p["msgid"]) for p in parsed(po_text)]


def missing(po, pot, work, lang):
    """The entries of the POT that @po lacks, leaves empty or marks fuzzy,
    as a PO text ready to fill in."""
    merged = os.path.join(work, f"merged-{lang}.po")
    rc, out = run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--no-wrap", "--no-location",
                   "-o", merged, po, pot])
    if rc != 0:
        return None, out
    gaps = []
    for flag in ("--untranslated", "--only-fuzzy"):
        rc, out = run(["msgattrib", flag, "--no-obsolete", "--no-wrap", merged])
        if rc != 0:
            return None, out
        gaps.append(out)
    text = "\n".join(g for g in gaps if g.strip())
    return text, ""


# What the clerk window shows beside its pages: their keys must be free on
# those pages too. The window's Sync button and the draft bar (Restore it,
# Throw it away) are above every page of the desk; the ticket of the last
# save, with Print again, above the letter and report forms.
DESK_PAGES = ["okn-letter-form.ui", "okn-report-form.ui", "okn-search-page.ui",
              "okn-register-page.ui", "okn-record-view.ui"]
BESIDE = {
    "okn-clerk-window.ui": DESK_PAGES,
    "okn-ticket-screen.ui": ["okn-letter-form.ui", "okn-report-form.ui"],
}


# The Preferences dialog (okn-preferences-dialog.ui: Cancel, Save) builds
# the fields of its notebook pages from tables in C: { key, N_(label), PAGE }
# and, on the Printing page, the outputs' check buttons { key, value,
# N_(label) }. One page shows at a time, with the dialog's buttons.
PREFERENCES_C = os.path.join("src", "gui", "common", "okn-preferences-dialog.c")
PREFERENCES_FIELD = re.compile(r'\{\s*"[\w.]+",\s*N_\("([^"]*)"\),\s*(PAGE_\w+)\s*\}')
PREFERENCES_OUTPUT = re.compile(r'\{\s*"[\w.]+",\s*"[\w-]+",\s*N_\("([^"]*)"\)\s*\}')


def preferences_pages(src, dialog_labels):
    """The labels of each page of the Preferences dialog, with the dialog's."""
    with open(os.path.join(src, PREFERENCES_C), encoding="utf-8") as f:
        code = f.read()
    pages = {}
    for label, page in PREFERENCES_FIELD.findall(code):
        pages.setdefault(f"okn-preferences-dialog {page}", []).append((None, label))
    for label in PREFERENCES_OUTPUT.findall(code):
        pages.setdefault("okn-preferences-dialog PAGE_PRINTING", []).append((None, label))
    return {name: labels + dialog_labels for name, labels in pages.items()}


def mnemonic_clashes(src, t):
    """Labels of one .ui template (one page or dialog; a desk page with what
    BESIDE shows beside it) whose translations by @t
    (gettext.NullTranslations: the msgids, what the C locale shows)
    underline the same key: Alt+that key reaches only one of them."""
    clashes = []
    own = {}
    for ui in sorted(glob.glob(os.path.join(src, "ui", "*.ui"))):
        with open(ui, encoding="utf-8") as f:
            own[os.path.basename(ui)] = LABEL.findall(f.read())
    pages = {name: labels + [label for other, pages in BESIDE.items() if name in pages for label in own[other]]
             for name, labels in own.items()}
    preferences = preferences_pages(src, own["okn-preferences-dialog.ui"])
    if len(preferences) < 4:
        clashes.append(f"{PREFERENCES_C}: the pages of the Preferences dialog are not where this check reads them")
    pages.update(preferences)
    for name, labels in pages.items():
        keys = {}
        for context, label in labels:
            label = html.unescape(label)
            if "_" not in label:
                continue
            shown = t.pgettext(context, label) if context else t.gettext(label)
            m = re.search(r"_(.)", shown)
            if m:
                keys.setdefault(m.group(1).lower(), []).append(shown)
        clashes += [f"{name}: Alt+{k}: " + " | ".join(v) for k, v in keys.items() if len(v) > 1]
    return clashes


# The paper the resident keeps has one name on every screen, paper and
# message (the kiosk's, the desk's, okienkoctl's): a kwit in Polish, a
# квитанція in Ukrainian; never a bus or train ticket (bilet, bilecie;
# квиток, квитка...) nor a shop's receipt (чек; a чековий принтер, the
# kind of printer, is fine).
WRONG_WORDS = {
    "pl": ("kwit", re.compile(r"\bbile[tc]", re.IGNORECASE)),
    "uk": ("квитанція", re.compile(r"\bквит(?:ок|к)|\bчек(?:и|ів|а|у|ом|ах|ами)?\b", re.IGNORECASE)),
}


# At the desk, a sync message's configuration key that Preferences has a
# field for is replaced by the field's label, in the nominative and in
# quotes: "„Klucz API” w Preferencjach (Ctrl+,)" (okn_preferences_name_fields).
# So a Polish message must not put such a key where Polish wants another
# case: after "nie ustawiono", "brak", "wymaga" or a preposition ("Nie
# ustawiono „Klucz API”"); "Pole server.api_key jest puste" reads right
# either way.
PREFERENCES_KEY = re.compile(r'\{\s*"([\w.]+)",\s*N_\("[^"]*"\),\s*PAGE_\w+\s*\}')
POLISH_NOT_NOMINATIVE = (r"\b(?:nie ustawiono|nie skonfigurowano|brak|brakuje|wymaga|bez|dla|do|od|w|we|z|ze|o|"
                         r"przy|po|na)\s+")


def misfit_keys(src, merged_text):
    """Polish translations that put a Preferences field's key where its
    label, put in its place at the desk, would be in the wrong case."""
    with open(os.path.join(src, PREFERENCES_C), encoding="utf-8") as f:
        keys = PREFERENCES_KEY.findall(f.read())
    if not keys:
        return [f"{PREFERENCES_C}: no configuration keys found where this check reads them"]
    misfit = re.compile(POLISH_NOT_NOMINATIVE + "(?:" + "|".join(re.escape(k) for k in keys) + r")\b",
                        re.IGNORECASE)
    return translations_matching(merged_text, misfit)


def wrong_words(merged_text, lang):
    """The translations (of the strings the code uses) that name the ticket
    with the word WRONG_WORDS forbids in @lang."""
    _, wrong = WRONG_WORDS[lang]
    return translations_matching(merged_text, wrong)


def main():
    src, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pot = os.path.join(work, "okienko.pot")
    rc, out = run(["xgettext", *GLIB_PRESET, *project_args(src), "--package-name=okienko",
                   "--files-from=po/POTFILES.in", "--directory=.", "-o", pot], cwd=src)
    strings = entries(open(pot, encoding="utf-8").read()) if rc == 0 and os.path.exists(pot) else []
    result(rc == 0 and len(strings) > 100,
           f"xgettext finds {len(strings)} strings in po/POTFILES.in's files", out)
    if not strings:
        return finish()

    # The check itself: a catalogue that lacks the first string must say so.
    probe = os.path.join(work, "probe.po")
    with open(probe, "w", encoding="utf-8") as f:
        f.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    text, err = missing(probe, pot, work, "probe")
    result(text is not None and strings[0] in entries(text),
           "the check sees a string missing on purpose", err or (text or "")[:500])

    # The msgids are what a desk in the C locale shows.
    clashes = mnemonic_clashes(src, gettext.NullTranslations())
    result(not clashes, "the English msgids underline a different key for each label of a page",
           "\n".join(clashes))

    with open(os.path.join(src, "po", "LINGUAS"), encoding="utf-8") as f:
        linguas = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    result(all(l in linguas for l in REQUIRED), f"po/LINGUAS lists {', '.join(REQUIRED)}",
           f"po/LINGUAS: {' '.join(linguas)}")

    for lang in sorted(set(linguas) | set(REQUIRED)):
        po = os.path.join(src, "po", lang + ".po")
        if not os.path.exists(po):
            result(False, f"po/{lang}.po exists", "")
            continue
        rc, out = run(["msgfmt", "--check", "-o", "/dev/null", po])
        result(rc == 0, f"msgfmt --check po/{lang}.po", out)
        text, err = missing(po, pot, work, lang)
        if text is None:
            result(False, f"po/{lang}.po translates every string", err)
            continue
        gaps = entries(text)
        stub = os.path.join(work, f"missing-{lang}.po")
        with open(stub, "w", encoding="utf-8") as f:
            f.write(text)
        detail = [f"{len(gaps)} missing; fill them in {stub} and append them to po/{lang}.po:"]
        detail += [(f"msgctxt \"{c}\" " if c is not None else "") + f"msgid \"{m}\"" for c, m in gaps]
        result(not gaps, f"po/{lang}.po translates all {len(strings)} strings", "\n".join(detail))
        if lang in WRONG_WORDS:
            with open(os.path.join(work, f"merged-{lang}.po"), encoding="utf-8") as f:
                wrong = wrong_words(f.read(), lang)
            result(not wrong, f"po/{lang}.po calls the resident's paper a {WRONG_WORDS[lang][0]} everywhere",
                   f"{len(wrong)} translations:\n" + "\n".join(wrong))
        if lang == "pl":
            with open(os.path.join(work, f"merged-{lang}.po"), encoding="utf-8") as f:
                misfit = misfit_keys(src, f.read())
            result(not misfit, "po/pl.po puts a Preferences field's key where its label reads right",
                   f"{len(misfit)} translations:\n" + "\n".join(misfit))
        mo = os.path.join(work, f"{lang}.mo")
        rc, out = run(["msgfmt", "-o", mo, po])
        if rc == 0:
            with open(mo, "rb") as f:
                clashes = mnemonic_clashes(src, gettext.GNUTranslations(f))
        else:
            clashes = [out]
        result(not clashes, f"po/{lang}.po underlines a different key for each label of a page", "\n".join(clashes))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
