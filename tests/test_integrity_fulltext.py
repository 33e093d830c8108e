"""Retractions, expressions of concern, errata and updates; and stated figures found in the
PubMed Central full text.

The notice records are CRAFTED: real records from ../shared/pubmed with a new PMID and
PubMed's own CommentsCorrections / PublicationType elements added, in PubMed's XML structure.
The PMC full text is a CRAFTED JATS article (efetch db=pmc structure) for a real record's PMC id.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import write
from emulator import Emulator, real_records

BASE = 2930949  # Reuler, West J Med 1985; PMC1306303; abstract states no numbers


def crafted(
    new_pmid: int,
    corrections: list[tuple[str, str, int]] = (),  # type: ignore[assignment]
    pubtypes: list[str] = (),  # type: ignore[assignment]
    base: int = BASE,
) -> bytes:
    xml = real_records()[base]
    xml = re.sub(
        rb"<PMID Version=\"1\">\d+</PMID>",
        f'<PMID Version="1">{new_pmid}</PMID>'.encode(),
        xml,
        count=1,
    )
    xml = re.sub(rb'(<ArticleId IdType="pubmed">)\d+', rb"\g<1>" + str(new_pmid).encode(), xml)
    if corrections:
        items = "".join(
            f'<CommentsCorrections RefType="{kind}"><RefSource>{ref}</RefSource>'
            f'<PMID Version="1">{pmid}</PMID></CommentsCorrections>'
            for kind, ref, pmid in corrections
        )
        block = f"<CommentsCorrectionsList>{items}</CommentsCorrectionsList>".encode()
        anchor = b"<MeshHeadingList>" if b"<MeshHeadingList>" in xml else b"</MedlineCitation>"
        xml = xml.replace(anchor, block + anchor, 1)
    for kind in pubtypes:
        xml = xml.replace(
            b"</PublicationTypeList>",
            f'<PublicationType UI="D0">{kind}</PublicationType></PublicationTypeList>'.encode(),
            1,
        )
    return xml


def check_json(run, tmp_path: Path, pmid: int, **extra: str) -> dict:  # type: ignore[no-untyped-def]
    lines = [f"[[claim]]\npmid = {pmid}"] + [f'{k} = "{v}"' for k, v in extra.items()]
    out = run("check", str(write(tmp_path / "c.toml", "\n".join(lines) + "\n")), "--format", "json")
    doc = json.loads(out.stdout)
    doc["exit"] = out.code
    return doc


def findings(doc: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [
        (f["code"], f["severity"])
        for f in doc["results"][0]["findings"]
        if f["code"] != "abstract-missing"
    ]


def test_retracted_publication_is_an_error_naming_the_notice(run, emulator: Emulator, tmp_path):
    emulator.add_record(
        crafted(
            80000001,
            [("RetractionIn", "West J Med. 1990;152(3):300", 80000002)],
            ["Retracted Publication"],
        )
    )
    doc = check_json(run, tmp_path, 80000001)
    assert doc["exit"] == 1
    assert findings(doc) == [("retracted", "error")]
    message = doc["results"][0]["findings"][0]["message"]
    assert "PMID 80000002" in message and "West J Med. 1990;152(3):300" in message


def test_retraction_notice_link_alone_is_retracted(run, emulator, tmp_path):
    emulator.add_record(crafted(80000003, [("RetractionIn", "J X. 2020;1:2", 80000004)]))
    assert findings(check_json(run, tmp_path, 80000003)) == [("retracted", "error")]


def test_citing_the_retraction_notice_itself_is_flagged(run, emulator, tmp_path):
    emulator.add_record(
        crafted(
            80000005,
            [("RetractionOf", "West J Med. 1985;143(2):1", BASE)],
            ["Retraction of Publication"],
        )
    )
    doc = check_json(run, tmp_path, 80000005)
    assert findings(doc) == [("retracted", "error")]
    message = doc["results"][0]["findings"][0]["message"]
    assert message == (
        "PMID 80000005 is a retraction notice of West J Med. 1985;143(2):1 (PMID 2930949), "
        "not a paper to cite"
    )


def test_expression_of_concern_erratum_update(run, emulator, tmp_path):
    emulator.add_record(
        crafted(
            80000006,
            [
                ("ExpressionOfConcernIn", "West J Med. 1986;1:1", 80000007),
                ("ErratumIn", "West J Med. 1985;143(6):800", 80000008),
                ("UpdateIn", "West J Med. 1999;170:1", 80000009),
                ("CommentIn", "West J Med. 1986;2:2", 80000010),
            ],
        )
    )
    doc = check_json(run, tmp_path, 80000006)
    assert doc["exit"] == 0
    assert findings(doc) == [
        ("expression-of-concern", "warning"),
        ("erratum", "info"),
        ("update", "info"),
    ]
    messages = [f["message"] for f in doc["results"][0]["findings"]]
    assert messages[1] == "an erratum was published in West J Med. 1985;143(6):800 (PMID 80000008)"


JATS = b"""<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="review-article">
<front><article-meta><article-id pub-id-type="pmc">1306303</article-id>
<article-id pub-id-type="pmid">2930949</article-id>
<title-group><article-title>Low back pain.</article-title></title-group></article-meta></front>
<body><sec><title>Introduction</title><p>About 80% of adults have back pain at some time.</p>
</sec><sec><title>Results</title><p>Of 1,227 patients, 2&#8201;% needed surgery
(95% CI 1.2&#8211;2.9).</p></sec></body>
<back><table-wrap><label>Table 1</label><caption><p>Imaging</p></caption><table><tr><td>
Radiographs</td><td>38.5%</td></tr></table></table-wrap></back></article>"""


def test_figure_missing_from_abstract_is_found_in_pmc_full_text(run, emulator, tmp_path):
    emulator.pmc[1306303] = JATS
    doc = check_json(run, tmp_path, BASE, figure="1,227 patients; 2%; 38.5%; 39%; 17%")
    verdicts = [(f["stated"], f["verdict"], f["where"]) for f in doc["results"][0]["figures"]]
    assert verdicts == [
        ("1,227", "found-in-fulltext", "full text: Results"),
        ("2%", "found-in-fulltext", "full text: Results"),
        ("38.5%", "found-in-fulltext", "full text: Table 1"),
        ("39%", "rounded", "Table 1"),
        ("17%", "not-found", None),
    ]
    pmc = [r for r in emulator.efetches if r.params["db"] == "pmc"]
    assert [r.ids for r in pmc] == [[1306303]]
    message = next(f for f in doc["results"][0]["findings"] if f["code"] == "figure-not-found")
    assert "nor in the full text (PMC1306303)" in message["message"]
    # warm: the full text is cached too
    check_json(run, tmp_path, BASE, figure="1,227 patients")
    assert len([r for r in emulator.efetches if r.params["db"] == "pmc"]) == 1


def test_no_fulltext_option_keeps_to_the_abstract(run, emulator, tmp_path):
    emulator.pmc[1306303] = JATS
    claims = write(tmp_path / "c.toml", '[[claim]]\npmid = 2930949\nfigure = "1,227 patients"\n')
    out = run("check", str(claims), "--no-fulltext", "--format", "json")
    (result,) = json.loads(out.stdout)["results"]
    assert result["figures"][0]["verdict"] == "not-found"
    assert all(r.params["db"] == "pubmed" for r in emulator.efetches)


def test_article_not_in_pmc_open_access_is_no_full_text(run, emulator, tmp_path):
    doc = check_json(run, tmp_path, BASE, figure="1,227 patients")
    assert doc["results"][0]["figures"][0]["verdict"] == "not-found"
    assert doc["exit"] == 0


def test_pmc_failure_says_so_and_does_not_hide_the_record_checks(run, emulator, tmp_path):
    emulator.retry_after = "0"
    original = emulator._next_fault

    def fail_pmc() -> str | None:
        return "500" if emulator.efetches[-1].params.get("db") == "pmc" else None

    emulator._next_fault = fail_pmc  # type: ignore[method-assign]
    doc = check_json(run, tmp_path, BASE, figure="1,227 patients")
    emulator._next_fault = original  # type: ignore[method-assign]
    # The number was not looked for where it may be: unverified (exit 3), never "not found".
    assert not [f for f in doc["results"][0]["findings"] if f["code"] == "figure-not-found"]
    (finding,) = [f for f in doc["results"][0]["findings"] if f["code"] == "unverified"]
    assert "could not be fetched (NCBI answered HTTP 500)" in finding["message"]
    assert doc["exit"] == 3
