"""CI integration files: the README's recipes parse and validate against the schemas GitHub
and GitLab publish (as vendored by check-jsonschema), and agree with action.yml, the hook and
the CLI."""

from __future__ import annotations

import json
import re
import shlex
import sys
from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import ROOT
from ta1check.findings import Code
from ta1check.report import REPORTER_BY_NAME

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

README = (ROOT / "README.md").read_text(encoding="utf-8")


def vendored_schema(name: str) -> dict[str, Any]:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads((vendor / f"{name}.json").read_text(encoding="utf-8"))


def readme_block(after_heading: str, lang: str = "yaml") -> str:
    section = README.split(after_heading, 1)[1]
    match = re.search(rf"```{lang}\n(.*?)```", section, re.S)
    assert match, f"no {lang} block after {after_heading!r}"
    return match.group(1)


def validate(doc: Any, schema: dict[str, Any]) -> None:
    validator_cls = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_cls(schema).iter_errors(doc), key=lambda e: e.path)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_readme_github_workflow_is_a_valid_workflow_using_the_action() -> None:
    workflow = yaml.safe_load(readme_block("### GitHub Actions"))
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as true; GitHub does not
    validate(workflow, vendored_schema("github-workflows"))
    steps = workflow["jobs"]["citations"]["steps"]
    (ours,) = [s for s in steps if s.get("uses", "").startswith("ta1check/")]
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(ours["with"]) <= set(action["inputs"])


def test_action_yml_is_a_valid_composite_action_running_real_options() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    validate(action, vendored_schema("github-actions"))
    assert action["runs"]["using"] == "composite"
    uses = [s.get("uses", "") for s in action["runs"]["steps"]]
    assert any(u.startswith("actions/cache@") for u in uses)
    script = action["runs"]["steps"][-1]["run"]
    formats = re.findall(r"--report \"?(\w+)", script)
    assert formats and set(formats) <= set(REPORTER_BY_NAME)
    for name in re.findall(r"\$\{\{ inputs\.([\w-]+) \}\}", yaml.safe_dump(action)):
        assert name in action["inputs"]
    assert "ta1check check" in script


def test_readme_gitlab_job_is_valid_gitlab_ci() -> None:
    job = yaml.safe_load(readme_block("### GitLab CI"))
    validate(job, vendored_schema("gitlab-ci"))
    script = " ".join(job["citations"]["script"])
    assert job["citations"]["artifacts"]["reports"]["junit"] in script


def test_pre_commit_hook_runs_the_console_script() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {"id", "name", "entry", "language", "files"} <= set(hook)
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    command, subcommand = shlex.split(hook["entry"])
    assert command in scripts and subcommand == "check"
    assert re.search(hook["files"], "docs/claims.toml")
    config = yaml.safe_load(readme_block("### pre-commit"))
    assert config["repos"][0]["hooks"][0]["id"] == hook["id"]


@pytest.mark.parametrize("code", list(Code), ids=lambda c: c.slug)
def test_readme_documents_each_finding_with_the_sarif_help_text(code: Code) -> None:
    assert f"| `{code.slug}` | {code.default} | {code.help_text}" in README
