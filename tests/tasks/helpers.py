"""Task runs for tests: made directly, or started through the services."""

from grassroots.tasks import files
from grassroots.tasks.models import TaskRun


def make_run(owner, *, kind="export", status=TaskRun.Status.DONE, unit=None, result=None, **params):
    """A run of `owner` in the given state; `result` (bytes) becomes its result file."""
    run = TaskRun.objects.create(
        owner=owner,
        kind=kind,
        params={"unit": unit.code if unit else "", "format": "csv", "language": "en", **params},
        unit=unit,
        status=status,
        folder=files.new_folder_name(),
    )
    if result is not None:
        folder = files.folder_of(run)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "result.zip").write_bytes(result)
        run.result_file = "result.zip"
        run.save(update_fields=["result_file"])
    return run
