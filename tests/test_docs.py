"""Documentation that is generated must match what it is generated from."""
from pathlib import Path

import pytest

from karabakh.build.docs import generated_sections

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["data-dictionary", "references"])
def test_readme_generated_sections_are_current(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"<!-- {name}:start -->\n")[1].split(f"\n<!-- {name}:end -->")[0]
    assert section == generated_sections()[name], "README is stale: run `python -m karabakh docs --write README.md`"


def test_readme_python_examples_run():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```python\n")[1:]
    assert blocks, "the README has no Python example"
    for block in blocks:
        namespace: dict = {}
        exec(compile(block.split("```")[0], "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert 90 < namespace["kb"].distance_km(namespace["places"].set_index("id").loc["yevlakh"],
                                           namespace["places"].set_index("id").loc["stepanakert"]) < 100
