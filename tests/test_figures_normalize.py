"""``normalize_numbers`` skips each rewrite on a text that cannot hold what it rewrites, and
finds number words case-bound in the lowered text (#16): the text it gives is the one every
rewrite applied in turn gives, on every real abstract and on any text."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import corpus_records
from ta1check import figures
from ta1check.figures import normalize_numbers


def every_rewrite(text: str) -> str:
    """``normalize_numbers`` the long way: every rewrite, on every text."""
    text = text.replace("<sup>", "^")
    text = figures._TAG.sub("", text)
    text = text.translate(figures._space_table())
    text = figures._POWER_OF_TEN.sub(
        lambda m: "^" + m.group(1).translate(figures._SUPERSCRIPTS), text
    )
    text = figures._DECIMAL_DOT.sub(".", text)
    text = figures._SPACED_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), text)
    text = figures._decimal_commas(text)
    text = figures._PERCENT_WORDS.sub("%", text)
    text = figures._FOLD.sub(figures._fold, text)
    return figures._WORD_NUMBER.sub(lambda m: figures._word_numbers(m.group(0)), text)


def test_every_real_title_and_abstract_normalizes_as_the_long_way() -> None:
    for record in corpus_records().values():
        for text in (record.title, record.abstract):
            assert normalize_numbers(text) == every_rewrite(text), record.pmid


def test_the_characters_a_case_blind_letter_matches_are_its_cases_or_set_apart() -> None:
    """Every character that a case-blind ASCII letter matches is that letter in one case or
    the other, or one of ``_CASE_ODD``; and lowering keeps a character one character and a
    word character or not (so ``\\b`` falls in the same places)."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    word = re.compile(r"\w")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if ch in figures._CASE_ODD:
            continue
        lowered = ch.lower()
        if letter.fullmatch(ch):
            assert lowered.isascii() and lowered.isalpha(), hex(code)
        if len(lowered) == 1:
            assert bool(word.match(ch)) == bool(word.match(lowered)), hex(code)


pieces = st.sampled_from(
    [
        "one", "Two", "THREE", "twenty", "Ninety-eight", "hundred", "and", "thousand",
        "million", "fold", "twofold", "Ten-fold", "per cent", "Percent", "per", "cent", "%",
        "<sup>", "</sup>", "<i>", "10", "⁹", "⁻³", "40·6", "1 480", "11 000", "40,6", "1,480",
        "0,245", "1.480", "3,4-", "[0,1]", "İ", "ı", "ſ", "K", "ſix", "sİx", "Σ", "ß", "ﬁ",
        "\u00a0", "\u2009", "\u200b", "\u2013", "-", " ", "\t", "\n", "a", "x", "é", "_",
    ]
)  # fmt: skip
texts = st.lists(pieces | st.text(max_size=3), max_size=30).map("".join)


@settings(max_examples=3000, deadline=None)
@given(texts)
def test_any_text_normalizes_as_the_long_way(text: str) -> None:
    assert normalize_numbers(text) == every_rewrite(text)


def test_a_number_word_with_a_long_s_or_a_dotted_i_stays_a_word() -> None:
    """The case-blind patterns take "ſix", "NİNE" and "ſixfold" for number words; they read
    as none (they raised KeyError, an internal error, before #16)."""
    assert normalize_numbers("ſix of NİNE patients, fıve") == "ſix of NİNE patients, fıve"
    assert normalize_numbers("a ſixfold rise, then twofold") == "a ſixfold rise, then 2-fold"
    assert normalize_numbers("Six of nine patients") == "6 of 9 patients"
