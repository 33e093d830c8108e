"""Reports in CI, as the README and action.yml write them: each report in its own file.

The action's own ``run:`` step and the README's GitHub, GitLab and pre-commit snippets are
run as written (with ``uvx …`` replaced by this checkout's ``ta1check``) against the
E-utilities emulator, and every file they write is validated: JUnit against Jenkins' XSD,
SARIF against the SARIF 2.1.0 schema, annotations against GitHub's workflow-command syntax.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
import xmlschema
import yaml
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import ROOT, write
from schemas import schema_path
from ta1check.report.markdown import code as markdown_code
from ta1check.report.markdown import text as markdown_text
from ta1check.report.sarif import artifact_location

DATA = Path(__file__).parent / "data"
TA1CHECK = str(Path(sys.executable).parent / "ta1check")
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: ``::error file=F,line=N,title=T::message``: properties escape % CR LF : and , ; the message
#: escapes % CR LF (https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts).
_PROPERTY = r"[a-z]+=(?:[^,:%\r\n]|%25|%0D|%0A|%3A|%2C)*"
WORKFLOW_COMMAND = re.compile(
    rf"::(?:error|warning|notice)(?: {_PROPERTY}(?:,{_PROPERTY})*)?::(?:[^%\r\n]|%25|%0D|%0A)*"
)


# --- helpers --------------------------------------------------------------------------------


def readme_block(heading: str) -> str:
    """The first fenced block after a README heading."""
    section = README.split(f"\n{heading}\n", 1)[1]
    match = re.search(r"```[a-z]*\n(.*?)```", section, re.S)
    assert match is not None, heading
    return match.group(1)


def sarif_schema() -> dict[str, Any]:
    return json.loads(schema_path("sarif").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def assert_workflow_commands(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    assert lines, "no annotation was written"
    for line in lines:
        assert WORKFLOW_COMMAND.fullmatch(line), f"not a workflow command: {line!r}"
    return lines


def a_repository(root: Path) -> list[Path]:
    """A checkout with a claims file at the top and one in a folder whose name needs
    percent-encoding in a URI."""
    top = root / "claims.toml"
    shutil.copy(DATA / "mixed.toml", top)
    chapter = root / "docs" / "Chapter 2, draft"
    chapter.mkdir(parents=True)
    shutil.copy(DATA / "inline.toml", chapter / "claims.toml")
    return [top, chapter / "claims.toml"]


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "CI"))}
    env.pop("NCBI_API_KEY", None)
    env.pop("NCBI_EMAIL", None)
    return env


_EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def run_action_step(
    tmp_path: Path, with_: dict[str, str], secrets: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, Path]]:
    """action.yml's ``check`` step, as a runner would run it: ``${{ }}`` expressions filled
    in, GitHub's variables set, ``bash --noprofile --norc -eo pipefail``."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "check"]
    assert step["shell"] == "bash"
    unknown = set(with_) - set(action["inputs"])
    assert not unknown, f"the README passes inputs the action lacks: {unknown}"
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update(with_)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    files = {
        "output": tmp_path / "github-output",
        "summary": tmp_path / "step-summary.md",
        "temp": runner_temp,
    }
    context = {
        **{f"inputs.{k}": v for k, v in inputs.items()},
        "runner.temp": str(runner_temp),
        **{f"secrets.{k}": v for k, v in (secrets or {}).items()},
    }

    def fill(text: str) -> str:
        return _EXPRESSION.sub(lambda m: context[m.group(1)], text)

    env = base_env()
    env.update({k: fill(str(v)) for k, v in step["env"].items()})
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_OUTPUT": str(files["output"]),
            "GITHUB_STEP_SUMMARY": str(files["summary"]),
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(tmp_path / "repo"),
        }
    )
    invocation = 'uvx --from "$GITHUB_ACTION_PATH" ta1check'
    script = fill(step["run"])
    assert invocation in script
    script = script.replace(invocation, shlex.quote(TA1CHECK))
    script_file = tmp_path / "step.sh"
    script_file.write_text(script, encoding="utf-8")
    proc = subprocess.run(  # noqa: PLW1510 - the exit code is asserted
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
        cwd=tmp_path / "repo",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc, files


# --- --report -------------------------------------------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(DATA / "mixed.toml", tmp_path / "mixed.toml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path


def test_each_report_goes_to_the_file_named_with_it(run, emulator, workdir) -> None:
    out = run(
        "check",
        "mixed.toml",
        "--report",
        "junit=j.xml",
        "--report",
        "sarif=r=1.sarif",  # only the first '=' separates
        "--report",
        "json",
        "--no-suggest",  # one efetch for the records; suggestions search more (test_suggest)
    )
    assert out.code == 1, out.stderr
    assert json.loads(out.stdout)["summary"]["claims"] == 7
    xmlschema.XMLSchema(str(schema_path("junit"))).validate((workdir / "j.xml").read_text())
    jsonschema.validate(json.loads((workdir / "r=1.sarif").read_text()), sarif_schema())
    assert len(emulator.efetches) == 1


def test_the_table_goes_to_stdout_by_default_and_with_format_dash(run, emulator, workdir) -> None:
    plain = run("check", "mixed.toml", "--no-color")
    dash = run("check", "mixed.toml", "--no-color", "--report", "table=-")
    named = run("check", "mixed.toml", "--no-color", "--report", "TABLE")
    assert plain.stdout == dash.stdout == named.stdout
    assert "7 claims:" in plain.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--report", "json", "--report", "sarif"], "only one report can go to stdout"),
        (["--report", "json", "--format", "sarif"], "only one report can go to stdout"),
        (["--report", "yaml=r.yaml"], "unknown format 'yaml'"),
        (["--report", "json="], "no file after '='"),
        (["--report", "json=r.json", "--output", "x.json"], "write the file into it"),
        (["--output", "x.json"], "--output FILE without a format"),
        # the README's old GitLab line: by position the table went into the JUnit file
        (
            ["--format", "table", "--format", "junit", "--output", "j.xml"],
            "--report table --report junit=ta1check-junit.xml",
        ),
        (["--format", "json", "--output", "a", "--output", "b"], "ambiguous"),
        (["--output", "a", "--format", "json", "--format", "junit", "--output", "b"], "ambiguous"),
        (["--report", "json=r.json", "--report", "sarif=./r.json"], "output of two reports"),
    ],
)
def test_a_report_that_could_land_in_the_wrong_file_is_refused(
    run, emulator, workdir, args, message
) -> None:
    out = run("check", "mixed.toml", *args)
    assert out.code == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert sorted(p.name for p in workdir.iterdir()) == ["mixed.toml"]  # nothing written
    assert emulator.efetches == []  # refused before any request


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "junit", "--output", "j.xml"],
        ["--output", "j.xml", "--format", "junit"],
        ["--format", "junit", "--output", "j.xml", "--format", "sarif", "--output", "s.sarif"],
        ["--format", "junit", "--output", "j.xml", "--format", "json"],
    ],
)
def test_the_older_spelling_still_works_where_it_is_unambiguous(
    run, emulator, workdir, args
) -> None:
    out = run("check", "mixed.toml", *args)
    assert out.code == 1, out.stderr
    assert (workdir / "j.xml").read_text().startswith("<?xml")
    if "sarif" in args:
        assert json.loads((workdir / "s.sarif").read_text())["version"] == "2.1.0"
    if args[-1] == "json":
        assert json.loads(out.stdout)["summary"]["claims"] == 7
    else:
        assert out.stdout == ""


