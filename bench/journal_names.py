"""Journal names and titles on real records: false alarms and silent passes, counted.

    uv run python bench/journal_names.py                 # the real-record corpus (tests/corpus.py)
    uv run python bench/journal_names.py --catalog FILE  # also an NLM catalogue list

Corpus: for every record, each legitimate journal form (full title as given, upper case,
qualifiers dropped, " : subtitle" and " = parallel title" dropped, ISO abbreviation and
MedlineTA as given, with and without periods, and the abbreviation that pyiso4's own builder
makes of the full title, an LTWA builder independent of ta1check's) must pass: a failure is a
false alarm. Every other corpus journal's names, stated for the record, must fail: a pass is a
silent pass, unless NLM itself names the two journals alike. Titles: as printed, markup
stripped, upper case, without the final period, cut at ": ", " - " or "--", Greek letters
spelled out must pass; 30 other records' titles per record must fail.

``--catalog``: a JSON file mapping full titles to MedlineTA, as the CSL project's
``ncbi/json/medline-abbreviations.json`` (5,214 MEDLINE journals; not shipped here). Each
journal's MedlineTA, title, title without qualifiers and pyiso4 abbreviation must pass; the
MedlineTA of every journal whose name starts with the same three letters must fail.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pyiso4.ltwa import Abbreviate  # noqa: E402

from corpus import corpus_records  # noqa: E402
from ta1check.journals import (  # noqa: E402
    JournalMatch,
    drop_parentheticals,
    journal_match,
    journal_names_match,
    stated_key,
)
from ta1check.normalize import fold, strip_markup, titles_match  # noqa: E402

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "μ": "mu"}


def periods(abbreviation: str) -> str:
    words = abbreviation.replace(".", "").split()
    return " ".join(w if w.startswith("(") else w + "." for w in words)


def built(builder: Abbreviate, title: str) -> str | None:
    try:
        return str(builder(title))
    except Exception:  # pyiso4 fails on a few titles; not ours to count
        return None


def report(label: str, total: Counter[str], failed: dict[str, list[object]]) -> None:
    print(f"{label}: {sum(total.values())} cases, {sum(map(len, failed.values()))} failed")
    for kind in sorted(total):
        print(f"  {kind:28} {total[kind]:7} {len(failed.get(kind, [])):5}")
        for example in failed.get(kind, [])[:3]:
            print(f"      {example}")


def corpus(builder: Abbreviate) -> None:
    records = [r for r in corpus_records().values() if r.journal]
    total: Counter[str] = Counter()
    failed: dict[str, list[object]] = defaultdict(list)
    journals: dict[str, tuple[str, ...]] = {}
    warned: Counter[str] = Counter()
    for r in records:
        names = r.journal_names
        journals.setdefault(r.journal, names)
        title = drop_parentheticals(r.journal)
        forms = {
            "title": r.journal,
            "title-upper": r.journal.upper(),
            "title-no-qualifiers": title,
            "title-main": title.split(" : ")[0].split(" = ")[0],
        }
        for kind, name in (("iso", r.iso_abbreviation), ("medline-ta", r.medline_ta)):
            if name:
                forms |= {kind: name, f"{kind}-periods": periods(name)}
                forms[f"{kind}-no-periods"] = name.replace(".", "")
        if not r.is_book and (ltwa := built(builder, r.journal)):
            forms["ltwa-by-pyiso4"] = ltwa
        for kind, stated in forms.items():
            total[kind] += 1
            match = journal_match(stated, names)
            if match is JournalMatch.OTHER:
                failed[kind].append((stated, names))
            elif match is JournalMatch.UNQUALIFIED:
                warned[kind] += 1
    report(f"corpus journal forms ({len(records)} records)", total, failed)
    print(f"  of which warned (an abbreviation without NLM's qualifier): {dict(warned)}")

    started, pairs, silent = time.monotonic(), 0, []
    only_warned: list[object] = []
    for title, names in journals.items():
        own = {stated_key(n) for n in names}
        for other, other_names in journals.items():
            for stated in set(other_names) if other != title else ():
                if stated_key(stated) in own:
                    continue  # NLM names the two alike
                pairs += 1
                match = journal_match(stated, names)
                if match is JournalMatch.NAMED:
                    silent.append((stated, "for", names))
                elif match is JournalMatch.UNQUALIFIED:
                    only_warned.append((stated, "for", names))
    print(
        f"corpus other journals' names: {pairs} cases ({len(journals)} journals), "
        f"{len(silent)} silent passes, {len(only_warned)} only warned, "
        f"{time.monotonic() - started:.0f} s"
    )
    for example in only_warned[:10]:
        print(f"      warned: {example}")
    for example in silent[:10]:
        print(f"      {example}")

    total, failed = Counter(), defaultdict(list)
    for r in records:
        plain = strip_markup(r.title)
        forms = {"as-printed": r.title, "markup-stripped": plain, "upper": plain.upper()}
        forms["no-final-period"] = plain.rstrip(".")
        for joint in ("--", ": ", " - "):
            head = plain.split(joint)[0]
            if joint in plain and len(fold(head)) >= 3:
                forms[f"cut-at-{joint.strip()}"] = head
        if any(c in plain for c in GREEK):
            forms["greek-spelled"] = "".join(GREEK.get(c, c) for c in plain)
        for kind, stated in forms.items():
            total[kind] += 1
            if not titles_match(stated, r.title):
                failed[kind].append((stated, r.title))
    report("corpus title forms", total, failed)
    rng, pairs, silent = random.Random(11), 0, []
    for r in records:
        for other in rng.sample(records, 30):
            if fold(other.title) == fold(r.title):
                continue
            pairs += 1
            if titles_match(other.title, r.title):
                silent.append((other.title, r.title))
    print(f"corpus other records' titles: {pairs} cases, {len(silent)} silent passes")


def catalog(builder: Abbreviate, path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    pairs_ = data.get("default", {}).get("container-title", data)
    journals = [(t, a) for t, a in pairs_.items() if t and a]
    total: Counter[str] = Counter()
    failed: dict[str, list[object]] = defaultdict(list)
    for title, ta in journals:
        forms = {"medline-ta": ta, "medline-ta-periods": periods(ta), "title": title}
        forms["title-no-qualifiers"] = drop_parentheticals(title)
        if ltwa := built(builder, title):
            forms["ltwa-by-pyiso4"] = ltwa
        for kind, stated in forms.items():
            total[kind] += 1
            if not journal_names_match(stated, (title, ta)):
                failed[kind].append((stated, title))
    report(f"catalogue journal forms ({len(journals)} journals)", total, failed)
    blocks: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for title, ta in journals:
        blocks[stated_key(ta)[:3]].append((title, ta))
    pairs, silent = 0, []
    for group in blocks.values():
        for title, ta in group:
            for other_title, other_ta in group:
                if other_title == title or stated_key(other_ta) == stated_key(ta):
                    continue
                pairs += 1
                if journal_names_match(other_ta, (title, ta)):
                    silent.append((other_ta, "for", title))
    print(f"catalogue confusable MedlineTAs: {pairs} cases, {len(silent)} silent passes")
    for example in silent[:10]:
        print(f"      {example}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, help="JSON: full title -> MedlineTA")
    args = parser.parse_args()
    builder = Abbreviate.create()
    corpus(builder)
    if args.catalog:
        catalog(builder, args.catalog)


if __name__ == "__main__":
    main()
