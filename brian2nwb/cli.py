"""The ``brian2nwb`` command: ``info``, ``validate``, ``resimulate`` and ``plot`` a file."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="brian2nwb", description="Look at, check and re-run Brian2 simulations "
                                                                  "stored in NWB files.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    info = commands.add_parser("info", help="what is inside a file", description="Groups, sizes, synapses, inputs, "
                               "monitors, recorded spikes and samples, duration and provenance.")
    info.add_argument("file", type=Path)
    info.add_argument("--json", action="store_true", help="print JSON for scripts")

    validate = commands.add_parser("validate", help="check a file", description="pynwb validation, nwbinspector, "
                                   "and brian2nwb's own check that the model rebuilds. Exit code 1 on failure.")
    validate.add_argument("file", type=Path)
    validate.add_argument("--dandi", action="store_true", help="use nwbinspector's DANDI configuration")

    resimulate = commands.add_parser("resimulate", help="rebuild, re-run and compare the spikes",
                                     description="Rebuild the network, run the recorded runs and report whether "
                                                 "every SpikeMonitor's spikes match the recording exactly. Exit "
                                                 "code 1 if they do not.")
    resimulate.add_argument("file", type=Path)
    resimulate.add_argument("-o", "--output", type=Path, help="write the new results to this .nwb file")
    resimulate.add_argument("--target", choices=["recorded", "numpy", "cython"], default="recorded",
                            help="code-generation target (default: the recording's)")

    plot = commands.add_parser("plot", help="raster, traces, rates and inputs as a figure",
                               description="Raster of the Units coloured by population, a few state traces, "
                                           "population rates and input spikes.")
    plot.add_argument("file", type=Path)
    plot.add_argument("-o", "--output", type=Path, required=True, help="the figure to write (.png, .pdf, .svg)")

    args = parser.parse_args(argv)
    if not args.file.exists():
        parser.error(f"{args.file} does not exist")
    return {"info": run_info, "validate": run_validate, "resimulate": run_resimulate, "plot": run_plot}[
        args.command](args)


def run_info(args) -> int:
    from .summary import format_summary, summarize

    summary = summarize(args.file)
    print(json.dumps(summary, indent=2, default=str) if args.json else format_summary(summary))
    return 0


def run_validate(args) -> int:
    import pynwb
    from nwbinspector import Importance, inspect_nwbfile, load_config

    failed = False
    config = load_config("dandi") if args.dandi else None
    if args.file.is_dir():  # a Zarr store: validated and inspected through brian2nwb's own IO object (nwbinspector
        from nwbinspector import inspect_nwbfile_object  # cannot open hdmf-zarr stores itself on every version)

        from .extension import nwb_io

        with nwb_io(args.file, mode="r") as io:
            errors = pynwb.validate(io=io)
            messages = list(inspect_nwbfile_object(io.read(), config=config))
    else:
        errors = pynwb.validate(path=str(args.file))
        messages = list(inspect_nwbfile(nwbfile_path=args.file, config=config))
    print(f"pynwb validation: {'OK' if not errors else f'{len(errors)} error(s)'}")
    for error in errors:
        print(f"  {error}")
    failed |= bool(errors)
    serious = [m for m in messages if m.importance in (Importance.CRITICAL, Importance.BEST_PRACTICE_VIOLATION)
               or (args.dandi and m.importance == Importance.ERROR)]
    print(f"nwbinspector{' (DANDI configuration)' if args.dandi else ''}: {len(messages)} message(s), "
          f"{len(serious)} serious")
    for message in messages:
        print(f"  {message.importance.name} {message.check_function_name} {message.location or ''}: "
              f"{message.message}")
    failed |= bool(serious)
    try:
        from brian2.utils.logger import BrianLogger

        from .reader import from_nwb

        BrianLogger.suppress_name("unused_brian_object")  # the rebuilt network is only checked, never run
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = from_nwb(args.file, state="final")
        print(f"model: rebuilds ({len(net.objects)} objects)")
    except Exception as error:  # noqa: BLE001 - report any failure to rebuild as a failed check
        print(f"model: does not rebuild: {type(error).__name__}: {error}")
        failed = True
    return 1 if failed else 0


def run_resimulate(args) -> int:
    from brian2 import SpikeMonitor, prefs

    from .reader import from_nwb
    from .summary import summarize
    from .writer import to_nwb

    recorded_target = summarize(args.file).get("provenance", {}).get("codegen_target", "")
    target = recorded_target if args.target == "recorded" else args.target
    if target in ("numpy", "cython"):
        prefs.codegen.target = target
    net = from_nwb(args.file)
    net.run_recorded()
    recorded = _recorded_spikes(args.file)
    exact = True
    for obj in sorted((o for o in net.objects if isinstance(o, SpikeMonitor)), key=lambda o: o.name):
        start = int(getattr(obj.source, "start", 0))
        report = compare_spikes(recorded.get(obj.name, (np.zeros(0), np.zeros(0))),
                                (np.asarray(obj.i[:]) + start, np.asarray(obj.t_[:])))
        exact &= report["exact"]
        if report["exact"]:
            print(f"{obj.name}: exact match ({report['recorded']} spikes)")
        else:
            print(f"{obj.name}: MISMATCH: {report['recorded']} recorded, {report['resimulated']} re-simulated, "
                  f"{report['common']} in common; first difference at t = {report['first_difference_s']} s")
    if args.output is not None:
        to_nwb(net, args.output, source_script=None)
        print(f"new results written to {args.output}")
    print("re-simulation reproduces the recording exactly" if exact else "re-simulation differs from the recording")
    return 0 if exact else 1


def _recorded_spikes(path) -> dict:
    from .extension import nwb_io
    from .kinds.spikemonitor import spikes_by_monitor

    with nwb_io(path, mode="r") as io:
        units = io.read().units
        return {} if units is None else spikes_by_monitor(units)


def compare_spikes(recorded: tuple, resimulated: tuple) -> dict:
    """Exact equality of two spike sets (neuron, time), and how far apart they are if not."""
    def ordered(index, times):
        order = np.lexsort((index, times))
        return np.asarray(index)[order], np.asarray(times)[order]

    (ri, rt), (si, st) = ordered(*recorded), ordered(*resimulated)
    exact = len(rt) == len(st) and bool(np.array_equal(ri, si) and np.array_equal(rt, st))
    report = {"exact": exact, "recorded": int(len(rt)), "resimulated": int(len(st))}
    if not exact:
        a = set(zip(ri.tolist(), rt.tolist()))
        b = set(zip(si.tolist(), st.tolist()))
        report["common"] = len(a & b)
        differing = sorted(t for _, t in a ^ b)
        report["first_difference_s"] = differing[0] if differing else None
    return report


def run_plot(args) -> int:
    from .plot import plot_file

    panels = plot_file(args.file, args.output)
    print(f"{args.output}: " + ", ".join(panels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
