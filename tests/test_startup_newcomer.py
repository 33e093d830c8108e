"""Issue #14, as a newcomer and a pre-commit hook meet ta1check: start-up that loads only what
the run needs, a progress bar that says why it waits, and the first steps (install, config,
``show``, notices) reading right. Figures for start-up are in bench/startup.py, not here."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, require_tool, write

OBYRNE, GIBBS = 29768149, 36400559
CLAIMS = f"[[claim]]\npmid = {OBYRNE}\n\n[[claim]]\npmid = {GIBBS}\n"
#: What a run that the cache answers (or that only prints) has no use for.
HEAVY = ("requests", "requests_cache", "urllib3", "redis", "Bio", "tenacity", "pyrate_limiter")

_PROBE = """
import json, sys
from ta1check.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded(
    args: list[str], env: dict[str, str] | None = None, *, whole: bool = False
) -> tuple[int, set[str]]:
    """Run the CLI in a fresh interpreter: its exit code and the top-level packages it
    imported (``whole``: every module, by its full name)."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    modules = report["modules"]
    return report["code"], set(modules) if whole else {m.split(".")[0] for m in modules}


# --- Start-up ----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"]])
def test_version_and_help_load_no_http_stack_redis_or_biopython(args: list[str]) -> None:
    code, modules = loaded(args)
    assert code == 0
    assert not modules & {*HEAVY, "rich"}, sorted(modules & {*HEAVY, "rich"})


def test_a_run_the_cache_answers_loads_no_http_stack_redis_or_biopython(
    run, emulator, tmp_path: Path
) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    assert run("check", str(claims)).code == 0  # fills the cache
    requests_before = len(emulator.efetches)
    code, modules = loaded(["check", str(claims), "-q"])
    assert code == 0
    assert len(emulator.efetches) == requests_before
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


#: A whole printed reference as a citation: the reference parser reads it (#14: without the
#: rest of the article side).
WHOLE = (
    "O'Byrne PM, FitzGerald JM, Bateman ED, et al. Inhaled combined budesonide-formoterol as "
    "needed in mild asthma. N Engl J Med. 2018;378(20):1865-1876."
)
#: What a warm check of claims that cite their records rightly, and state no sentence, has
#: no use for: the article side beyond the reference parser, drafting, the search for a right
#: PMID, BM25 ranking (numpy), the XML parser (the cache holds records decoded), and the
#: report formats it was not asked for.
UNUSED = {
    "ta1check.pubmed.parse",
    "xml.etree.ElementTree",
    *(f"ta1check.article.{m}" for m in ("intext", "jats", "pairing", "reading", "word")),
    "ta1check.draft",
    "ta1check.crosscheck",
    "ta1check.suggester",
    "bm25s",
    "numpy",
    *(f"ta1check.report.{m}" for m in ("junit", "sarif", "html", "markdown", "github")),
}


@pytest.mark.parametrize(
    ("args", "uses", "unused"),
    [
        (["-q"], {"ta1check.report.table"}, {"rich", "ta1check.report.json"}),
        ([], {"ta1check.report.table", "rich"}, {"ta1check.report.json"}),
        (["--report", "json"], {"ta1check.report.json"}, {"rich", "ta1check.report.table"}),
    ],
)
def test_a_warm_check_loads_only_the_modules_it_uses(
    run, emulator, tmp_path: Path, args: list[str], uses: set[str], unused: set[str]
) -> None:
    claims = write(
        tmp_path / "claims.toml",
        f"[[claim]]\npmid = {OBYRNE}\ncitation = {json.dumps(WHOLE)}\n\n"
        f"[[claim]]\npmid = {GIBBS}\n",
    )
    assert run("check", str(claims)).code == 0  # fills the cache
    code, modules = loaded(["check", str(claims), *args], whole=True)
    assert code == 0
    assert uses | {"ta1check.article.references"} <= modules  # read the whole reference
    assert not modules & (UNUSED | unused), sorted(modules & (UNUSED | unused))


def test_a_run_whose_pmids_are_not_found_loads_no_record_checks(
    run, emulator, tmp_path: Path
) -> None:
    """The repository's claims, whose PMIDs PubMed lacks (here): no record is read, so the
    study-design and journal-name checks (word lists, title tables) are never loaded."""
    assert run("check", str(ROOT / "claims.toml")).code == 1
    code, modules = loaded(["check", str(ROOT / "claims.toml"), "-q"], whole=True)
    assert code == 1
    assert "ta1check.suggester" not in modules  # -q shows no suggestion: none is sought (#16)
    assert not modules & {"ta1check.design", "ta1check.journals", "rich"}
    code, modules = loaded(["check", str(ROOT / "claims.toml"), "--format", "json"], whole=True)
    assert code == 1
    assert "ta1check.suggester" in modules  # a report shows each one's suggestion search
    assert not modules & {"ta1check.design", "ta1check.journals"}


def test_a_claim_that_states_a_sentence_is_ranked(run, emulator, tmp_path: Path) -> None:
    """BM25 (and numpy) are loaded when a claim's text is to be ranked, and then only."""
    text = "Budesonide-formoterol as needed was superior to terbutaline for asthma control."
    claims = write(
        tmp_path / "claims.toml", f"[[claim]]\npmid = {OBYRNE}\ntext = {json.dumps(text)}\n"
    )
    assert run("check", str(claims)).code == 0
    code, modules = loaded(["check", str(claims), "-q"], whole=True)
    assert code == 0
    assert {"bm25s", "numpy", "ta1check.evidence"} <= modules
    assert "rich" not in modules
    # bm25s sets its logger to DEBUG: its lines stay out of a run without -vv
    quiet = _cli(["check", str(claims), "-q"])
    assert quiet.returncode == 0
    assert quiet.stderr == b""


