"""The README stays in step with the configuration and the CI script."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_configuration_table_lists_every_variable_of_env_example():
    listed = set(re.findall(r"^# ([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, re.M))
    assert listed - documented == set(), "add these to the README configuration table"
    assert documented - listed == set(), "the README documents variables .env.example does not have"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert re.search(r"^make test\b", (ROOT / ".ci/run").read_text(), re.M)
