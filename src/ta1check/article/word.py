"""Word ``.docx`` manuscripts, read with python-docx: the document's paragraphs as blocks whose
position is the paragraph's number (1 for the first paragraph of the document; a table's
paragraphs count, in document order).

What Word keeps as formatting becomes the text the rest of the article side reads:
superscript runs ("disease.³" typed as "3" in superscript) become "^3^", as Markdown writes
them; a numbered list's number (which Word computes and is not in the text) prefixes its
paragraph ("12. Smith JA …"), so that a reference list made with Word's numbering keeps its
reference numbers; a hyperlink to PubMed or a DOI keeps its address; tracked deletions and
field instructions (a reference manager's hidden codes) are not text. Pure: bytes in, blocks out.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from .model import Block

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: Largest uncompressed size of a .docx read (a zip bomb is refused before it is opened).
MAX_UNPACKED = 512 * 1024 * 1024


class WordError(ValueError):
    """A file that is not a readable Word document: ``cause`` in one line."""


@dataclass(frozen=True)
class WordDocument:
    title: str | None
    blocks: tuple[Block, ...]


def _local(el: Any) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return str(tag.rsplit("}", 1)[-1])


def _val(el: Any, name: str) -> str | None:
    child = el.find(f"{_W}{name}") if el is not None else None
    return None if child is None else child.get(f"{_W}val")


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    superscript: bool | None
    num: tuple[str, str] | None  # (numId, ilvl)
    outline: int | None


def _styles(document: Any) -> dict[str, _Style]:
    out: dict[str, _Style] = {}
    for st in document.styles.element.findall(f"{_W}style"):
        sid = st.get(f"{_W}styleId") or ""
        rpr = st.find(f"{_W}rPr")
        ppr = st.find(f"{_W}pPr")
        align = _val(rpr, "vertAlign")
        num = _num_pr(ppr)
        outline = _val(ppr, "outlineLvl")
        out[sid] = _Style(
            name=_val(st, "name") or sid,
            based_on=_val(st, "basedOn"),
            superscript=None if align is None else align == "superscript",
            num=num,
            outline=int(outline) if outline and outline.isdigit() else None,
        )
    return out


def _num_pr(ppr: Any) -> tuple[str, str] | None:
    if ppr is None:
        return None
    num = ppr.find(f"{_W}numPr")
    if num is None:
        return None
    num_id = _val(num, "numId")
    return (num_id, _val(num, "ilvl") or "0") if num_id is not None else None


def _inherited(styles: dict[str, _Style], sid: str | None, attr: str) -> Any:
    seen: set[str] = set()
    while sid and sid in styles and sid not in seen:
        seen.add(sid)
        value = getattr(styles[sid], attr)
        if value is not None:
            return value
        sid = styles[sid].based_on
    return None


@dataclass
class _Numbering:
    """Word's list numbering: the number each numbered paragraph shows."""

    #: numId -> (abstractNumId, {ilvl: start override})
    nums: dict[str, tuple[str, dict[str, int]]] = field(default_factory=dict)
    #: abstractNumId -> {ilvl: (start, numFmt, lvlText)}
    levels: dict[str, dict[str, tuple[int, str, str]]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    overridden: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, document: Any) -> _Numbering:
        out = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return out
        for abstract in root.findall(f"{_W}abstractNum"):
            levels: dict[str, tuple[int, str, str]] = {}
            for lvl in abstract.findall(f"{_W}lvl"):
                start = _val(lvl, "start") or "1"
                levels[lvl.get(f"{_W}ilvl") or "0"] = (
                    int(start) if start.isdigit() else 1,
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                )
            out.levels[abstract.get(f"{_W}abstractNumId") or ""] = levels
        for num in root.findall(f"{_W}num"):
            overrides: dict[str, int] = {}
            for over in num.findall(f"{_W}lvlOverride"):
                restart = _val(over, "startOverride")
                if restart and restart.isdigit():
                    overrides[over.get(f"{_W}ilvl") or "0"] = int(restart)
            out.nums[num.get(f"{_W}numId") or ""] = (_val(num, "abstractNumId") or "", overrides)
        return out

    def label(self, num_id: str, ilvl: str) -> str | None:
        """The number this paragraph shows ("12."), or None (a bullet, no list)."""
        if num_id not in self.nums:
            return None
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        start, fmt, text = levels.get(ilvl, (1, "decimal", f"%{int(ilvl) + 1}."))
        level = int(ilvl) if ilvl.isdigit() else 0
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.overridden and ilvl in overrides:
            self.overridden.add(num_id)
            counters[level] = overrides[ilvl] - 1
        counters[level] = counters.get(level, levels.get(ilvl, (1, "", ""))[0] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if not fmt.startswith("decimal") or start < 0:
            return None
        n = counters[level]
        shown = re.sub(r"%(\d)", lambda m: str(counters.get(int(m.group(1)) - 1, n)), text)
        # a reference number as the reference list reader knows it: "12." or "[12]"
        return shown if re.fullmatch(r"\[\d+\]|\d+[.)]", shown) else f"{n}."


class _Paragraph:
    """A paragraph's text with its superscript runs marked "^…^"."""

    def __init__(self, styles: dict[str, _Style], links: dict[str, str]) -> None:
        self.parts: list[str] = []
        self.sup = False
        self.styles, self.links = styles, links
        self.field: list[str] = []  # complex fields: "code" until separate, then "result"

    def close_sup(self) -> None:
        if self.sup:
            self.parts.append("^")
            self.sup = False

    def run(self, r: Any) -> None:
        rpr = r.find(f"{_W}rPr")
        align = _val(rpr, "vertAlign")
        if align is None:
            align_sup = _inherited(self.styles, _val(rpr, "rStyle"), "superscript")
        else:
            align_sup = align == "superscript"
        for el in r:
            tag = _local(el)
            if tag == "fldChar":
                kind = el.get(f"{_W}fldCharType")
                if kind == "begin":
                    self.field.append("code")
                elif kind == "separate" and self.field:
                    self.field[-1] = "result"
                elif kind == "end" and self.field:
                    self.field.pop()
                continue
            if self.field and self.field[-1] == "code":
                continue  # a field's instructions ("ADDIN EN.CITE …"): not text
            text = {"tab": " ", "br": " ", "cr": " ", "noBreakHyphen": "-"}.get(tag)
            if tag == "t":
                text = el.text or ""
            if not text:
                continue
            if align_sup and text.strip() and not self.sup:
                self.parts.append("^")
                self.sup = True
            elif not align_sup and self.sup:
                self.close_sup()
            self.parts.append(text)

    def walk(self, el: Any) -> None:
        for child in el:
            tag = _local(child)
            if tag == "r":
                self.run(child)
            elif tag in ("del", "moveFrom", "pPr", "oMath", "oMathPara"):
                continue
            elif tag == "hyperlink":
                self.walk(child)
                target = self.links.get(child.get(f"{_R}id") or "", "")
                if re.search(r"pubmed|doi\.org|ncbi\.nlm\.nih\.gov/pmc", target):
                    self.close_sup()
                    self.parts.append(f" {target} ")
            elif tag == "fldSimple":
                self.walk(child)
            else:  # ins, smartTag, sdt, sdtContent, customXml, moveTo…
                self.walk(child)

    def text(self) -> str:
        self.close_sup()
        text = "".join(self.parts)
        text = re.sub(r"\^\s*\^", "", text)  # an empty superscript
        return " ".join(text.split())


def _check_zip(raw: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise WordError(f"not a Word .docx file (not a zip archive: {exc})") from None
    if total > MAX_UNPACKED:
        raise WordError(f"unpacks to {total:,} bytes; the limit is {MAX_UNPACKED:,}")
    if "word/document.xml" not in names and "[Content_Types].xml" not in names:
        raise WordError("not a Word .docx file (a zip archive without word/document.xml)")


def read_word(raw: bytes) -> WordDocument:
    """The paragraphs of the Word document ``raw``; raises :class:`WordError`."""
    import docx  # python-docx: imported here, only a .docx needs it

    _check_zip(raw)
    try:
        document = docx.Document(io.BytesIO(raw))
        body = document.element.body
        styles = _styles(document)
        numbering = _Numbering.of(document)
        links = {
            rid: rel.target_ref
            for rid, rel in document.part.rels.items()
            if rel.is_external and rel.target_ref
        }
    except WordError:
        raise
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        cause = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        raise WordError(f"not a readable Word .docx file ({cause})") from None

    blocks: list[Block] = []
    title: str | None = None
    count = 0

    def paragraph(p: Any) -> tuple[int, str, bool, str | None]:
        nonlocal count
        count += 1
        ppr = p.find(f"{_W}pPr")
        style_id = _val(ppr, "pStyle")
        reader = _Paragraph(styles, links)
        reader.walk(p)
        text = reader.text()
        num = _num_pr(ppr) or _inherited(styles, style_id, "num")
        if num is not None and text:
            label = numbering.label(*num)
            if label:
                text = f"{label} {text}"
        name = (_inherited(styles, style_id, "name") or "").lower()
        outline = _val(ppr, "outlineLvl")
        level = int(outline) if outline and outline.isdigit() else None
        if level is None:
            level = _inherited(styles, style_id, "outline")
        heading = name == "title" or name.startswith("heading") or (level is not None and level < 9)
        return count, text, heading, name

    def walk(container: Any) -> None:
        nonlocal title
        for child in container:
            tag = _local(child)
            if tag == "p":
                number, text, heading, name = paragraph(child)
                if text:
                    blocks.append(Block(number, text, heading))
                    if name == "title" and title is None:
                        title = text
            elif tag == "tbl":
                for row in child.iter(f"{_W}tr"):
                    cells: list[str] = []
                    first = 0
                    for p in row.iter(f"{_W}p"):
                        number, text, _, _ = paragraph(p)
                        first = first or number
                        if text:
                            cells.append(text)
                    if cells:
                        blocks.append(Block(first, " | ".join(cells)))
            elif tag in ("sdt", "sdtContent", "customXml", "ins"):
                walk(child)

    try:
        walk(body)
    except Exception as exc:  # a damaged part that opened but cannot be walked
        cause = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        raise WordError(f"not a readable Word .docx file ({cause})") from None
    if title is None:
        first = next((b for b in blocks if b.heading), None)
        title = first.text if first is not None and first is blocks[0] else None
    return WordDocument(title, tuple(blocks))