_EAGER = """
import importlib, pkgutil, sys
import ta1check
from ta1check.lazyre import LazyPattern
for info in pkgutil.walk_packages(ta1check.__path__, "ta1check."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
for module in list(sys.modules.values()):
    for value in list(vars(module).values()):
        if isinstance(value, LazyPattern):
            value.compiled()
from ta1check.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _cli(args: list[str], eager: bool = False) -> subprocess.CompletedProcess[bytes]:
    """The CLI in a fresh interpreter; ``eager``: every ta1check module imported and every
    pattern compiled before it runs, as before #14's start-up work."""
    probe = ["-c", _EAGER] if eager else ["-m", "ta1check"]
    return subprocess.run(
        [sys.executable, *probe, *args], capture_output=True, check=False, timeout=600
    )


def test_loading_modules_and_patterns_when_used_changes_no_report(emulator, tmp_path: Path) -> None:
    """The same JSON report, byte for byte, whether a run imports and compiles only what it
    uses or everything first: the repository's claims.toml (not found, with suggestions)
    against the emulator, and 1,000 claims of the corpus's real records (figures, sentences,
    wrong years and authors, unknown PMIDs) read from the corpus files."""
    from corpus import corpus_files
    from review_run import thousand_claims

    thousand_claims(tmp_path)
    records = [a for path in corpus_files() for a in ("--records", str(path))]
    for args in (
        ["check", str(ROOT / "claims.toml"), "--report", "json"],
        ["check", str(tmp_path / "thousand.toml"), *records, "--complete", "--report", "json"],
    ):
        cold = _cli(args)
        assert cold.returncode == 1, cold.stderr[-2000:]
        warm, eager = _cli(args), _cli(args, eager=True)
        assert len(json.loads(cold.stdout)["results"]) in (13, 1000)
        assert warm.stdout == cold.stdout
        assert eager.stdout == cold.stdout
        assert eager.returncode == warm.returncode == cold.returncode


def test_a_run_that_must_fetch_still_fetches(emulator, tmp_path: Path) -> None:
    """The lazy client is made when the cache lacks a record (and only then)."""
    claims = write(tmp_path / "claims.toml", CLAIMS)
    code, modules = loaded(["check", str(claims), "-q"])
    assert code == 0
    assert {"requests", "Bio"} <= modules
    assert len(emulator.efetches) == 1


# --- Progress ----------------------------------------------------------------------------------


def on_a_terminal(args: list[str], env: dict[str, str], columns: int = 80) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal of ``columns``: its exit code and all that
    the terminal was sent (progress bar frames included)."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "CI")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ta1check", *args],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env={**clean, **env},
    )
    os.close(slave)
    sent = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            sent += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=60), sent.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("503", "NCBI answered HTTP 503; retrying in "),
        ("429", "NCBI answered rate limited (HTTP 429); retrying in "),
    ],
)
def test_the_progress_bar_says_why_it_waits(
    emulator, tmp_path: Path, isolated: Path, fault: str, says: str
) -> None:
    emulator.retry_after = "1"
    emulator.inject(fault, fault)
    claims = write(tmp_path / "claims.toml", CLAIMS)
    env = {"TA1CHECK_EUTILS_URL": emulator.url, "TA1CHECK_CACHE": str(isolated)}
    code, terminal = on_a_terminal(["check", str(claims), "-q"], env)
    assert code == 0, terminal
    assert says in terminal
    assert ", attempt 2 of 5" in terminal and ", attempt 3 of 5" in terminal


