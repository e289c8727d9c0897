"""Refresh the translation catalogues (`make messages`).

Source strings are written in 简体中文 (the platform's first language). This script
  1. extracts them into wushe/locale/{en,zh_Hant}/LC_MESSAGES/django.po (makemessages,
     which keeps translations already made),
  2. fills every zh_Hant entry by converting the source to 繁體 (zhconv, Taiwan usage),
     leaving entries a person has marked with a "# manual" translator comment alone,
  3. compiles the .mo files, which are committed so installs need no gettext tools.
English entries are translated by hand in the en catalogue.
"""

import subprocess
import sys
from pathlib import Path

import polib
import zhconv

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wushe"
WUSHE = str(ROOT / ".venv" / "bin" / "wushe")


def run(*args: str) -> None:
    subprocess.run([WUSHE, *args], cwd=PACKAGE, check=True)  # noqa: S603 - our own command


def fill_traditional(path: Path) -> int:
    po = polib.pofile(str(path))
    changed = 0
    for entry in po:
        if "manual" in (entry.tcomment or ""):
            continue
        if entry.msgid_plural:
            forms = {0: zhconv.convert(entry.msgid, "zh-tw")}
            if entry.msgstr_plural != forms:
                entry.msgstr_plural = forms
                changed += 1
        else:
            text = zhconv.convert(entry.msgid, "zh-tw")
            if entry.msgstr != text or "fuzzy" in entry.flags:
                entry.msgstr = text
                changed += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    return changed


def main() -> int:
    run("makemessages", "-l", "en", "-l", "zh_Hant", "--no-location", "--no-obsolete",
        "--ignore=static/*", "--ignore=migrations/*")
    changed = fill_traditional(PACKAGE / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po")
    en = polib.pofile(str(PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    print(f"zh_Hant: {changed} entries converted; en: {en.percent_translated()}% translated, "
          f"{len(en.untranslated_entries())} to do")
    run("compilemessages", "--ignore=static/*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
