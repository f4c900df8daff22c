"""Fill gettext catalogues from JSON, so translators never hand-edit .po files.

Two uses:

``dump``   writes the untranslated (or fuzzy) entries of one or more catalogues to JSON
           chunks, each entry once even when several catalogues hold it::

               python -m tools.po_apply dump --lang ru --out /tmp/tr --size 100 \\
                   locale registration/locale organising/locale accounts/locale

           Each chunk is ``{"<id>": {"msgid": ..., "msgid_plural": ..., "msgctxt": ...}}``.

``apply``  reads translations and writes them into every catalogue that holds the entry.
           Two input shapes are accepted:

           * the lead's ``locale/new/<branch>.json``:
             ``{"msgid": {"fr": "...", "ru": "..."}}``; a plural is keyed
             ``"msgid|msgid_plural"`` with a list of forms per language;
           * answers to ``dump`` chunks: ``{"<id>": {"ru": ..., "zh_Hans": ...}}`` next to the
             chunk file they answer (``--chunks DIR``).

           A translation whose placeholders (``%(name)s``, ``%s``, ``{x}``, HTML tags) differ
           from its msgid's, or whose plural has the wrong number of forms, is refused and
           reported; nothing else in the file is lost. French and Spanish plurals may be
           given with two forms (one, other): their catalogues' third, "many", repeats "other".
           Fuzzy flags are cleared on applied entries; ``msgfmt --statistics -c`` is the final
           check.
"""

import argparse
import datetime
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import polib

PLACEHOLDER = re.compile(r"%\([a-zA-Z_]+\)[sdif]|%[sdif]|\{[a-zA-Z_0-9]*\}|</?[a-zA-Z][^>]*>")

# Header values per language, as Django's own catalogues declare them.
HEADERS = {
    "ru": (
        "Russian",
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
    ),
    "zh_Hans": ("Chinese (Simplified)", "nplurals=1; plural=0;"),
    "ar": (
        "Arabic",
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5);",
    ),
    "fr": ("French", None),
    "es": ("Spanish", None),
}


def catalogue_path(root: str, lang: str) -> Path:
    return Path(root) / lang / "LC_MESSAGES" / "django.po"


def entry_key(entry: polib.POEntry) -> str:
    key = entry.msgid + ("|" + entry.msgid_plural if entry.msgid_plural else "")
    return (entry.msgctxt + "\x04" + key) if entry.msgctxt else key


def live_entries(po: polib.POFile) -> Iterator[polib.POEntry]:
    return (e for e in po if not e.obsolete)


