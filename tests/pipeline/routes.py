"""Every pipeline URL (tests/urlcheck.py contract). Records live in cell W1C1 or ward W1."""

from grassroots.history.services import Trace
from grassroots.pipeline import services
from grassroots.pipeline.models import Course, FailedCellVote
from tests.urlcheck import Route

from .walk import NOMINATED, STEP_DATES, admitted, open_dossier, walk_until


def source_pk(town):
    source = services.source_nominate(
        trace=Trace.system("routes"),
        person=town.people["001090000004"],
        unit=town.unit("W1C1"),
        nominated_on=NOMINATED,
    )
    return {"pk": source.pk}


def w1_course(town):
    course = Course.objects.filter(code="W1-ROUTES").first() or services.course_create(
        trace=Trace.system("routes"),
        code="W1-ROUTES",
        organizer=town.unit("W1"),
        title="Ward 1 course",
        start_date=NOMINATED,
        end_date=NOMINATED,
    )
    return {"code": course.code}


def dossier_pk(town):
    return {"pk": open_dossier(town, user="admin").pk}


def step_pk(town):
    dossier = open_dossier(town, user="admin")
    step = services.dossier_record_step(
        trace=Trace.system("routes"),
        dossier=dossier,
        step="application",
        date=NOMINATED.replace(month=10),
        data={},
    )
    return {"pk": step.pk}


def at_the_vote_pk(town):
    dossier = open_dossier(town, user="admin")
    return {"pk": walk_until(town, dossier, stop="cell_vote", user="admin").pk}


def failed_vote_dossier_pk(town):
    return FailedCellVote.objects.get(pk=failed_vote_pk(town)["pk"]).dossier_id


def failed_vote_pk(town):
    dossier = open_dossier(town, user="admin")
    walk_until(town, dossier, stop="cell_vote", user="admin")
    vote = services.failed_cell_vote_record(
        trace=Trace.system("routes"),
        dossier=dossier,
        date=STEP_DATES["cell_vote"],
        present=8,
        in_favour=5,
        against=3,
    )
    return {"pk": vote.pk}


FAILED_VOTE = {"date": STEP_DATES["cell_vote"].isoformat(), "present": 8, "in_favour": 5}


def admitted_dossier_pk(town):
    return {"pk": admitted(town, user="admin").pk}


def form_kwargs(town):
    return {"pk": admitted(town, user="admin").pk, "code": "1-KNĐ"}


def admission_pk(town):
    return {"pk": admitted(town, user="admin").admission.pk}


ROUTES = [
    # The list pages' exports in the exchange format.
    Route("pipeline:sources_export"),
    Route("pipeline:sources_export_xlsx"),
    Route("pipeline:courses_export"),
    Route("pipeline:courses_export_xlsx"),
    Route("pipeline:dossiers_export"),
    Route("pipeline:dossiers_export_xlsx"),
    Route("pipeline:members_export"),
    Route("pipeline:members_export_xlsx"),
    Route("pipeline:sources"),
    Route("pipeline:source_new", weak_user="w1_viewer"),
    Route("pipeline:source_edit", kwargs=source_pk, record_unit="W1C1", weak_user="w1_viewer"),
    Route("pipeline:courses"),
    Route("pipeline:course_new", weak_user="w1_clerk"),
    Route("pipeline:course", kwargs=w1_course, record_unit="W1"),
    Route("pipeline:registration", kwargs=w1_course, record_unit="W1", weak_user="w1_viewer"),
    Route("pipeline:course_results", kwargs=w1_course, record_unit="W1", weak_user="w1_clerk"),
    Route("pipeline:dossiers"),
    Route("pipeline:dossier_new", weak_user="w1_viewer"),
    # At the cell vote with one failed vote: the page shows the failed votes and their form.
    Route(
        "pipeline:dossier",
        kwargs=lambda town: {"pk": failed_vote_dossier_pk(town)},
        record_unit="W1C1",
    ),
    Route(
        "pipeline:dossier_step",
        kwargs=dossier_pk,
        method="post",
        data=lambda town: {"step": "application", "date": "2024-09-16"},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route(
        "pipeline:failed_vote_new",
        kwargs=at_the_vote_pk,
        method="post",
        data=lambda town: {**FAILED_VOTE, "against": 3},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route(
        "pipeline:failed_vote_annul",
        kwargs=failed_vote_pk,
        method="post",
        data=lambda town: {f"vote-{FailedCellVote.objects.latest('pk').pk}-reason": "typed twice"},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route(
        "pipeline:dossier_close",
        kwargs=dossier_pk,
        method="post",
        data=lambda town: {"reason": "moved away"},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    # The scan itself is fetched in tests/pipeline/test_pages.py with a temporary MEDIA_ROOT.
    Route("pipeline:attachment", kwargs=step_pk, record_unit="W1C1", allowed_user=None),
    Route(
        "pipeline:step_correct",
        kwargs=step_pk,
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route(
        "pipeline:step_annul",
        kwargs=step_pk,
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route(
        "pipeline:member_record",
        kwargs=admitted_dossier_pk,
        method="post",
        data=lambda town: {"completed_on": "2024-11-20"},
        record_unit="W1C1",
        weak_user="w1_viewer",
    ),
    Route("pipeline:dossier_forms", kwargs=admitted_dossier_pk, record_unit="W1C1"),
    Route("pipeline:dossier_form", kwargs=form_kwargs, record_unit="W1C1"),
    Route("pipeline:members"),
    Route("pipeline:confirm", kwargs=admission_pk, record_unit="W1C1", weak_user="w1_clerk"),
]
