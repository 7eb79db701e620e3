"""A cell vote that fails is a fact of the dossier, and the passing vote's attempt number
is counted from those facts: after three failed votes the case goes to the higher
committee, and no number typed on a form gets round that (domain.md, step 6)."""

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from grassroots.history.models import Change
from grassroots.pipeline import engine, services
from grassroots.pipeline.models import FailedCellVote

from .walk import STEP_DATES, open_dossier, record, trace_for, walk_until

VOTE = STEP_DATES["cell_vote"]
FAILED = {"present": 8, "in_favour": 5, "against": 3}  # 5 of the cell's 9: not two thirds


def _failed(town, dossier, day, user="org", **counts):
    return services.failed_cell_vote_record(
        trace=trace_for(town, user), dossier=dossier, date=day, **{**FAILED, **counts}
    )


@pytest.fixture
def at_the_vote(town):
    dossier = open_dossier(town)
    return walk_until(town, dossier, stop="cell_vote")


def _codes(refused):
    return {e.code for errors in refused.value.error_dict.values() for e in errors}


def test_the_attempt_is_counted_from_the_failed_votes_not_typed(town, at_the_vote):
    _failed(town, at_the_vote, VOTE - dt.timedelta(days=7))
    # The form once had an "attempt" box: a number sent anyway is not what counts.
    data = {"present": 8, "in_favour": 6, "against": 2, "attempt": 1}
    step = record(town, at_the_vote, "cell_vote", data=data)
    assert step.data["attempt"] == 2
    vote = FailedCellVote.objects.get(dossier=at_the_vote)
    assert Change.objects.filter(model="pipeline.failedcellvote", object_id=str(vote.pk)).exists()


def test_after_three_failed_votes_the_higher_committee_decides(town, at_the_vote):
    for days in (7, 6, 5):
        _failed(town, at_the_vote, VOTE - dt.timedelta(days=days))
    with pytest.raises(ValidationError) as refused:
        _failed(town, at_the_vote, VOTE - dt.timedelta(days=1))
    assert "cell_vote_attempts" in _codes(refused)
    with pytest.raises(ValidationError) as refused:
        record(town, at_the_vote, "cell_vote")
    assert "cell_vote_attempts" in _codes(refused)
    # The superior committee's written approval sets the limit aside for a fourth vote.
    step = record(
        town,
        at_the_vote,
        "cell_vote",
        exception_level="superior_committee",
        exception_document_no="CV-7",
        exception_document_date=VOTE,
        exception_reason="The ward committee allowed a fourth vote.",
    )
    assert (step.data["attempt"], step.exception_rule) == (4, "cell_vote_attempts")


def test_a_failed_vote_is_checked_as_the_cell_vote_is(town, at_the_vote):
    with pytest.raises(ValidationError) as refused:
        _failed(town, at_the_vote, VOTE, in_favour=6, against=2)
    assert _codes(refused) == {"cell_vote_passed"}
    with pytest.raises(ValidationError) as refused:
        _failed(town, at_the_vote, VOTE, present=12)  # more present than the roll holds
    assert "vote_counts" in _codes(refused)
    with pytest.raises(ValidationError) as refused:
        _failed(town, at_the_vote, STEP_DATES["introduction"] - dt.timedelta(days=1))
    assert "step_date_order" in _codes(refused)
    assert not FailedCellVote.objects.exists()


def test_no_failed_vote_before_the_introduction_nor_after_the_cell_vote(town):
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="introduction")
    with pytest.raises(ValidationError) as refused:
        _failed(town, dossier, VOTE)
    assert "step_order" in _codes(refused)
    record(town, dossier, "introduction")
    record(town, dossier, "comments")
    record(town, dossier, "cell_vote")
    with pytest.raises(ValidationError) as refused:
        _failed(town, dossier, VOTE)
    assert "step_once" in _codes(refused)


def test_the_cell_vote_cannot_be_dated_before_a_failed_one(town, at_the_vote):
    _failed(town, at_the_vote, VOTE)
    with pytest.raises(ValidationError) as refused:
        record(town, at_the_vote, "cell_vote", date=VOTE - dt.timedelta(days=1))
    assert "cell_vote_after_failed" in _codes(refused)


