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
    Route(
        "exchange:export",
        method="post",
        data=lambda town: {"unit": "HS", "format": "csv"},
        record_unit="HS",
    ),
]
