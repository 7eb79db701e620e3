from tests.urlcheck import Route

HS_PERSON = "001090000002"
W1_PERSON = "001090000001"


def person(national_id):
    return lambda town: {"national_id": national_id}


ROUTES = [
    Route("people:list"),
    Route("people:export"),
    Route("people:export_xlsx"),
    Route("people:create", weak_user="w1_viewer"),
    Route("people:detail", kwargs=person(HS_PERSON), record_unit="HS"),
    Route("people:edit", kwargs=person(W1_PERSON), record_unit="W1", weak_user="w1_viewer"),
    Route("people:history", kwargs=person(HS_PERSON), record_unit="HS"),
    # Administrators only: the organisation committee sees the person but may not export.
    Route("people:subject_export", kwargs=person(HS_PERSON), record_unit="HS", weak_user="org"),
]
