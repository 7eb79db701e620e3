"""What every `grassroots` command shares."""

import argparse


class TranslatedHelp:
    """Lets a command write its help texts with gettext_lazy.

    argparse formats help with regular expressions that refuse lazy strings, so `--help`
    crashed; once the parser is built, every text is made a plain string in the active
    language."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _plain_texts(parser)
        return parser


def _plain_texts(parser):
    for name in ("description", "epilog", "usage"):
        if getattr(parser, name, None) is not None:
            setattr(parser, name, str(getattr(parser, name)))
    for action in parser._actions:
        if action.help is not None and action.help is not argparse.SUPPRESS:
            action.help = str(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.help is not None:
                    choice.help = str(choice.help)
            for sub in set(action.choices.values()):
                _plain_texts(sub)