# --- the action and the README's snippets, as written ---------------------------------------


def test_the_actions_step_writes_each_report_into_its_own_file(emulator, tmp_path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    a_repository(repo)
    proc, files = run_action_step(
        tmp_path,
        {"claims": "claims.toml docs/**/claims.toml", "sarif": "ta1check.sarif"},
    )
    assert proc.returncode == 1, proc.stderr  # mixed.toml has errors
    lines = assert_workflow_commands(proc.stdout)
    assert any(
        line.startswith("::error file=docs/Chapter 2%2C draft/claims.toml,line=6,")
        for line in lines
    )
    output = dict(
        line.split("=", 1) for line in files["output"].read_text().splitlines() if "=" in line
    )
    report = json.loads(Path(output["report"]).read_text(encoding="utf-8"))
    assert report["summary"]["claims"] == 10
    sarif = json.loads((repo / "ta1check.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, sarif_schema())
    assert len(sarif["runs"][0]["results"]) == len(lines)
    assert files["summary"].read_text(encoding="utf-8").startswith("## ta1check")


def test_the_actions_step_without_sarif_writes_no_sarif(emulator, tmp_path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    write(
        repo / "claims.toml", '[[claim]]\npmid = 2930949\ncitation = "Reuler, West J Med (1985)"\n'
    )
    proc, files = run_action_step(tmp_path, {})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # no finding, no annotation
    output = dict(line.split("=", 1) for line in files["output"].read_text().splitlines())
    assert json.loads(Path(output["report"]).read_text())["summary"]["ok"] == 1
    assert sorted(p.name for p in repo.iterdir()) == ["claims.toml"]


def test_the_readme_github_workflow_as_written(emulator, tmp_path) -> None:
    workflow = yaml.safe_load(readme_block("### GitHub Actions"))
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    (ours,) = [s for s in steps if str(s.get("uses", "")).startswith("ta1check/ta1check@")]
    (upload,) = [s for s in steps if "upload-sarif" in str(s.get("uses", ""))]
    assert upload["if"] == "always()"  # the SARIF is wanted most when the check fails
    assert job["permissions"]["security-events"] == "write"
    repo = tmp_path / "repo"
    repo.mkdir()
    a_repository(repo)
    with_ = {k: str(v) for k, v in ours["with"].items()}
    api_key = _EXPRESSION.fullmatch(with_["api-key"])
    assert api_key is not None and api_key.group(1) == "secrets.NCBI_API_KEY"
    proc, files = run_action_step(tmp_path, with_, secrets={"NCBI_API_KEY": "0123456789abcdef"})
    assert proc.returncode == 1, proc.stderr
    assert_workflow_commands(proc.stdout)
    sarif_file = repo / upload["with"]["sarif_file"]
    jsonschema.validate(json.loads(sarif_file.read_text(encoding="utf-8")), sarif_schema())
    assert "0123456789abcdef" not in sarif_file.read_text() + proc.stdout + proc.stderr
    assert "| ❌ error |" in files["summary"].read_text(encoding="utf-8")


def test_the_readme_gitlab_job_as_written(emulator, tmp_path) -> None:
    job = yaml.safe_load(readme_block("### GitLab CI"))["citations"]
    env = base_env()
    env["CI_PROJECT_DIR"] = str(tmp_path)
    for name, value in job["variables"].items():
        env[name] = os.path.expandvars(value.replace("$CI_PROJECT_DIR", str(tmp_path)))
    shutil.copy(DATA / "mixed.toml", tmp_path / "claims.toml")
    for line in job["script"]:
        command, count = re.subn(r"^uvx --from \S+ ta1check ", shlex.quote(TA1CHECK) + " ", line)
        assert count == 1, line
        proc = subprocess.run(  # noqa: PLW1510 - the exit code is asserted
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 1, proc.stderr
        assert "7 claims:" in proc.stdout and "<?xml" not in proc.stdout  # the table, only
    junit = tmp_path / job["artifacts"]["reports"]["junit"]
    xmlschema.XMLSchema(str(schema_path("junit"))).validate(junit.read_text(encoding="utf-8"))
    assert (tmp_path / ".cache" / "ta1check").is_dir()  # the cache GitLab keeps


def test_the_readme_pre_commit_hook_as_written(emulator, tmp_path) -> None:
    config = yaml.safe_load(readme_block("### pre-commit"))
    (repo_entry,) = config["repos"]
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    (wanted,) = repo_entry["hooks"]
    hook = hooks[wanted["id"]]
    claims = [p.relative_to(tmp_path).as_posix() for p in a_repository(tmp_path)]
    write(tmp_path / "notes.toml", "")
    changed = [*claims, "notes.toml", "README.md"]
    selected = [f for f in changed if re.search(hook["files"], f)]
    assert selected == claims
    entry = shlex.split(hook["entry"])
    assert entry[0] == "ta1check"
    proc = subprocess.run(  # noqa: PLW1510 - the exit code is asserted
        [TA1CHECK, *entry[1:], *selected],
        cwd=tmp_path,
        env=base_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "10 claims:" in proc.stdout


# --- SARIF: URIs and rules ------------------------------------------------------------------

#: RFC 3986 relative-ref / URI: only unreserved, sub-delims, ":", "@", "/", "?", "#" and
#: percent-escapes; in a relative reference, no ":" before the first "/".
_URI_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-F]{2})*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def is_uri_reference(text: str) -> bool:
    if not _URI_CHARS.fullmatch(text):
        return False
    if _SCHEME.match(text):
        return True
    return ":" not in text.split("/", 1)[0]


@pytest.mark.parametrize(
    "folder", ["docs/Chapter 2, draft", "docs/#1 at 100%", "docs/Übersicht [alt]", "a:b"]
)
def test_sarif_uris_are_percent_encoded(run, emulator, workdir, folder) -> None:
    target = workdir / folder / "claims.toml"
    target.parent.mkdir(parents=True)
    shutil.copy(DATA / "mixed.toml", target)
    out = run("check", str(Path(folder) / "claims.toml"), "--report", "sarif")
    assert out.code == 1, out.stderr
    doc = json.loads(out.stdout)
    jsonschema.validate(doc, sarif_schema())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    }
    assert len(uris) == 1
    (uri,) = uris
    assert is_uri_reference(uri), uri
    assert unquote(uri) == f"{folder}/claims.toml"
    assert " " not in uri and "#" not in uri


def test_a_claims_file_outside_the_working_directory_is_an_absolute_file_uri(
    run, emulator, workdir, tmp_path_factory
) -> None:
    elsewhere = tmp_path_factory.mktemp("other dir") / "claims.toml"
    shutil.copy(DATA / "mixed.toml", elsewhere)
    out = run("check", str(elsewhere), "--report", "sarif")
    location = json.loads(out.stdout)["runs"][0]["results"][0]["locations"][0]
    artifact = location["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": elsewhere.resolve().as_uri()}
    assert is_uri_reference(artifact["uri"]) and "%20" in artifact["uri"]


@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1
        ).filter(lambda s: s not in (".", "..")),
        min_size=1,
        max_size=4,
    )
)
def test_every_relative_path_becomes_a_valid_uri_reference(segments: list[str]) -> None:
    relative = "/".join(segments)
    location = artifact_location(Path(relative))
    assert location["uriBaseId"] == "%SRCROOT%"
    assert is_uri_reference(location["uri"]), location
    assert unquote(location["uri"]) == Path(relative).as_posix()


