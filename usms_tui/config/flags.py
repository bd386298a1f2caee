"""The settings' command-line flags, generated from the table.

:func:`setting_options` builds the parent parser a command is given; the values come back
through :func:`usms_tui.config.settings.settings_from_args`, which reads the same table.
"""

from __future__ import annotations

import argparse

from usms_tui.config.table import TABLE, Setting


def flag_help(setting: Setting) -> str:
    """The setting's help with its default (when it does not depend on the platform) and variable."""
    notes = []
    if setting.default is not None and not setting.kind.switch:
        notes.append(f"default {setting.kind.show(setting.default)}")
    if setting.env:
        notes.append(f"env {setting.env}")
    text = f"{setting.help} ({'; '.join(notes)})" if notes else setting.help
    return text.replace("%", "%%")  # argparse formats help with %


def setting_options(command: str | None = None) -> argparse.ArgumentParser:
    """A parent parser with the setting flags ``command`` takes.

    ``None`` gives the common options, which every command takes before or after its name.
    A command's own flags (the settings only it takes) join its options; a flag the command
    spells for something else (``wait --timeout``) is left out, so the command's own wins.
    Defaults are SUPPRESS: an absent flag leaves no attribute, and the last one given counts.
    """
    parser = argparse.ArgumentParser(add_help=False)
    common = parser.add_argument_group("common options")
    for setting in TABLE:
        flag = setting.flag
        if flag is None or not setting.takes_flag(command):
            continue
        group = common if setting.commands is None else parser
        if setting.kind.switch:
            group.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=flag_help(setting))
        else:
            group.add_argument(
                flag,
                metavar=setting.metavar or setting.kind.metavar,
                default=argparse.SUPPRESS,
                help=flag_help(setting),
            )
    return parser
