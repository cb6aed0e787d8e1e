"""Streaming recordings (issue 22, in progress): runs made in pieces so that what the monitors recorded can be
written between pieces.

This step: `split_runs` makes every later ``run()`` of a snapshotted network a sequence of pieces of at most
``every`` of simulated time (`brian2nwb.brian.pieces`), calling ``between(net)`` after each piece but the last,
and recorded as one run. The public ``stream()`` (pieces appended to the file, monitors emptied, the file
completed by ``to_nwb``) builds on it.
"""

from __future__ import annotations

from collections.abc import Callable

from brian2 import Network, second

from ..brian.internals import hook_network_methods
from ..brian.pieces import run_in_pieces
from .snapshot import recorder_of


def split_runs(net: Network, every, between: Callable) -> None:
    """Make every later ``net.run(duration, ...)`` a sequence of runs of at most ``every`` (a Brian2 time),
    recorded by ``net``'s `brian2nwb.snapshot` recorder as one run; ``between(net)`` runs between pieces."""
    recorder = recorder_of(net)
    if recorder is None:
        raise RuntimeError("Call brian2nwb.snapshot(net) before splitting its runs.")
    length = float(every / second)

    def run(original):
        def hooked(duration, report=None, report_period=10 * second, namespace=None, profile=None, level=0):
            arguments = dict(report=report, report_period=report_period, namespace=namespace, profile=profile,
                             level=level + 3)  # Brian2 finds the caller's names above this frame, run_in_pieces, piece

            def piece(length_of_piece, **given):
                try:
                    return original(length_of_piece, **given)
                finally:
                    recorder.continuing = True  # the next pieces continue this run

            try:
                run_in_pieces(net, piece, float(duration / second), length, between, **arguments)
            finally:
                recorder.continuing = False
        return hooked

    hook_network_methods(net, {"run": run})
