"""The HTML review report without a browser: the options that write it, and that every value
from a claims file, a record or an evidence passage reaches the page as text, never markup.
"""

from __future__ import annotations

import dataclasses
import io
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import marked_runs, write
from ta1check.claims import loads_claims
from ta1check.evidence import Passage, PassageKind
from ta1check.pubmed.record import RecordSummary
from ta1check.report import get_reporter
from ta1check.results import CheckRun, evaluate

GOOD = """
[[claim]]
id = "obyrne"
pmid = 29768149
citation = "O'Byrne et al., N. Engl. J. Med. 2018"
"""
WRONG_YEAR = """
[[claim]]
id = "reuler"
pmid = 2930949
citation = "Reuler, West J Med (1989)"
"""
#: Every tag and attribute the template writes; anything else would be injected markup.
TAGS = {
    "html", "head", "meta", "title", "link", "style", "body", "header", "h1", "h2", "h3", "p",
    "span", "ul", "ol", "li", "form", "fieldset", "legend", "label", "input", "select",
    "option", "output", "main", "section", "article", "blockquote", "dl", "dt", "dd", "cite",
    "table", "tr", "th", "td", "mark", "a", "footer", "script",
}  # fmt: skip


class Page(HTMLParser):
    """The page as a browser's parser sees it: tags, attributes, and the text of passages."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.passages: list[str] = []
        self.marks: list[str] = []
        self.text: list[str] = []
        self._in_passage = 0
        self._in_mark = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "p" and dict(attrs).get("class") == "ptext":
            self._in_passage = 1
            self.passages.append("")
        elif tag == "mark":
            self._in_mark = True
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_passage = 0
        elif tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_passage:
            self.passages[-1] += data
        if self._in_mark:
            self.marks[-1] += data


def render(run: CheckRun) -> str:
    out = io.StringIO()
    get_reporter("html").render(run, out)
    return out.getvalue()


def unverified_run(**evidence: tuple[Passage, ...]) -> CheckRun:
    """A run of one claim, with ``evidence`` attached by claim id (no record: unverified)."""
    text = "".join(f'[[claim]]\nid = "{cid}"\npmid = 1\n' for cid in evidence or {"one": ()})
    run = evaluate([loads_claims(text, Path("c.toml"))], {})
    results = tuple(
        dataclasses.replace(r, evidence=evidence.get(r.claim.label, ())) for r in run.results
    )
    return dataclasses.replace(run, results=results)


def test_report_option_writes_the_page_and_format_writes_it_to_stdout(run, emulator, tmp_path):
    claims = write(tmp_path / "c.toml", GOOD + WRONG_YEAR)
    page = tmp_path / "review.html"
    out = run("check", str(claims), "--report", f"html={page}", "--report", "table")
    assert out.code == 1, out.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    text = " ".join(Page(html).text)
    assert "PubMed says 1985 (1985 Aug), the article says 1989" in text
    assert html.index('id="claim-1"') < html.index("reuler") < html.index("obyrne")
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/29768149/"' in html

    out = run("check", str(claims), "--format", "html")
    assert out.code == 1 and out.stdout.startswith("<!DOCTYPE html>")
    out = run("check", str(claims), "--format", "html", "--output", str(page), "--show", "errors")
    assert out.code == 1 and out.stdout == ""
    shown = page.read_text(encoding="utf-8")
    assert "reuler" in shown and "obyrne" not in shown
    assert "1 ok claim not shown (--show)" in shown


def test_hostile_values_are_text_never_markup(run, emulator, tmp_path):
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>&amp; </article>'
    claims = write(
        tmp_path / "c.toml",
        f"""