def test_sarif_rules_have_a_name_and_a_help_uri(run, emulator, workdir) -> None:
    doc = json.loads(run("check", "mixed.toml", "--report", "sarif").stdout)
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://github.com/ta1check/ta1check"
    names = {r["id"]: r["name"] for r in driver["rules"]}
    assert names["year-mismatch"] == "YearMismatch"
    assert names["pmid-not-found"] == "PmidNotFound"
    assert all(re.fullmatch(r"(?:[A-Z][a-z0-9]*)+", n) for n in names.values())
    assert len(set(names.values())) == len(names)
    assert {r["helpUri"] for r in driver["rules"]} == {
        "https://github.com/ta1check/ta1check#findings"
    }
    assert "\n## Findings\n" in README  # the anchor the rules point at


# --- Markdown: stated values are text, never markup -----------------------------------------


class _Cells(HTMLParser):
    """The cells of the rendered table: their text, and the tags inside each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[str, list[str]]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            self.cells.append(("", []))
            self._open = True
        elif self._open:
            text, tags = self.cells[-1]
            self.cells[-1] = (text + ("\n" if tag == "br" else ""), [*tags, tag])

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            text, tags = self.cells[-1]
            self.cells[-1] = (text + data, tags)


def rendered_cells(markdown: str) -> list[tuple[str, list[str]]]:
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    parser = _Cells()
    parser.feed(html)
    return parser.cells


HOSTILE = (
    "Reuler <management> **bold** _it_ [a link](https://e.example) ![img](x.png) `code` "
    "a|b ~~gone~~ $x^2$ &amp; \\*, West J Med (1989)"
)


def test_markdown_shows_stated_values_as_written(run, emulator, workdir, monkeypatch) -> None:
    write(
        workdir / "hostile.toml",
        "[[claim]]\npmid = 2930949\n"
        f"citation = {json.dumps(HOSTILE)}\n"
        'title = "Low back pain <i>and</i> **more** [x](y)"\n',
    )
    summary = workdir / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = run("check", "hostile.toml", "--report", "markdown", "--report", "json=r.json")
    assert out.code == 1, out.stderr
    run("check", "hostile.toml", "--report", "github")
    messages = [
        f["message"] for f in json.loads((workdir / "r.json").read_text())["results"][0]["findings"]
    ]
    assert any("<i>and</i> **more**" in m for m in messages)  # the stated title is quoted
    for report in (out.stdout, summary.read_text(encoding="utf-8")):
        _status, pmid, claim, where, findings = rendered_cells(report)[:5]
        assert claim == (HOSTILE, [])  # as written, and no markup at all
        assert pmid[1] == ["a"]  # the PubMed link is the only link
        assert where == ("hostile.toml:1", ["code"])
        text, tags = findings
        assert set(tags) <= {"strong", "br"} and tags.count("strong") == len(messages)
        for message in messages:
            assert message in text


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=60))
def test_any_text_renders_as_itself_in_a_cell(value: str) -> None:
    table = f"| a |\n|---|\n| {markdown_text(value)} |\n"
    ((text, tags),) = rendered_cells(table)
    assert text.strip() == value.strip()  # a cell drops the whitespace around it
    assert tags == []


def test_newlines_become_line_breaks_and_code_spans_hold_backticks_and_pipes() -> None:
    two_lines, code = markdown_text("one\ntwo"), markdown_code("a`b|c")
    table = f"| a | b |\n|---|---|\n| {two_lines} | {code} |\n"
    (first, second) = rendered_cells(table)
    assert first == ("one\ntwo", ["br"])
    assert second == ("a`b|c", ["code"])


# --- at the terminal ------------------------------------------------------------------------


def test_check_help_lists_the_exit_codes_of_the_readme(run) -> None:
    out = run("check", "--help")
    assert out.code == 0
    listed = re.findall(r"(?m)^\s+(\d+)\s+\S", out.stdout.split("Exit codes:", 1)[1])
    table = README.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"(?m)^\| (\d+) \|", table)
    assert listed == documented == ["0", "1", "2", "3", "4", "130"]
    assert "--report FORMAT[=FILE]" in out.stdout


def test_check_without_a_file_checks_claims_toml_here(run, emulator, workdir) -> None:
    out = run("check", "--report", "json")
    assert out.code == 2
    assert "no claims file given, and there is no claims.toml in this folder" in out.stderr
    assert emulator.efetches == []
    shutil.copy(DATA / "mixed.toml", workdir / "claims.toml")
    out = run("check", "--report", "json")
    assert out.code == 1, out.stderr
    assert {r["file"] for r in json.loads(out.stdout)["results"]} == {"claims.toml"}


def test_config_says_not_set_rather_than_none(run, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = run("config")
    assert out.code == 0
    assert re.search(r"(?m)^email\s+not set  \(default\)$", out.stdout), out.stdout
    assert "None" not in out.stdout


# --- long runs: problems first, passing rows hidden, a PMID's findings said once -------------

_ROW = re.compile(r"^│ (ok|warning|error|unverified) +│ (\S+) +│ (\S+)")


def table_rows(stdout: str) -> list[tuple[str, str, str]]:
    return [m.groups() for m in map(_ROW.match, stdout.splitlines()) if m]  # type: ignore[misc]


def test_problems_come_first_in_the_table_and_markdown(run, emulator, workdir) -> None:
    table = run("check", "mixed.toml", "--no-color")
    statuses = [status for status, _, _ in table_rows(table.stdout)]
    assert statuses == ["error"] * 4 + ["warning"] * 2 + ["ok"]
    markdown = run("check", "mixed.toml", "--report", "markdown").stdout
    order = re.findall(r"(?m)^\| \S+ (ok|warning|error|unverified) \|", markdown)
    assert order == statuses
    # the machine formats keep claims-file order
    results = json.loads(run("check", "mixed.toml", "--report", "json").stdout)["results"]
    assert results[0]["id"] == "asthma-ok"


def test_show_hides_passing_rows_in_the_reports_for_people(run, emulator, workdir) -> None:
    out = run("check", "mixed.toml", "--no-color", "--show", "errors,warnings")
    assert out.code == 1  # what is hidden still counts
    rows = table_rows(out.stdout)
    assert [status for status, _, _ in rows] == ["error"] * 4 + ["warning"] * 2
    assert "asthma-ok" not in out.stdout
    assert "1 ok claim not shown (--show)" in out.stdout
    assert out.stdout.rstrip().endswith("7 claims: 1 ok, 2 warning, 4 error")
    only = run("check", "mixed.toml", "--no-color", "--show", "ok")
    assert [status for status, _, _ in table_rows(only.stdout)] == ["ok"]
    assert "4 error, 2 warning claims not shown (--show)" in only.stdout
    md = run("check", "mixed.toml", "--report", "markdown", "--show", "problems").stdout
    assert "asthma-ok" not in md and "1 ok claim not shown (--show)" in md
    assert md.count("\n| ") == 1 + 6  # header and the six problem rows
    everything = run("check", "mixed.toml", "--report", "json", "--show", "errors")
    assert len(json.loads(everything.stdout)["results"]) == 7


def test_show_rejects_an_unknown_status(run, emulator, workdir) -> None:
    out = run("check", "mixed.toml", "--show", "errors,passing")
    assert out.code == 2
    assert "unknown 'passing'" in out.stderr
    assert emulator.efetches == []


def test_a_finding_several_claims_of_a_pmid_share_is_said_once(run, emulator, workdir) -> None:
    claims = "".join(
        f'[[claim]]\nid = "{name}"\npmid = 2930949\ncitation = "Reuler, West J Med (1989)"\n\n'
        for name in ("first-mention", "second-mention", "third-mention")
    )
    write(workdir / "same.toml", claims)
    message = "PubMed says 1985 (1985 Aug), the article says 1989"
    table = run("check", "same.toml", "--no-color")
    assert table.code == 1
    assert table.stdout.count(message) == 1
    assert table.stdout.count("year-mismatch (error): as for first-mention above") == 2
    markdown = run("check", "same.toml", "--report", "markdown").stdout
    assert markdown.count(message) == 1
    assert markdown.count("**year-mismatch** (error): as for first-mention above") == 2
    for fmt in ("json", "github", "junit", "sarif"):
        assert run("check", "same.toml", "--report", fmt).stdout.count(message) == 3, fmt
