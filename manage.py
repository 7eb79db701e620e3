#!/usr/bin/env python
"""Django's manage.py; the `grassroots` console script does the same."""

import sys

if __name__ == "__main__":
    sys.path.insert(0, "src")
    from grassroots.cli import main

    main(sys.argv[1:])
