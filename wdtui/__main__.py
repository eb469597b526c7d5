"""`python -m wdtui` and the `wdtui` command (pyproject's script: entry)."""

from typing import NoReturn

from wdtui.commands.exits import by_whom, leave, say, stopped_status


def entry() -> NoReturn:
    """main(), with Ctrl+C before a command takes it over said as one line and status 130.

    That is while Python imports wdtui, parses the options, or the app starts. No
    KeyboardInterrupt traceback is shown."""
    import sys

    try:
        from wdtui.commands.cli import main

        status = main()
    except KeyboardInterrupt:
        say("wdtui", f"stopped ({by_whom()})")
        leave(stopped_status())
    sys.exit(status)


if __name__ == "__main__":
    entry()
