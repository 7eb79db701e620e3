"""The functions the tasks framework queues. The backend stores their dotted paths, so
keep these names stable: `grassroots.tasks.jobs.execute_run`, `...run_recurring`."""

from django_tasks import task

from . import runner, schedule


@task()
def execute_run(run_id):
    """Do the work of one TaskRun (see tasks/runner.py); returns its final status."""
    return runner.execute(run_id)


@task()
def run_recurring(name, due):
    """Run a recurring job once and queue its next occurrence (see tasks/schedule.py)."""
    return schedule.run_due(name, due, queue=run_recurring)
