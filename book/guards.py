"""Checks run before a position is opened; apps above book register them (DESIGN.md imports).

Each guard takes no argument and raises `core.errors.Conflict` to refuse, e.g. ops'
"trading is halted". book never imports the apps that register here.
"""

from collections.abc import Callable

OPEN_GUARDS: list[Callable[[], None]] = []