def test_a_connection_refused_is_said_on_the_bar(tmp_path: Path, isolated: Path) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    env = {"TA1CHECK_CACHE": str(isolated), "TA1CHECK_EUTILS_URL": "http://127.0.0.1:9/e/"}
    code, terminal = on_a_terminal(["check", str(claims), "-q", "--timeout", "3"], env, 120)
    assert code == 3
    assert "could not connect to 127.0.0.1:9" in terminal
    assert "; retrying in " in terminal and ", attempt 2 of 5" in terminal


def test_retries_are_logged_with_v_and_silent_without_off_a_terminal(
    run, emulator, tmp_path: Path
) -> None:
    claims = write(tmp_path / "claims.toml", CLAIMS)
    emulator.inject("503")
    quiet = run("check", str(claims), "-q", "--no-cache")
    assert quiet.code == 0
    assert quiet.stderr == ""
    emulator.inject("503")
    logged = run("check", str(claims), "-q", "--no-cache", "-v")
    assert logged.code == 0
    assert "NCBI answered HTTP 503; retrying in " in logged.stderr
    assert ", attempt 2 of 5" in logged.stderr


# --- Newcomer ----------------------------------------------------------------------------------


def test_check_help_lists_the_exit_codes(run) -> None:
    out = run("check", "--help")
    assert out.code == 0
    lines = [" ".join(line.split()) for line in out.stdout.splitlines()]
    for code in ("0 nothing at or above", "1 a finding at or above", "2 usage error", "3 no "):
        assert any(line.startswith(code) for line in lines), code
    assert any(line.startswith("4 internal error") for line in lines)


