"""Kinds of work and recurring jobs may name their function by its dotted path (so that
every process's start does not import the importer, the exporter or the PDF writer);
a misspelt path would fail only when the work runs, so each one is resolved here."""

from django.utils.module_loading import import_string

from grassroots.tasks import kinds, schedule


def _resolved(run):
    return import_string(run) if isinstance(run, str) else run


def test_every_kind_of_work_names_a_function_that_exists():
    registered = {name: kinds.get(name) for name in kinds._kinds}
    assert {"import_check", "import_apply", "export", "report_document", "report_pack"} <= set(
        registered
    )
    for kind in registered.values():
        assert callable(_resolved(kind.run)), kind.name


def test_every_recurring_job_names_a_function_that_exists():
    jobs = schedule.jobs()
    assert {"deadlines.digest", "plans.forecasts", "tasks.cleanup"} <= set(jobs)
    for job in jobs.values():
        assert callable(_resolved(job.run)), job.name