def is_done(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def dump(roots: list[str], lang: str, out: Path, size: int) -> int:
    pending: dict[str, dict[str, str]] = {}
    for root in roots:
        for entry in live_entries(polib.pofile(str(catalogue_path(root, lang)))):
            if not is_done(entry):
                item = {"msgid": entry.msgid}
                if entry.msgid_plural:
                    item["msgid_plural"] = entry.msgid_plural
                if entry.msgctxt:
                    item["msgctxt"] = entry.msgctxt
                pending.setdefault(entry_key(entry), item)
    out.mkdir(parents=True, exist_ok=True)
    items = list(pending.values())
    for start in range(0, len(items), size):
        chunk = {str(start + i): item for i, item in enumerate(items[start : start + size])}
        name = out / f"chunk-{start // size:03d}.json"
        name.write_text(json.dumps(chunk, ensure_ascii=False, indent=1))
    print(f"{len(items)} entries to translate in {out}")
    return 0


def translations_from_chunks(folder: Path, lang: str) -> dict[str, str | list[str]]:
    found: dict[str, str | list[str]] = {}
    for chunk_file in sorted(folder.glob("chunk-*.json")):
        answer_file = chunk_file.with_name(chunk_file.stem + ".answer.json")
        if not answer_file.exists():
            continue
        chunk = json.loads(chunk_file.read_text())
        answers = json.loads(answer_file.read_text())
        for ident, item in chunk.items():
            if ident in answers and lang in answers[ident]:
                key = item["msgid"] + ("|" + item["msgid_plural"] if "msgid_plural" in item else "")
                if "msgctxt" in item:
                    key = item["msgctxt"] + "\x04" + key
                found[key] = answers[ident][lang]
    return found


def translations_from_new(path: Path, lang: str) -> dict[str, str | list[str]]:
    data = json.loads(path.read_text())
    return {key: value[lang] for key, value in data.items() if lang in value}


# Django's French and Spanish catalogues (after CLDR) have a third plural form, "many", for
# round millions, between "one" and "other"; translators write two forms, as for any other
# text in these languages, and "many" reads as "other" ("1 000 000 votes").
MANY_AS_OTHER = {"fr", "es"}


def plural_forms(value: str | list[str], lang: str, nplurals: int) -> str | list[str]:
    """Two forms given where a French or Spanish catalogue has three: the third is the second.

    Any other count, or any other language, is returned as given for check() to judge.
    """
    if lang in MANY_AS_OTHER and nplurals == 3 and isinstance(value, list) and len(value) == 2:
        return [*value, value[1]]
    return value


def check(entry: polib.POEntry, value: str | list[str], nplurals: int) -> str | None:
    forms = value if isinstance(value, list) else [value]
    if entry.msgid_plural and len(forms) != nplurals:
        return f"{len(forms)} plural forms, the catalogue has {nplurals}"
    if not entry.msgid_plural and isinstance(value, list):
        return "a list given for a singular entry"
    expected = placeholders(entry.msgid)
    expected_plural = placeholders(entry.msgid_plural) if entry.msgid_plural else expected
    for form in forms:
        found = placeholders(form)
        # With one plural form (Chinese), or in Russian's "one" form, a translation may
        # leave the count out when the msgid does ("1 hour"), so either msgid's set will do.
        if found not in (expected, expected_plural) and not (
            entry.msgid_plural and set(found) <= set(expected) | set(expected_plural)
        ):
            return f"placeholders {found} differ from {expected}"
    return None


def set_header(po: polib.POFile, lang: str) -> None:
    name, plural_forms = HEADERS.get(lang, (lang, None))
    po.metadata["Language"] = lang
    po.metadata["Language-Team"] = name
    po.metadata.setdefault("Project-Id-Version", "OpenIPS")
    if po.metadata.get("Project-Id-Version") == "PACKAGE VERSION":
        po.metadata["Project-Id-Version"] = "OpenIPS"
    if po.metadata.get("Last-Translator", "").startswith("FULL NAME"):
        po.metadata["Last-Translator"] = "OpenIPS translation team"
    if plural_forms:
        po.metadata["Plural-Forms"] = plural_forms
    now = datetime.datetime.now(datetime.UTC)
    po.metadata["PO-Revision-Date"] = now.strftime("%Y-%m-%d %H:%M+0000")
    if "fuzzy" in po.metadata_is_fuzzy:
        po.metadata_is_fuzzy = []
    po.header = f"{name} translation of OpenIPS."


def apply(roots: list[str], lang: str, found: dict[str, str | list[str]]) -> int:
    problems = 0
    for root in roots:
        path = catalogue_path(root, lang)
        po = polib.pofile(str(path), wrapwidth=79)
        set_header(po, lang)
        nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))  # type: ignore[union-attr]
        for entry in live_entries(po):
            value = found.get(entry_key(entry))
            if value is None:
                continue
            if entry.msgid_plural:
                value = plural_forms(value, lang, nplurals)
            problem = check(entry, value, nplurals)
            if problem:
                print(f"{path}: {entry.msgid!r}: {problem}", file=sys.stderr)
                problems += 1
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = dict(enumerate(value))
            else:
                entry.msgstr = str(value)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = None
        po.save(str(path))
        left = sum(1 for e in live_entries(po) if not is_done(e))
        print(f"{path}: {left} untranslated or fuzzy")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dump_cmd = sub.add_parser("dump")
    dump_cmd.add_argument("--lang", required=True)
    dump_cmd.add_argument("--out", type=Path, required=True)
    dump_cmd.add_argument("--size", type=int, default=100)
    dump_cmd.add_argument("roots", nargs="+", help="locale folders (holding <lang>/LC_MESSAGES)")
    apply_cmd = sub.add_parser("apply")
    apply_cmd.add_argument("--lang", required=True)
    source = apply_cmd.add_mutually_exclusive_group(required=True)
    source.add_argument("--chunks", type=Path, help="folder of dump chunks and their answers")
    source.add_argument("--new", type=Path, help="a locale/new/<branch>.json file")
    apply_cmd.add_argument("roots", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "dump":
        return dump(args.roots, args.lang, args.out, args.size)
    if args.chunks:
        found = translations_from_chunks(args.chunks, args.lang)
    else:
        found = translations_from_new(args.new, args.lang)
    return apply(args.roots, args.lang, found)


if __name__ == "__main__":
    sys.exit(main())