def test_an_annulled_failed_vote_no_longer_counts(town, at_the_vote):
    vote = _failed(town, at_the_vote, VOTE - dt.timedelta(days=7))
    with pytest.raises(ValidationError):
        services.failed_cell_vote_annul(trace=trace_for(town, "org"), vote=vote, reason=" ")
    services.failed_cell_vote_annul(
        trace=trace_for(town, "org"), vote=vote, reason="Recorded in the wrong dossier."
    )
    vote.refresh_from_db()
    assert vote.annulled_at is not None and vote.annul_reason
    change = Change.objects.filter(model="pipeline.failedcellvote").latest("id")
    assert change.before["annulled_at"] is None and change.after["annul_reason"]
    assert record(town, at_the_vote, "cell_vote").data["attempt"] == 1


def test_a_failed_vote_the_cell_vote_counted_cannot_be_annulled(town, at_the_vote):
    vote = _failed(town, at_the_vote, VOTE - dt.timedelta(days=7))
    cell_vote = record(town, at_the_vote, "cell_vote")
    with pytest.raises(ValidationError, match="annul the cell vote first"):
        services.failed_cell_vote_annul(trace=trace_for(town, "org"), vote=vote, reason="typo")
    # Nor can the steps before it go while the failed votes stand on them.
    services.dossier_step_annul(trace=trace_for(town, "org"), step=cell_vote, reason="miscounted")
    comments = at_the_vote.steps.get(step="comments")
    with pytest.raises(ValidationError, match="failed cell votes first"):
        services.dossier_step_annul(trace=trace_for(town, "org"), step=comments, reason="x")


def test_the_engine_counts_attempts_from_the_facts():
    facts = engine.Facts(
        birth_date=dt.date(2000, 1, 1),
        failed_cell_votes=(dt.date(2024, 1, 1), dt.date(2024, 2, 1)),
    )
    assert engine.cell_vote_attempt(facts) == 3
    assert engine.cell_vote_attempt(dataclasses.replace(facts, failed_cell_votes=())) == 1


def test_the_dossier_page_records_and_lists_a_failed_vote(town, at_the_vote, client_for):
    client = client_for("org")
    url = f"/pipeline/dossiers/{at_the_vote.pk}/"
    assert 'id="failed-vote-form"' in client.get(url).content.decode()
    response = client.post(
        f"{url}failed-votes/",
        {"date": (VOTE - dt.timedelta(days=7)).isoformat(), **FAILED},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'id="failed-votes"' in page and "5 in favour, 3 against, 8 present" in page
    # A vote that did pass is sent back with the reason, on the form.
    response = client.post(
        f"{url}failed-votes/",
        {"date": VOTE.isoformat(), "present": 8, "in_favour": 6, "against": 2},
    )
    assert response.status_code == 400
    assert "record it as the cell vote" in response.content.decode()
    assert FailedCellVote.objects.count() == 1
    vote = FailedCellVote.objects.get()
    response = client.post(
        f"/pipeline/failed-votes/{vote.pk}/annul/", {f"vote-{vote.pk}-reason": "typed twice"}
    )
    assert response.status_code == 302
    assert FailedCellVote.objects.get().annulled_at is not None
    # The cell vote that passes is the first that counts: vote number 1.
    client.post(
        f"{url}step/",
        {"step": "cell_vote", "date": VOTE.isoformat(), "present": 8, "in_favour": 6, "against": 2},
    )
    assert "vote number: 1" in client.get(url).content.decode()


def test_a_step_before_the_vote_is_not_corrected_past_a_failed_vote(town, at_the_vote):
    _failed(town, at_the_vote, VOTE - dt.timedelta(days=5))
    comments = at_the_vote.steps.get(step="comments")
    with pytest.raises(ValidationError) as refused:
        services.dossier_step_correct(
            trace=trace_for(town, "org"),
            step=comments,
            date=VOTE - dt.timedelta(days=2),
            reason="typed the wrong day",
        )
    assert "step_date_after_next" in _codes(refused)
    assert "failed cell vote" in str(refused.value)
