"""Parser cost per record and per MB on the real record mix (issue #16).

``uv run python bench/parsers.py`` parses one efetch-shaped document holding the 2,680 real
records of ../shared/pubmed and tests/data/corpus (28.9 MB) and the 21 KB record 200 times,
with: ``parse_pubmed_xml`` as the network and ``--records`` paths call it (``xmlread``: lxml's
tree, then only the ``Record`` fields); the same fields read from lxml's ``iterparse`` (a
``tag=`` filter on the record elements, each cleared once read), the alternative measured
against it; Bio.Entrez's DTD-driven handler then ``record_from_entrez``
(``parse_with_entrez``: the parser of record before #16, now the tests' reference); and, as
floors with no field read, expat through ElementTree (the standard library's C tree builder)
and lxml's tree builder. CPU seconds, best of three.
"""

from __future__ import annotations

import io
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from bench import record_mix  # noqa: E402
from lxml import etree  # type: ignore[import-untyped]  # noqa: E402

from emulator import DOCTYPE_2026, real_records  # noqa: E402
from ta1check.pubmed import xmlread  # noqa: E402
from ta1check.pubmed.parse import parse_pubmed_xml, parse_with_entrez  # noqa: E402


def document(chunks: list[bytes] | tuple[bytes, ...]) -> bytes:
    return (
        b'<?xml version="1.0" ?>\n'
        + DOCTYPE_2026
        + b"\n<PubmedArticleSet>\n"
        + b"\n".join(chunks)
        + b"\n</PubmedArticleSet>\n"
    )


def cpu(parse: Callable[[bytes], object], data: bytes) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        parse(data)
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    lxml_parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

    def iterparse(data: bytes) -> object:
        records = []
        for _, element in etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            tag=("PubmedArticle", "PubmedBookArticle"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        ):
            read = xmlread._article if element.tag == "PubmedArticle" else xmlread._book
            records.append(read(element))
            element.clear()
        return records

    parsers: dict[str, Callable[[bytes], object]] = {
        "parse_pubmed_xml (xmlread: lxml tree, then the fields)": parse_pubmed_xml,
        "lxml iterparse (tag= filter, clear) + the same fields": iterparse,
        "Bio.Entrez + record_from_entrez (parse_with_entrez, the reference)": parse_with_entrez,
        "ElementTree (expat, C tree builder), no fields": ET.fromstring,
        "lxml tree, no fields": lambda data: etree.fromstring(data, lxml_parser),
    }
    mix = record_mix()
    docs = {
        f"record mix ({len(mix):,} records)": (document(mix), len(mix)),
        "21 KB record x 200": (document([real_records()[29768149]] * 200), 200),
    }
    print("| parser | records | MB | CPU s | ms/record | s/MB |")
    print("|---|---|---:|---:|---:|---:|")
    for doc_name, (data, n) in docs.items():
        mb = len(data) / 1e6
        for name, parse in parsers.items():
            seconds = cpu(parse, data)
            print(
                f"| {name} | {doc_name} | {mb:.1f} | {seconds:.2f} | "
                f"{seconds / n * 1e3:.2f} | {seconds / mb:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
