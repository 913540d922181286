"""Documentation that is generated must match what it is generated from."""
from pathlib import Path

from karabakh.tables import data_dictionary

ROOT = Path(__file__).resolve().parents[1]


def test_readme_data_dictionary_matches_the_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- data-dictionary:start -->\n")[1].split("\n<!-- data-dictionary:end -->")[0]
    assert section == data_dictionary(), "README is stale: run `python -m karabakh data-dictionary --write README.md`"
