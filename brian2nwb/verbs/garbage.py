"""A public verb leaves no garbage behind that holds the user's objects.

Parsing inside Brian2 (pyparsing, through equations and expressions) leaves reference cycles: an exception, its
traceback and the frame that caught it. From Python 3.11 on, a frame that is still referenced when it returns
keeps its caller's frame (``f_back``), and so on up the stack: one such cycle created while ``to_nwb`` describes a
network keeps every finished frame of ``to_nwb`` alive, with the groups, synapses and monitors in their locals,
until the garbage collector next runs. In the user's script those objects then outlive the names that held them,
and Brian2 gives the next objects other names (``synapses_3`` where the same script without brian2nwb has
``synapses``): other names, another order in the schedule, other rounding.

`leaves_no_garbage` runs a verb with the objects that existed before it frozen out of the collector's reach
(`gc.freeze`), collects what the verb created and left unreachable, and unfreezes. The user's own garbage is not
collected: it is collected when it would have been (Python moves it to the oldest generation).
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable
from typing import TypeVar

Verb = TypeVar("Verb", bound=Callable)

_lock = threading.Lock()
_running = 0  # verbs running now, in every thread: the first freezes, the last collects
_froze = False  # whether the first froze (not if the user's program had frozen objects itself)


def leaves_no_garbage(verb: Verb) -> Verb:
    """``verb``, made to collect the garbage it created (and only that) before it returns."""

    @functools.wraps(verb)
    def collecting(*args, **kwargs):
        _enter()
        try:
            return verb(*args, **kwargs)
        finally:
            _leave()

    return collecting


def _enter() -> None:
    global _running, _froze
    with _lock:
        if _running == 0:
            # a program that froze objects itself (a server before it forks) keeps them frozen; the collection
            # at the end then takes its other garbage too
            _froze = gc.get_freeze_count() == 0
            if _froze:
                gc.freeze()
        _running += 1


def _leave() -> None:
    global _running
    with _lock:
        _running -= 1
        if _running == 0:
            gc.collect()
            if _froze:
                gc.unfreeze()
