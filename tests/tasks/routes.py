from grassroots.tasks.models import TaskRun
from tests.tasks.helpers import make_run
from tests.urlcheck import Route


def _run(status=TaskRun.Status.DONE, result=None):
    def build(town):
        run = make_run(town.user("admin"), unit=town.unit("W1"), status=status, result=result)
        return {"pk": run.pk}

    return build


ROUTES = [
    Route("tasks:index"),
    Route("tasks:detail", kwargs=_run(), record_unit="W1"),
    Route("tasks:progress", kwargs=_run(TaskRun.Status.RUNNING), record_unit="W1"),
    Route("tasks:download", kwargs=_run(result=b"units:2: code: required\n"), record_unit="W1"),
    Route("tasks:again", kwargs=_run(TaskRun.Status.FAILED), method="post", record_unit="W1"),
]
