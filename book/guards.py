"""Checks run before a position is opened: the project names them in the `BOOK_OPEN_GUARDS` setting.

Each guard takes no argument and raises `core.errors.Conflict` to refuse, e.g. ops'
"trading is halted" (`ops.guards.refuse_when_halted`). A setting, so that book never
imports the apps above it whose guards it runs (DESIGN.md, direction of imports).
"""

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string


def open_guards() -> list[Callable[[], None]]:
    """The guards `BOOK_OPEN_GUARDS` names, in its order."""
    return [import_string(path) for path in settings.BOOK_OPEN_GUARDS]
