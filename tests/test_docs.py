"""Documentation that is generated must match what it is generated from; the README stays a newcomer's page."""
import re
from pathlib import Path

from karabakh.build.docs import generated_sections
from karabakh.io import tables

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def test_generated_pages_come_from_the_schema_and_the_layers():
    """The data dictionary names every file of datapackage.json (read with json, not through the code)."""
    import json

    sections = generated_sections()
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert f"`{resource['path']}`" in sections["data-dictionary"], resource["path"]
    assert sections["data-dictionary"] == tables.data_dictionary()
    assert sections["references"].count("\n| `") >= 10


def test_readme_is_short_and_has_no_data_dictionary():
    readme = README.read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 80
    assert "data-dictionary:start" not in readme and "| column |" not in readme
    assert "make run" in readme and "make test" in readme and "build/site/index.html" in readme


def test_readme_python_examples_run():
    readme = README.read_text(encoding="utf-8")
    blocks = readme.split("```python\n")[1:]
    assert blocks, "the README has no Python example"
    for block in blocks:
        namespace: dict = {}
        exec(compile(block.split("```")[0], "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert 90 < namespace["kb"].distance_km(namespace["places"].set_index("id").loc["yevlakh"],
                                           namespace["places"].set_index("id").loc["stepanakert"]) < 100
    assert len(namespace["latest"]) >= 2  # more than one claimant, shown side by side


def test_readme_links_point_to_files_that_exist():
    readme = README.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        assert (ROOT / target).exists(), target