[article]
title = '{hostile}'
[[claim]]
id = "x"
pmid = 29768149
citation = '{hostile} et al., N Engl J Med 2018'
text = '{hostile}'
figure = "43%"
""",
    )
    page = tmp_path / "review.html"
    run("check", str(claims), "--report", f"html={page}")
    parsed = Page(page.read_text(encoding="utf-8"))
    assert {tag for tag, _ in parsed.tags} <= TAGS
    assert [tag for tag, _ in parsed.tags].count("script") == 1
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    assert sum(hostile in t for t in parsed.text) >= 3  # title, sentence, citation as text


def test_record_links_are_percent_encoded_and_a_bad_pmcid_gets_no_link():
    run = unverified_run()
    doi = '10.1000/a b#c?d<e>"f%25'
    record = RecordSummary(
        1, "T", ("A B",), "J", "J", 2000, doi, True, 'PMC1" onclick="x', ("Journal Article",), ()
    )
    run = dataclasses.replace(
        run, results=tuple(dataclasses.replace(r, record=record) for r in run.results)
    )
    links = [a["href"] for tag, a in Page(render(run)).tags if tag == "a"]
    (doi_link,) = [h for h in links if h and h.startswith("https://doi.org/")]
    assert unquote(urlsplit(doi_link).path[1:]) == doi
    assert not set(doi_link) & set(' #?<>"')
    assert not [h for h in links if h and "pmc" in h]


#: Text with the characters that make markup, among any others.
markupish = st.text(st.sampled_from("<>&\"';#/ab1") | st.characters(), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(text=markupish, data=st.data())
def test_a_passage_shows_exactly_its_text_with_exactly_its_spans_marked(text, data):
    """Whatever the text (markup, entities, quotes) and whatever the spans (overlapping,
    reversed, out of range), the page's passage reads as the text, and the marked parts are
    the characters the spans cover, merged where they touch."""
    bound = st.integers(-2, len(text) + 2)
    spans = data.draw(st.lists(st.tuples(bound, bound), max_size=5))
    passage = Passage(text, "abstract", PassageKind.FOUND, spans=tuple(spans), figure="1")
    parsed = Page(render(unverified_run(one=(passage,))))
    assert parsed.passages == [text]
    assert parsed.marks == marked_runs(text, spans)


ACCEPTED = """
[[claim]]
id = "smith-lancet"
pmid = 11748933
citation = "Smith et al., Lancet (2001)"
accept = [
  {code = "journal-mismatch", reason = "Smith & co. <b>brand</b>", until = 2027-06-30},
]
"""


def test_an_accepted_finding_shows_as_accepted_with_its_reason(run, emulator, tmp_path):
    page = tmp_path / "review.html"
    run("check", str(write(tmp_path / "c.toml", ACCEPTED)), "--today", "2026-11-25",
        "--report", f"html={page}")  # fmt: skip
    html = page.read_text(encoding="utf-8")
    parsed = Page(html)
    assert "b" not in {tag for tag, _ in parsed.tags}
    text = " ".join(parsed.text)
    assert "accepted (until 2027-06-30): Smith & co. <b>brand</b>" in text
    assert "Accepted (not counted): journal-mismatch" in " ".join(text.split())
    accepted = [
        a["class"] for tag, a in parsed.tags if tag == "li" and "accepted" in (a.get("class") or "")
    ]
    assert accepted == ["finding sev-error accepted"]
    assert '<option value="journal-mismatch">journal-mismatch (1 accepted)</option>' in html


def test_an_unused_acceptance_of_the_config_file_is_shown_at_its_line(
    run, emulator, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "ta1check.toml",
        '[[accept]]\ncode = "doi-mismatch"\nreason = "once"\npmid = 11748933\n',
    )
    claims = write(tmp_path / "c.toml", ACCEPTED)
    run("check", str(claims), "--today", "2026-11-25", "--report", "html=review.html")
    text = " ".join(" ".join(Page((tmp_path / "review.html").read_text("utf-8")).text).split())
    assert "The config file" in text
    assert "ta1check.toml:1 acceptance-unused warning" in text


def test_the_suggestion_and_the_record_links_are_shown():
    """#13's case: PMID 17600281 (a review) cited for Gravenstein's 1989 trial."""
    from ta1check.suggest import Suggestion

    run = unverified_run()
    record = RecordSummary(
        17600281, "Review.", ("Gravenstein S",), "Annals of the New York Academy of Sciences",
        "Ann N Y Acad Sci", 2007, "10.1196/annals.1415.030", True, "PMC1234567", ("Review",), (),
    )  # fmt: skip
    suggestion = Suggestion(
        2642497,
        "Gravenstein S et al., J Am Geriatr Soc 1989",
        "Thymosin alpha 1 in the elderly",
        ("author", "journal", "topic"),
        doi="10.1111/j.1532-5415.1989.tb02201.x",
    )
    run = dataclasses.replace(
        run,
        results=tuple(
            dataclasses.replace(r, record=record, suggestion=suggestion) for r in run.results
        ),
    )
    parsed = Page(render(run))
    text = " ".join("".join(parsed.text).split())
    assert (
        "Did you mean PMID 2642497: Gravenstein S et al., J Am Geriatr Soc 1989, "
        "Thymosin alpha 1 in the elderly — author, journal, topic match"
    ) in text
    links = {a["href"] for tag, a in parsed.tags if tag == "a"}
    assert links == {
        "https://pubmed.ncbi.nlm.nih.gov/1/",
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/",
        "https://doi.org/10.1196/annals.1415.030",
        "https://pubmed.ncbi.nlm.nih.gov/2642497/",
        "https://doi.org/10.1111/j.1532-5415.1989.tb02201.x",
    }
