"""The generated accuracy suite (bench/accuracy.py, issue #11) on the real-record corpus: every
correct citation form passes, every planted error is caught, every number of the abstract
restated the ways editors restate it is found, and every planted absent number is not.

The run uses every 6th record of the corpus (PMID order) and every record of a rare kind
(books, MedlineDate spans, collective or umlauted first authors, "--" subtitles, Greek letters,
decimal commas, Unicode-space thousands, "million"), with the suite's seed: about 900 records
and 24,000 claims. ``uv run python bench/accuracy.py`` runs the whole corpus.

Classes still failing when this was written are marked xfail (non-strict) while the issue #11
fixes land; remove a marker once its class is at zero.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from corpus import corpus_records

ROOT = Path(__file__).resolve().parents[1]
EVERY = 6
SEED = 11


def _accuracy_module() -> Any:
    spec = importlib.util.spec_from_file_location("accuracy", ROOT / "bench" / "accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["accuracy"] = module
    spec.loader.exec_module(module)
    return module


@cache
def measured() -> dict[str, Any]:
    return dict(_accuracy_module().measure(seed=SEED, every=EVERY, max_examples=8))


CLASSES = [
    "figures-absent/count-that-the-abstract-has-only-as-a-percentage",
    "figures-absent/planted-count",
    "figures-absent/planted-decimal",
    "figures-absent/planted-p-value",
    "figures-absent/planted-percent",
    "figures-absent/sum-of-two-number-words-joined-by-and",
    "figures-present/count-as-printed",
    "figures-present/count-thousands-comma-added",
    "figures-present/decimal-as-printed",
    "figures-present/decimal-comma-as-point",
    "figures-present/decimal-comma-as-printed",
    "figures-present/decimal-middle-dot-as-point",
    "figures-present/million-as-printed",
    "figures-present/million-written-out",
    "figures-present/n-equals-as-printed",
    "figures-present/n-equals-glued",
    "figures-present/number-word-as-digits",
    "figures-present/number-word-as-printed",
    "figures-present/number-word-percent-as-digits",
    "figures-present/number-word-percent-as-printed",
    "figures-present/p-value-as-printed",
    "figures-present/p-value-decimal-comma-as-point",
    "figures-present/p-value-leading-zero",
    "figures-present/percent-as-printed",
    "figures-present/percent-glued",
    "figures-present/percent-per-cent",
    "figures-present/percent-percent",
    "figures-present/percent-spaced",
    "figures-present/range-as-printed",
    "figures-present/range-hyphen",
    "figures-present/range-to",
    "figures-present/ratio-with-ci-as-printed",
    "figures-present/ratio-with-ci-parenthesised",
    "figures-present/ratio-with-ci-to",
    "figures-present/thousands-as-printed",
    "figures-present/thousands-comma",
    "figures-present/thousands-no-separator",
    "metadata-correct/authors/ama-three-et-al",
    "metadata-correct/authors/apa-whole-list",
    "metadata-correct/authors/explicit-three-et-al",
    "metadata-correct/authors/explicit-whole-list",
    "metadata-correct/authors/first-three",
    "metadata-correct/authors/nature-whole-list",
    "metadata-correct/authors/vancouver-six-et-al",
    "metadata-correct/authors/vancouver-whole-list",
    "metadata-correct/book/any-date-of-the-chapter",
    "metadata-correct/book/book-title",
    "metadata-correct/book/book-title-without-mark",
    "metadata-correct/book/chapter-title",
    "metadata-correct/book/citation",
    "metadata-correct/citation/collective-author",
    "metadata-correct/citation/collective-author-without-its-acronym",
    "metadata-correct/citation/et-al-periods-bare-year",
    "metadata-correct/citation/et-al/full",
    "metadata-correct/citation/et-al/full-title-case",
    "metadata-correct/citation/et-al/full-without-nlm-additions",
    "metadata-correct/citation/et-al/iso",
    "metadata-correct/citation/et-al/iso-no-periods",
    "metadata-correct/citation/et-al/iso-periods",
    "metadata-correct/citation/et-al/medline-ta",
    "metadata-correct/citation/medlinedate-other-year",
    "metadata-correct/citation/one-author/full",
    "metadata-correct/citation/one-author/full-title-case",
    "metadata-correct/citation/one-author/full-without-nlm-additions",
    "metadata-correct/citation/one-author/iso",
    "metadata-correct/citation/one-author/iso-no-periods",
    "metadata-correct/citation/one-author/iso-periods",
    "metadata-correct/citation/one-author/medline-ta",
    "metadata-correct/citation/surname-ascii",
    "metadata-correct/citation/surname-german-transliteration",
    "metadata-correct/citation/surname-initials-et-al",
    "metadata-correct/citation/surname-upper-case-initials-et-al",
    "metadata-correct/citation/two-authors/full",
    "metadata-correct/citation/two-authors/full-title-case",
    "metadata-correct/citation/two-authors/full-without-nlm-additions",
    "metadata-correct/citation/two-authors/iso",
    "metadata-correct/citation/two-authors/iso-no-periods",
    "metadata-correct/citation/two-authors/iso-periods",
    "metadata-correct/citation/two-authors/medline-ta",
    "metadata-correct/doi/as-is",
    "metadata-correct/doi/doi-prefix",
    "metadata-correct/doi/upper-case",
    "metadata-correct/doi/url",
    "metadata-correct/first_author/ascii",
    "metadata-correct/first_author/collective",
    "metadata-correct/first_author/german-transliteration",
    "metadata-correct/first_author/surname",
    "metadata-correct/journal/full",
    "metadata-correct/journal/full-title-case",
    "metadata-correct/journal/full-without-nlm-additions",
    "metadata-correct/journal/iso",
    "metadata-correct/journal/iso-no-periods",
    "metadata-correct/journal/iso-periods",
    "metadata-correct/journal/medline-ta",
    "metadata-correct/location/bmc",
    "metadata-correct/location/fields-as-pubmed-gives-them",
    "metadata-correct/location/nature-first-page-only",
    "metadata-correct/location/nature-pages-written-out",
    "metadata-correct/location/one-number-of-a-double-issue",
    "metadata-correct/location/supplement-as-s",
    "metadata-correct/location/vancouver-nlm-pages",
    "metadata-correct/location/volume-without-its-part",
    "metadata-correct/title/as-printed",
    "metadata-correct/title/greek-spelled-out",
    "metadata-correct/title/lower-case",
    "metadata-correct/title/markup-stripped",
    "metadata-correct/title/subtitle-dropped-colon",
    "metadata-correct/title/subtitle-dropped-double-dash",
    "metadata-correct/title/translation-brackets-dropped",
    "metadata-correct/title/upper-case",
    "metadata-correct/year/issue",
    "metadata-correct/year/medlinedate-other-year",
    "metadata-planted/authors-co-author-added",
    "metadata-planted/authors-co-author-left-out",
    "metadata-planted/authors-co-author-misspelt",
    "metadata-planted/authors-order-swapped",
    "metadata-planted/authors-whole-list-stops-early",
    "metadata-planted/comment-cited-as-a-paper",
    "metadata-planted/doi-one-character-changed",
    "metadata-planted/erratum-notice-cited-as-a-paper",
    "metadata-planted/first-author-a-group-of-the-list-where-pubmed-has-a-person",
    "metadata-planted/first-author-a-person-where-pubmed-has-a-group",
    "metadata-planted/first-author-from-another-record",
    "metadata-planted/first-author-is-the-second-author",
    "metadata-planted/issue-changed",
    "metadata-planted/journal-another-full-title",
    "metadata-planted/journal-another-iso-abbreviation",
    "metadata-planted/journal-confusable-iso-abbreviation",
    "metadata-planted/journal-letters-in-order-iso-abbreviation",
    "metadata-planted/pages-first-page-changed",
    "metadata-planted/pages-last-page-changed",
    "metadata-planted/retraction-notice-cited-as-a-paper",
    "metadata-planted/title-of-another-record",
    "metadata-planted/title-with-a-content-word-changed",
    "metadata-planted/volume-off-by-one",
    "metadata-planted/year-off-by-1-3",
]

#: Classes failing on the whole corpus while the issue #11 fixes land (xfail, not strict).
#: Empty since the run of 2026-11-25 15:59 UTC: every class was at zero on the whole corpus.
#: Issue #12: a whole Nature-style reference given as the citation, whose journal opens with
#: a word the title could end with ("Mykosen. Suppl.", "Hematology. Am. Soc. Hematol. Educ.
#: Program") or holds an abbreviation ISO 4 does not list ("J. Aggress. Maltreat. Trauma"):
#: the reference reader cannot tell title from journal (3 of 396 here).
LANDING: set[str] = {"metadata-correct/authors/nature-whole-list"}


def _param(klass: str) -> Any:
    if klass in LANDING:
        mark = pytest.mark.xfail(reason="title/journal boundary, see LANDING", strict=False)
        return pytest.param(klass, marks=mark)
    return klass


@pytest.mark.timeout(900)
def test_the_corpus_has_2000_real_records_of_every_kind() -> None:
    records = corpus_records()
    assert len(records) >= 2000
    assert any(r.is_book for r in records.values())
    assert sum(any(a.collective for a in r.authors) for r in records.values()) >= 100
    assert sum("lancet" in r.journal.lower() for r in records.values()) >= 100
    assert sum("--" in r.title for r in records.values()) >= 100
    assert sum(len(r.years) > 1 for r in records.values()) >= 1
    assert sum("Published Erratum" in r.publication_types for r in records.values()) >= 20


@pytest.mark.timeout(900)
def test_every_generated_class_is_judged_here() -> None:
    generated = set(measured()["classes"])
    assert generated == set(CLASSES), (
        f"new classes: {sorted(generated - set(CLASSES))}; "
        f"not generated: {sorted(set(CLASSES) - generated)}"
    )


@pytest.mark.timeout(900)
@pytest.mark.parametrize("klass", [_param(k) for k in CLASSES])
def test_class_has_no_false_positive_and_no_miss(klass: str) -> None:
    data = measured()["classes"].get(klass)
    assert data is not None and data["n"] > 0, f"no claim of class {klass} was generated"
    examples = "\n".join(
        f"  PMID {e['pmid']}: {e['claim']} -> {e['got']} [{e['note']}]" for e in data["examples"]
    )
    assert data["failed"] == 0, f"{data['failed']} of {data['n']} failed:\n{examples}"
