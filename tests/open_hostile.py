"""Open untrusted files the way a user would, in this fresh process, under a memory and a time limit.

    python open_hostile.py TARGET MEMORY_MB SECONDS FILE [FILE ...]

For each file: ``from_nwb`` + ``run_recorded()``, then ``brian2nwb info`` and
``plot`` (the commands that read results). Prints one JSON line per file as soon
as it is done: ``{"file": ..., "outcome": "ok" | "<ExceptionType>", "message": ...}``
(a crash of the process shows up as a missing line). A case that takes longer
than SECONDS is reported as ``"timeout"``.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import warnings


class Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise Timeout


def open_one(path: str, output: str) -> None:
    import brian2nwb
    from brian2nwb.tools.plot import plot_file
    from brian2nwb.tools.summary import summarize

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = brian2nwb.from_nwb(path)
        net.run_recorded()
    summarize(path)
    try:
        plot_file(path, output)
    except brian2nwb.InvalidFileError as error:
        if "holds no spikes" not in str(error):
            raise


def main() -> None:
    target, memory_mb, seconds, *paths = sys.argv[1:]
    limit = int(memory_mb) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    from brian2 import prefs
    from brian2.utils.logger import BrianLogger

    BrianLogger.log_level_error()
    prefs.codegen.target = target
    import brian2nwb  # noqa: F401 - imported before the clock starts
    from brian2nwb import InvalidFileError

    for path in paths:
        print(json.dumps({"file": path, "outcome": "started"}), flush=True)
        signal.alarm(int(seconds))
        try:
            open_one(path, os.path.join(os.path.dirname(path), "figure.png"))
            outcome, message = "ok", ""
        except Timeout:
            outcome, message = "timeout", ""
        except InvalidFileError as error:
            outcome, message = type(error).__name__, str(error)
        except Exception as error:  # noqa: BLE001 - any other type (MemoryError too) is what the test reports
            import traceback

            where = traceback.extract_tb(error.__traceback__)[-3:]
            outcome = type(error).__name__
            message = f"{str(error)[:300]} at " + " <- ".join(f"{f.filename.split('/')[-1]}:{f.lineno}"
                                                               for f in reversed(where))
        finally:
            signal.alarm(0)
        print(json.dumps({"file": path, "outcome": outcome, "message": message}), flush=True)


if __name__ == "__main__":
    main()
