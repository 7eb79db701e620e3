import pytest
from django.core.management import CommandError, call_command

from grassroots.org.models import UnitAncestry


def test_check_finds_a_missing_row_and_rebuild_restores_it(town, capsys):
    call_command("rebuild_ancestry", "--check")
    assert "matches" in capsys.readouterr().out
    UnitAncestry.objects.filter(unit__code="HS", distance=1).delete()
    with pytest.raises(CommandError, match="1 ancestry rows missing"):
        call_command("rebuild_ancestry", "--check")
    call_command("rebuild_ancestry")
    call_command("rebuild_ancestry", "--check")
    assert "matches" in capsys.readouterr().out.splitlines()[-1]
