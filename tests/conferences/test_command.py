"""`grassroots conference paper …` writes the paper the conference page downloads."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_the_command_writes_the_paper(town, tmp_path):
    output = tmp_path / "paper.pdf"
    call_command(
        "conference",
        "paper",
        "--unit", "TOWN",
        "--cluster", "Gò Nổi",
        "--from", "2024-01-01",
        "--to", "2024-06-30",
        "--lang", "en",
        "--output", str(output),
    )  # fmt: skip
    assert output.read_bytes().startswith(b"%PDF")


def test_the_command_refuses_an_unknown_sector_and_a_unit_out_of_sight(town, tmp_path):
    args = ["--from", "2024-01-01", "--to", "2024-06-30", "--output", str(tmp_path / "p.pdf")]
    with pytest.raises(CommandError, match="unknown sector"):
        call_command("conference", "paper", "--unit", "TOWN", "--sector", "Nowhere", *args)
    with pytest.raises(CommandError, match="unknown unit"):
        call_command(
            "conference",
            "paper",
            "--unit",
            "W1",
            "--cluster",
            "Gò Nổi",
            "--user",
            "outsider",
            *args,
        )
