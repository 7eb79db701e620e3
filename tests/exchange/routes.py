from django.core.files.uploadedfile import SimpleUploadedFile

from tests.urlcheck import Route

PEOPLE = "national_id,full_name,gender,birth_date,unit_code\n079555000001,Route Check,male,1990-01-01,HS\n"


def _upload(town):
    return {"file": SimpleUploadedFile("people.csv", PEOPLE.encode(), content_type="text/csv")}


ROUTES = [
    Route("exchange:index"),
    Route("exchange:template"),
    Route("exchange:preview", method="post", data=_upload),
    Route("exchange:apply", method="post"),
    # The unit is a field of the form: one out of sight is refused on the field with the
    # same words as an unknown code, and nothing is exported
    # (tests/exchange/test_pages.py::test_export_of_a_unit_out_of_scope_is_refused_on_its_field).
    Route("exchange:export", method="post", data=lambda town: {"unit": "HS", "format": "csv"}),
]
