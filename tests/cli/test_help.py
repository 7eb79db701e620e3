"""`grassroots <command> --help` prints for every command of ours, subcommands included."""

import argparse

import pytest
from django.core.management import get_commands, load_command_class

OURS = sorted(name for name, app in get_commands().items() if app.startswith("grassroots"))


def _helps(parser):
    yield parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _helps(sub)


@pytest.mark.parametrize("name", OURS)
def test_help_prints(name):
    command = load_command_class(get_commands()[name], name)
    texts = list(_helps(command.create_parser("grassroots", name)))
    assert all(f"grassroots {name}" in text for text in texts)