def test_check_with_no_file_checks_the_claims_toml_here(
    run, emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    missing = run("check")
    assert missing.code == 2
    assert "no claims file given, and there is no claims.toml in this folder" in missing.stderr
    write(tmp_path / "claims.toml", CLAIMS)
    out = run("check", "-q")
    assert out.code == 0, out.stderr
    assert out.stdout == "2 claims: 2 ok\n"


def test_a_relative_cache_dir_in_the_config_file_is_from_that_files_folder(
    run, emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    docs = project / "docs" / "chapter"
    docs.mkdir(parents=True)
    write(project / "pyproject.toml", '[tool.ta1check]\ncache-dir = ".cache/ta1check"\n')
    write(docs / "claims.toml", CLAIMS)
    monkeypatch.delenv("TA1CHECK_CACHE")
    monkeypatch.chdir(docs)
    config = run("config")
    assert f"cache-dir   {project / '.cache' / 'ta1check'}  (pyproject.toml" in config.stdout
    assert run("check", "-q").code == 0
    assert (project / ".cache" / "ta1check" / "records.sqlite").is_file()
    assert not (docs / ".cache").exists()
    # from the command line or the environment, a relative path is from the working directory
    monkeypatch.setenv("TA1CHECK_CACHE", "here")
    assert f"cache-dir   {Path('here')}  ($TA1CHECK_CACHE)" in run("config").stdout


def test_config_never_prints_none(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = run("config")
    assert out.code == 0
    assert "None" not in out.stdout
    assert any(line.split()[:3] == ["email", "not", "set"] for line in out.stdout.splitlines())


def test_show_prints_text_not_markup_and_no_blank_runs(run, emulator) -> None:
    # real records: <i> in a title, <sub> in an abstract, indented MathML (29963580)
    out = run("show", "30108519", "29963580")
    assert out.code == 0, out.stderr
    # the record as shown, not the [[claim]] to copy (which keeps PubMed's title as it is)
    rows = [line for line in out.stdout.splitlines() if line[:14].strip()[:1].isupper()]
    assert len(rows) >= 18
    assert not [row for row in rows if re.search(r"</?[a-z]+[ >]", row)]
    assert "(LEmin)" in out.stdout
    assert 'A "Blood Relationship" Between' in out.stdout
    assert "inhaled He3/Xe129MRI ventilation" in out.stdout
    for row in rows:
        assert "  " not in row[14:], row  # after the label column


def _corpus_xml(pmid: int) -> bytes:
    """A real record's PubmedArticle from the corpus files (tests/data/corpus)."""
    import gzip

    from corpus import CORPUS_DIR
    from emulator import split_articles

    for path in sorted(CORPUS_DIR.glob("*.xml.gz")):
        found = split_articles(gzip.decompress(path.read_bytes())).get(pmid)
        if found is not None:
            return found
    raise LookupError(pmid)


@pytest.mark.parametrize(
    ("pmid", "message"),
    [
        # ErratumIn without a PMID (Expert Rev Gastroenterol Hepatol, 2013)
        (
            23985001,
            "an erratum was published in Expert Rev Gastroenterol Hepatol. 2013 Nov;7(8):767 "
            "(no PMID given)",
        ),
        # ErratumIn with a PMID
        (
            35649368,
            "an erratum was published in Cell Rep. 2022 Jun 28;39(13):111044. "
            "doi: 10.1016/j.celrep.2022.111044. (PMID 35767954)",
        ),
        # RetractionIn (Nature, 1980)
        (
            423962,
            "PubMed marks this paper as retracted: the retraction notice was published in "
            "Nature. 1980 Jan 3;283(5742):111 (PMID 7350521)",
        ),
    ],
)
def test_notice_messages_read_as_sentences(
    run, emulator, tmp_path: Path, pmid: int, message: str
) -> None:
    emulator.add_record(_corpus_xml(pmid))
    claims = write(tmp_path / "claims.toml", f"[[claim]]\npmid = {pmid}\n")
    out = run("check", str(claims), "--report", "json")
    messages = [f["message"] for f in json.loads(out.stdout)["results"][0]["findings"]]
    assert message in messages


def test_every_notice_message_of_the_corpus_reads_well() -> None:
    """Every real record with a notice (../shared/pubmed and tests/data/corpus): the messages
    name the notice's reference and PMID when PubMed gives them, and never 'None' or a dangling
    'no PMID:'."""
    from corpus import corpus_records
    from ta1check.checks import check_integrity, check_not_a_paper
    from ta1check.claims import Claim

    seen = 0
    for pmid, record in corpus_records().items():
        if not record.notices:
            continue
        claim = Claim(index=0, pmid_raw=str(pmid), pmid=pmid)
        for finding in (*check_integrity(claim, record), *check_not_a_paper(claim, record)):
            seen += 1
            text = finding.message
            assert "None" not in text and "no PMID:" not in text and "PMID None" not in text
            assert "  " not in text and not text.endswith((" ", ":", ";"))
            linked = [n for n in record.notices if n.reference and n.reference in text]
            for notice in linked:
                if notice.pmid:
                    assert f"{notice.reference} (PMID {notice.pmid})" in text
                else:
                    assert f"{notice.reference} (no PMID given)" in text
    assert seen > 100


def test_the_wheel_installs_and_its_console_script_runs(tmp_path: Path) -> None:
    """``uv build`` makes a wheel that declares pyproject's Python and dependencies and whose
    ``ta1check`` script runs from a new venv (installed without its dependencies here, which
    come from this environment, offline; .ci/run also installs it with them from the
    registry)."""
    import sysconfig
    import zipfile

    import tomli

    uv = require_tool("uv", "to build and install the wheel")
    dist = tmp_path / "dist"
    built = subprocess.run(
        [uv, "build", "--offline", "--wheel", "--out-dir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("ta1check-*.whl")
    project = tomli.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        scripts = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "ta1check/cli.py" in names and "ta1check/pubmed/record.py" in names
    assert f"Requires-Python: {project['requires-python']}" in meta

    def name(requirement: str) -> str:
        return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower()

    declared = {
        name(line.split(":", 1)[1]) for line in meta.splitlines() if "Requires-Dist" in line
    }
    assert declared == {name(r) for r in project["dependencies"]}
    assert "ta1check = ta1check.cli:entry" in scripts

    venv = tmp_path / "venv"
    for args in (
        [uv, "venv", "--offline", "--python", sys.executable, str(venv)],
        [
            uv,
            "pip",
            "install",
            "--offline",
            "--no-deps",
            "--python",
            str(venv / "bin" / "python"),
            str(wheel),
        ],
    ):
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=300)
        assert done.returncode == 0, done.stderr
    # the dependencies from this environment; ta1check itself only from the new venv (this
    # environment's editable install is a .pth file, which PYTHONPATH does not read)
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    script = venv / "bin" / "ta1check"
    version = subprocess.run(
        [script, "--version"], capture_output=True, text=True, env=env, check=False
    )
    assert version.returncode == 0 and version.stdout == "ta1check, version 0.1.0\n"
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import ta1check.cli; print(ta1check.cli.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    claims = write(tmp_path / "claims.toml", CLAIMS)
    offline = subprocess.run(
        [script, "check", str(claims), "--offline", "-q"],
        capture_output=True,
        text=True,
        env={**env, "TA1CHECK_CACHE": str(tmp_path / "cache")},
        cwd=tmp_path,
        check=False,
    )
    assert offline.returncode == 3, offline.stderr
    assert offline.stdout == "2 claims: 2 unverified\n"
