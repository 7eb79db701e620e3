"""The daily clean-up of expired task results, itself a recurring task."""

import datetime as dt

from . import schedule, services


def cleanup_daily():
    return services.runs_cleanup()


schedule.daily("tasks.cleanup", at=dt.time(3, 30), run=cleanup_daily)
