"""The importer's light reference to a unit (importer.py and tables/ share it)."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class UnitRef:
    """What the importer needs to know about a unit: no full model instance per row."""

    id: int
    code: str
    path: str
    kind: str
    numchild: int
    effective_cluster_id: int | None
    effective_sector_id: int | None


UNIT_REF_FIELDS = (
    "id",
    "code",
    "path",
    "kind",
    "numchild",
    "effective_cluster_id",
    "effective_sector_id",
)
