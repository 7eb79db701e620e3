"""docs/security.md stays true: every test file its tables name exists, and the count of
covered ASVS requirements matches the table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "security.md").read_text()
# Files of issue 15's items 1 to 3, written in parallel on other branches.
ELSEWHERE = {"test_export_files.py", "test_upload_limits.py", "test_input_validation.py"}


def _covered_table():
    start = DOC.index("## OWASP ASVS 5.0 requirements covered")
    return DOC[start : DOC.index("**Covered:", start)]


def test_the_count_matches_the_table():
    rows = re.findall(r"^\| (\d+\.\d+\.\d+) \|", _covered_table(), re.M)
    assert len(rows) == len(set(rows))
    count = int(re.search(r"\*\*Covered: (\d+) requirements\*\*", DOC).group(1))
    assert count == len(rows)


def test_every_test_file_named_exists():
    named = set(re.findall(r"`(?:tests/[\w/]*?)?(test_\w+\.py)", DOC))
    present = {path.name for path in (ROOT / "tests").rglob("test_*.py")}
    missing = sorted(named - present - ELSEWHERE)
    assert not missing, f"docs/security.md names test files that do not exist: {missing}"


def test_every_security_test_file_is_in_the_table():
    files = {path.name for path in (ROOT / "tests" / "security").glob("test_*.py")}
    listed = set(re.findall(r"^\| `(test_\w+\.py)` \|", DOC, re.M))
    assert not files - listed - {"test_asvs_table.py"}, sorted(files - listed)
