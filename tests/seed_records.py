"""PubMed records of the seed article's citations, built in the tests from their public
bibliographic metadata (PubMed's citation: authors, title, journal, date, volume, pages,
publication types). CRAFTED: NLM's XML layout, not NLM's files; no abstract is included.

    from seed_records import GRAVENSTEIN_1989, ERSHLER_2007
    emulator.add_record(GRAVENSTEIN_1989)
"""

from __future__ import annotations

from xml.sax.saxutils import escape


def pubmed_article(
    pmid: int,
    title: str,
    authors: list[tuple[str, str, str]],
    journal: tuple[str, str],
    date: tuple[str, str],
    volume: str,
    issue: str,
    pages: str,
    publication_types: list[str],
    *,
    complete: bool = True,
) -> bytes:
    """One ``PubmedArticle`` as efetch gives it. ``authors``: (last name, fore name,
    initials); ``journal``: (title, ISO abbreviation, which is also the MedlineTA here);
    ``date``: (year, month)."""
    people = "".join(
        f'<Author ValidYN="Y"><LastName>{escape(last)}</LastName><ForeName>{escape(fore)}'
        f"</ForeName><Initials>{initials}</Initials></Author>"
        for last, fore, initials in authors
    )
    types = "".join(f"<PublicationType>{escape(t)}</PublicationType>" for t in publication_types)
    year, month = date
    issue_xml = f"<Issue>{issue}</Issue>" if issue else ""
    return f"""<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">{pmid}</PMID>
<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print"><Volume>{volume}</Volume>
{issue_xml}<PubDate><Year>{year}</Year><Month>{month}</Month></PubDate></JournalIssue>
<Title>{escape(journal[0])}</Title><ISOAbbreviation>{escape(journal[1])}</ISOAbbreviation>
</Journal><ArticleTitle>{escape(title)}</ArticleTitle>
<Pagination><MedlinePgn>{pages}</MedlinePgn></Pagination>
<AuthorList CompleteYN="{"Y" if complete else "N"}">{people}</AuthorList>
<Language>eng</Language><PublicationTypeList>{types}</PublicationTypeList></Article>
<MedlineJournalInfo><MedlineTA>{escape(journal[1])}</MedlineTA></MedlineJournalInfo>
</MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>
</ArticleIdList></PubmedData></PubmedArticle>""".encode()


#: The review the seed article cites (PMID 17600281): Ershler WB, Gravenstein S, Geloo ZS.
#: Ann N Y Acad Sci. 2007 Sep;1112:375-84.
ERSHLER_2007 = pubmed_article(
    17600281,
    "Thymosin alpha 1 as an adjunct to influenza vaccination in the elderly: rationale and "
    "trial summaries.",
    [
        ("Ershler", "William B", "WB"),
        ("Gravenstein", "Stefan", "S"),
        ("Geloo", "Zeba S", "ZS"),
    ],
    ("Annals of the New York Academy of Sciences", "Ann N Y Acad Sci"),
    ("2007", "Sep"),
    "1112",
    "",
    "375-84",
    ["Journal Article", "Review"],
)

#: The trial the seed article describes (PMID 2642497): Gravenstein S, Duthie EH, Miller
#: BA, et al. J Am Geriatr Soc. 1989 Jan;37(1):1-8.
GRAVENSTEIN_1989 = pubmed_article(
    2642497,
    "Augmentation of influenza antibody response in elderly men by thymosin alpha one. A "
    "double-blind placebo-controlled clinical study.",
    [
        ("Gravenstein", "S", "S"),
        ("Duthie", "E H", "EH"),
        ("Miller", "B A", "BA"),
    ],
    ("Journal of the American Geriatrics Society", "J Am Geriatr Soc"),
    ("1989", "Jan"),
    "37",
    "1",
    "1-8",
    ["Clinical Trial", "Journal Article", "Randomized Controlled Trial"],
    complete=False,
)
