"""Parser cost per record and per MB on the real record mix (issue #16).

``uv run python bench/parsers.py`` parses one efetch-shaped document holding the 2,680 real
records of ../shared/pubmed and tests/data/corpus (28.9 MB) and the 21 KB record 200 times,
with: ta1check's parser of record (Bio.Entrez's DTD-driven handler, then ``record_from_entrez``);
expat through ElementTree (the C tree builder, no field extraction: a floor for any parser of
the whole XML in the standard library); and lxml's tree builder when lxml is importable
(``uv run --with lxml python bench/parsers.py``). CPU seconds, best of three.
"""

from __future__ import annotations

import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from bench import record_mix  # noqa: E402

from emulator import DOCTYPE_2026, real_records  # noqa: E402
from ta1check.pubmed.parse import parse_pubmed_xml  # noqa: E402


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
    parsers: dict[str, Callable[[bytes], object]] = {
        "Bio.Entrez + record_from_entrez (parser of record)": parse_pubmed_xml,
        "ElementTree (expat, C tree builder), no fields": ET.fromstring,
    }
    try:
        from lxml import etree  # type: ignore[import-not-found]

        lxml_parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        parsers["lxml tree, no fields"] = lambda data: etree.fromstring(data, lxml_parser)
    except ImportError:
        pass
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
