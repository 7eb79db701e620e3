"""The files of a task run, in its own folder under TASKS_DIR.

    <TASKS_DIR>/<run.folder>/input/<name>     the uploaded file (imports)
    <TASKS_DIR>/<run.folder>/progress.json    {"done", "total", "at"}: rewritten every second
    <TASKS_DIR>/<run.folder>/<result file>    written under a temporary name, then renamed

Every write replaces a file whole (write a temporary file, then `os.replace`), so a reader
never sees half a file and a killed worker leaves no half-written result under the real name.
The folder name is random and never taken from the request.
"""

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings

PROGRESS = "progress.json"
INPUT = "input"


def root():
    return Path(settings.TASKS_DIR)


def new_folder_name():
    return secrets.token_hex(16)


def folder_of(run):
    return root() / run.folder


def safe_name(name, default="file", lower=True):
    """A file name safe to keep on disk: letters, digits, dot, dash, underscore.

    The stem is kept as far as possible because a single CSV is recognised by its name
    (uploads are lower-cased for that; result names keep their case).
    """
    name = Path(str(name)).name
    name = name.lower() if lower else name
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or default
    return name[-100:]


def replace_bytes(path, data):
    """Write `data` to `path` through a temporary name in the same folder."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    temp.write_bytes(data)
    os.replace(temp, path)


def save_input(run, upload):
    """Store an uploaded file in the run's folder; returns its path relative to the folder."""
    target = folder_of(run) / INPUT / safe_name(upload.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.partial")
    with open(temp, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    os.replace(temp, target)
    return str(target.relative_to(folder_of(run)))


def copy_input(source_run, run):
    """Give `run` the input file of `source_run` (a hard link where the disk allows)."""
    source = folder_of(source_run) / source_run.params["input"]
    target = folder_of(run) / source_run.params["input"]
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return source_run.params["input"]


def write_progress(folder, done, total):
    folder.mkdir(parents=True, exist_ok=True)
    data = {"done": done, "total": total, "at": time.time()}
    replace_bytes(folder / PROGRESS, json.dumps(data).encode())


def read_progress(run):
    """{"done", "total", "at"} as last written by the worker, or None."""
    try:
        return json.loads((folder_of(run) / PROGRESS).read_text())
    except (OSError, ValueError):
        return None


def result_path(run):
    if not run.result_file:
        return None
    path = folder_of(run) / run.result_file
    return path if path.is_file() else None


def remove_results(run):
    """Delete everything of the run's folder but its input (before running it again)."""
    folder = folder_of(run)
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.name == INPUT:
            continue
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def remove_folder(run):
    remove_dir(folder_of(run))


def remove_dir(path):
    shutil.rmtree(path, ignore_errors=True)
