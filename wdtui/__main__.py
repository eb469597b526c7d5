"""`python -m wdtui` and the `wdtui` command (pyproject's script: entry)."""

from typing import NoReturn

from wdtui.commands.exits import STOPPED, by_whom, leave, say, stopped_status


def entry() -> NoReturn:
    """main(), with Ctrl+C before a command takes it over said as one line and status 130.

    That is while Python imports wdtui, parses the options, or the app starts. No
    KeyboardInterrupt traceback is shown. A command that Ctrl+C or SIGTERM stopped leaves
    without the interpreter's teardown (exits.leave): with torch loaded, that teardown can end
    in a death by SIGINT, losing the status (`runs tensorboard`, once in 15 under load)."""
    import sys

    try:
        from wdtui.commands.cli import main

        status = main()
    except KeyboardInterrupt:
        say("wdtui", f"stopped ({by_whom()})")
        leave(stopped_status())
    if status in STOPPED:
        leave(status)
    sys.exit(status)


if __name__ == "__main__":
    entry()
