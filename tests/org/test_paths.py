from grassroots.org.models import Unit
from grassroots.paths import under


def test_subtree_is_one_prefix_query(town):
    w1 = town.unit("W1")
    codes = sorted(Unit.objects.filter(under(w1.path)).values_list("code", flat=True))
    assert codes == ["W1", "W1C1", "W1C1G1", "W1C2"]


def test_groupings_are_inherited(town):
    hs = town.unit("HS")
    assert hs.effective_sector.name == "Education"
    assert hs.effective_cluster.name == "Gò Nổi"
    assert town.unit("W1C1G1").effective_cluster.name == "Gò Nổi"
    assert town.unit("W1").effective_sector is None
