"""Documentation that is generated must match what it is generated from."""
from pathlib import Path

import pytest

from karabakh.__main__ import generated_sections

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["data-dictionary", "references"])
def test_readme_generated_sections_are_current(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"<!-- {name}:start -->\n")[1].split(f"\n<!-- {name}:end -->")[0]
    assert section == generated_sections()[name], "README is stale: run `python -m karabakh docs --write README.md`"
