from tests.urlcheck import Route


def code(unit_code):
    return lambda town: {"code": unit_code}


ROUTES = [
    Route("org:tree"),
    Route("org:create", weak_user="w1_viewer"),
    Route("org:unit", kwargs=code("HS"), record_unit="HS"),
    Route("org:children", kwargs=code("W1"), record_unit="W1"),
    Route("org:edit", kwargs=code("W1"), record_unit="W1", weak_user="w1_viewer"),
    Route("org:move", kwargs=code("W1C2"), record_unit="W1C2", weak_user="w1_clerk"),
    Route("org:history", kwargs=code("HS"), record_unit="HS"),
]
