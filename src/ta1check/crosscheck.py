"""``ta1check check --article``: the claims and the article kept in step.

Every in-text citation should have a reference entry, and every reference should be cited
(``citation-orphan``). Every claim's ``text`` should still be in the article (``claim-stale``).
Pure: an analysed article and a finished run in, a run with these findings added out.
"""

from __future__ import annotations

import dataclasses

from .article import Article, link, text_in_article
from .checks import apply_severities
from .findings import Code, Finding
from .results import ArticleFinding, CheckRun


def _finding(code: Code, field: str, stated: str | None, message: str) -> Finding:
    return Finding(code, code.default, field, stated, None, message)


def orphans(article: Article) -> list[ArticleFinding]:
    found: list[ArticleFinding] = []
    cited = set()
    for citation in article.citations:
        resolved = link(citation, article.references)
        if resolved.reference is None:
            found.append(
                ArticleFinding(
                    article.path,
                    citation.line,
                    _finding(
                        Code.CITATION_ORPHAN,
                        "citation",
                        citation.text,
                        f"in-text citation {citation.text!r}: {resolved.problem}",
                    ),
                )
            )
        else:
            cited.add(resolved.reference)
    for ref in article.references:
        if ref not in cited:
            found.append(
                ArticleFinding(
                    article.path,
                    ref.line,
                    _finding(
                        Code.CITATION_ORPHAN,
                        "reference",
                        ref.printed,
                        f"reference {ref.printed!r} is never cited in the text",
                    ),
                )
            )
    return sorted(found, key=lambda a: a.line)


def with_article(run: CheckRun, article: Article) -> CheckRun:
    """``run`` with the article's orphans and each stale claim flagged."""
    results = []
    for result in run.results:
        claim = result.claim
        if claim.text and not text_in_article(claim.text, article):
            where = f" (it was at line {claim.article_line})" if claim.article_line else ""
            stale = _finding(
                Code.CLAIM_STALE,
                "text",
                claim.text,
                f"the article no longer contains this claim's text{where}: the article changed "
                "after the claims were written",
            )
            findings = apply_severities((stale,), result.source.severities)
            results.append(dataclasses.replace(result, findings=result.findings + findings))
        else:
            results.append(result)
    return dataclasses.replace(
        run, results=tuple(results), article=article.path, article_findings=tuple(orphans(article))
    )
