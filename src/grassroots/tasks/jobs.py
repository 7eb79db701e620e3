"""The task the framework queues for every TaskRun. The backend stores its dotted path,
so keep the name stable: `grassroots.tasks.jobs.execute_run` (recurring jobs have theirs
in tasks/schedule.py: `grassroots.tasks.schedule.run_recurring`)."""

from django_tasks import task

from . import runner


@task()
def execute_run(run_id):
    """Do the work of one TaskRun (see tasks/runner.py); returns its final status."""
    return runner.execute(run_id)
