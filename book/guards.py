"""Checks run before a position is opened (`BOOK_OPEN_GUARDS`), and followers of an executed correction
(`BOOK_CORRECTION_HOOKS`): the project names both in settings.

Each guard takes no argument and raises `core.errors.Conflict` to refuse, e.g. ops'
"trading is halted" (`ops.guards.refuse_when_halted`). A setting, so that book never
imports the apps above it whose guards it runs (DESIGN.md, direction of imports). A correction
hook takes the executed request and its result, inside the approving transaction, e.g. recon's
"a correction proposed from a reconciliation break resolves the break". The rows such a hook
changes are locked first, by the hook's lock (`BOOK_CORRECTION_LOCKS`, called as lock(request=...)
from `Correction.lock`), before approving appends to any chain (book/services/locks.py).
"""

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string


def open_guards() -> list[Callable[[], None]]:
    """The guards `BOOK_OPEN_GUARDS` names, in its order."""
    return [import_string(path) for path in settings.BOOK_OPEN_GUARDS]


def correction_hooks() -> list[Callable[..., None]]:
    """The followers `BOOK_CORRECTION_HOOKS` names, called as hook(request=..., result=..., actor=...)."""
    return [import_string(path) for path in settings.BOOK_CORRECTION_HOOKS]


def correction_locks() -> list[Callable[..., None]]:
    """The row locks `BOOK_CORRECTION_LOCKS` names, called as lock(request=...) before any chain."""
    return [import_string(path) for path in settings.BOOK_CORRECTION_LOCKS]
