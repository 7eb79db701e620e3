"""The `grassroots` console script: Django's management commands under one name."""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else list(argv)
    execute_from_command_line(["grassroots", *args])


if __name__ == "__main__":
    main()
