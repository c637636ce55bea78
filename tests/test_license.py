"""The README's license table names every dependency, so the GPL choice can be checked."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0] for requirement in requirements}


def test_every_dependency_has_its_license_in_the_readme() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    table = (ROOT / "README.md").read_text().split("## License", 1)[1].lower()
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["dev"])
    assert project["license"] == "GPL-3.0-or-later"
    assert sorted(name for name in wanted if name.lower() not in table) == []
