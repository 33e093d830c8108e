"""Showing a record to an editor: the fields a citation uses, and a claim to start from."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .normalize import display_text
from .pubmed.record import Record

_MAX_AUTHORS = 10


def citation_text(record: Record) -> str:
    """The record as an editor would cite it: "Surname et al., Journal (Year)"."""
    if record.authors:
        first = record.authors[0]
        name = first.collective or first.last_name
        if len(record.authors) == 2:
            second = record.authors[1]
            name = f"{name} and {second.collective or second.last_name}"
        elif len(record.authors) > 2:
            name = f"{name} et al."
    else:
        name = "Anonymous"
    journal = record.iso_abbreviation or record.medline_ta or record.journal
    year = f" ({record.year})" if record.year else ""
    return f"{name}, {journal}{year}"


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def toml_snippet(record: Record) -> str:
    lines = [
        "[[claim]]",
        f"pmid = {record.pmid}",
        f"citation = {_toml_string(citation_text(record))}",
        f"title = {_toml_string(record.title)}",
    ]
    if record.doi:
        lines.append(f"doi = {_toml_string(record.doi)}")
    return "\n".join(lines) + "\n"


def render_record(console: Console, record: Record) -> None:
    authors = ", ".join(a.display for a in record.authors[:_MAX_AUTHORS])
    if len(record.authors) > _MAX_AUTHORS or not record.authors_complete:
        authors += ", et al."
    where = record.iso_abbreviation or record.journal
    volume = ""
    if record.volume:
        volume = f"; {record.volume}" + (f"({record.issue})" if record.issue else "")
        volume += f":{record.pages}" if record.pages else ""
    rows = [
        ("PMID", str(record.pmid)),
        ("Title", display_text(record.title)),
        ("Authors", authors or "—"),
        ("Journal", f"{where} ({record.journal})" if record.journal != where else where),
        ("Date", f"{record.pub_date}{volume}"),
        ("E-published", str(record.epub_year) if record.epub_year else "—"),
        ("DOI", record.doi or "—"),
        ("PMC", record.pmcid or "—"),
        ("Type", "; ".join(record.publication_types) or "—"),
    ]
    for notice in record.notices:
        reference = display_text(notice.reference) or "—"
        rows.append(
            (notice.kind, f"{reference} (PMID {notice.pmid})" if notice.pmid else reference)
        )
    for label, value in rows:
        line = Text(f"{label:>12}  ", style="bold")
        line.append(value)
        console.print(line)
    abstract = display_text(record.abstract)
    console.print(Text("    Abstract  ", style="bold") + Text(abstract or "— none —"))
    console.print()
