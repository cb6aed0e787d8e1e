"""The ``brian2nwb`` command: ``info``, ``validate``, ``resimulate``, ``plot`` and ``describe`` a file;
``trust`` the Python code of a file; ``explore`` a model; ``recover`` the file of a stream whose process died.

Exit codes: 0 success; 1 a check failed (``validate``: the file is not valid;
``resimulate``: the re-run differs); 2 wrong arguments; 3 the file cannot be read
or its model is refused (`InvalidFileError`, `UnsafeModelError`), printed in one
line (``--debug`` prints the traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

#: Exit code for a file that cannot be read or whose model is refused.
EXIT_INVALID_FILE = 3
#: What a command's FILE may be.
FILE_HELP = "a path, or an HTTPS URL (a DANDI asset URL, S3, any server that honours Range requests)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="brian2nwb", description="Look at, check and re-run Brian2 simulations "
                                                                  "stored in NWB files.")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    info = commands.add_parser("info", help="what is inside a file (or a sweep folder)",
                               description="Groups, sizes, synapses, inputs, monitors, recorded spikes and samples, "
                                           "duration and provenance; for the output folder of 'explore', its table.")
    info.add_argument("file", type=source, help=FILE_HELP)
    info.add_argument("--json", action="store_true", help="print JSON for scripts")

    validate = commands.add_parser("validate", help="check a file", description="pynwb validation, nwbinspector, "
                                   "and brian2nwb's own check that the model rebuilds. Exit code 1 on failure.")
    validate.add_argument("file", type=source, help=FILE_HELP)
    validate.add_argument("--dandi", action="store_true", help="use nwbinspector's DANDI configuration")

    resimulate = commands.add_parser("resimulate", help="rebuild, re-run and compare the spikes",
                                     description="Rebuild the network, run the recorded runs and report whether "
                                                 "every SpikeMonitor's spikes match the recording exactly. Exit "
                                                 "code 1 if they do not.")
    resimulate.add_argument("file", type=source, help=FILE_HELP)
    resimulate.add_argument("-o", "--output", type=Path, help="write the new results to this .nwb file")
    resimulate.add_argument("--target", choices=["numpy", "cython"], default="numpy",
                            help="code-generation target (default: numpy; a file never chooses it)")
    resimulate.add_argument("--trust-code", action="store_true",
                            help="run the file's Python code (NetworkOperations, Python functions) even if it is not "
                                 "signed with your key: only for a file whose code you read or whose author you trust")

    trust = commands.add_parser(
        "trust", help="vouch for a file's Python code, so that from_nwb runs it from now on",
        description="Sign the Python code the file holds (its NetworkOperations and Python functions, and what "
                    "their names refer to) with your own key, as to_nwb signs the files you write: from_nwb then "
                    "runs it without trust_code=True. Read it first ('brian2nwb describe FILE' shows it): it runs "
                    "with your permissions. The file is rewritten beside itself and moved into place.")
    trust.add_argument("file", type=Path, help="a local .nwb file (HDF5)")

    plot = commands.add_parser("plot", help="raster, traces, rates and inputs as a figure",
                               description="Raster of the Units coloured by population, a few state traces, "
                                           "population rates and input spikes.")
    plot.add_argument("file", type=source, help=FILE_HELP)
    plot.add_argument("-o", "--output", type=Path, required=True, help="the figure to write (.png, .pdf, .svg)")

    describe = commands.add_parser("describe", help="the model card: equations, parameters, connectivity, runs",
                                   description="The model as a person reads it, rebuilt from the file's checked "
                                               "model: Markdown (equations in LaTeX and as Brian2 code), or with "
                                               "--html one self-contained page with the plots.")
    describe.add_argument("file", type=source, help=FILE_HELP)
    shape = describe.add_mutually_exclusive_group()
    shape.add_argument("--markdown", action="store_true", help="Markdown (the default)")
    shape.add_argument("--html", action="store_true", help="one HTML page with the results' figure")
    describe.add_argument("-o", "--output", type=Path, help="write to this file instead of printing")

    explore = commands.add_parser(
        "explore", help="simulate a parameter sweep on Dask, one NWB file per point",
        description="Rebuild the model in FILE for every point of the sweep (values replace its external "
                    "constants), on a local Dask cluster or the scheduler given, and write a DANDI-ready folder: "
                    "sub-<model>/sub-<model>_ses-<point>.nwb and sweep.tsv. Running it again skips finished points.")
    explore.add_argument("file", type=Path)
    explore.add_argument("-p", "--parameter", action="append", required=True, metavar="NAME=V1,V2,...",
                         help="values of one parameter, with Brian2 units (e.g. tau=5ms,10ms); repeat for a grid")
    explore.add_argument("-o", "--output", type=Path, required=True, help="the output folder")
    explore.add_argument("--seeds", help="N (seeds 0..N-1) or a list (1,5,9); every point runs with each")
    explore.add_argument("--state", choices=["initial", "final"], default="initial",
                         help="start at t=0 or fork from the end of the recording (needs --duration)")
    explore.add_argument("--duration", help="simulated time per point, e.g. 500ms (default: the recorded runs)")
    explore.add_argument("--scheduler", help="address of a Dask scheduler (default: a local cluster)")
    explore.add_argument("--workers", type=int, help="processes of the local cluster (default: one per CPU)")
    explore.add_argument("--target", choices=["numpy", "cython"], default="numpy")

    recover = commands.add_parser(
        "recover", help="write the file of a stream whose process ended before to_nwb",
        description="Write FILE from what brian2nwb.stream() left in FILE.stream: every piece it committed, of "
                    "every monitor, with the model, timeline and state at the end of the last one (the file's notes "
                    "say so). The stream's folder is removed once the file is written.")
    recover.add_argument("file", type=Path, help="the file the stream was writing (its pieces are in FILE.stream)")
    recover.add_argument("-o", "--output", type=Path, help="write the file here instead")
    recover.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    recover.add_argument("--keep", action="store_true", help="keep the stream's folder")

    args = parser.parse_args(argv)
    if args.command == "recover" and not Path(str(args.file) + ".stream").exists():
        parser.error(f"{args.file}.stream does not exist: there is no stream of {args.file} to recover")
    elif args.command != "recover" and isinstance(args.file, Path) and not args.file.exists():
        parser.error(f"{args.file} does not exist")
    command = {"info": run_info, "validate": run_validate, "resimulate": run_resimulate, "plot": run_plot,
               "describe": run_describe, "explore": run_explore, "recover": run_recover,
               "trust": run_trust}[args.command]
    if args.debug:
        return command(args)
    from ..errors import InvalidFileError, printable
    from ..nwb.remote import UnreachableURLError

    try:
        return command(args)
    except (InvalidFileError, UnreachableURLError) as error:
        print(f"brian2nwb {args.command}: {type(error).__name__}: {printable(error)}", file=sys.stderr)
        return EXIT_INVALID_FILE


def source(text: str) -> Path | str:
    """A command's FILE: a URL as it is, else a path."""
    from ..nwb.remote import is_url

    return text if is_url(text) else Path(text)


def run_info(args) -> int:
    from ..errors import printable
    from ..sweep.points import TABLE_NAME, sweep_table
    from .summary import format_summary, summarize

    if isinstance(args.file, Path) and (args.file / TABLE_NAME).exists():  # the output folder of explore
        table = sweep_table(args.file)
        text = table.to_json(orient="records", indent=2) if args.json else table.to_string(index=False)
        print("\n".join(printable(line) for line in text.splitlines()))
        return 0

    summary = summarize(args.file)
    text = json.dumps(summary, indent=2, default=str) if args.json else format_summary(summary)
    print("\n".join(printable(line) for line in text.splitlines()))  # a file's strings may hold escape sequences
    return 0


def run_recover(args) -> int:
    import h5py

    from ..verbs.recover import recover

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what the model leaves out was said when it was streamed
        path = recover(args.file, args.output, overwrite=args.overwrite, keep=args.keep)
    with h5py.File(path, "r") as file:
        notes = file["general/notes"][()].decode()
    print(f"{path}: {notes.splitlines()[-1]}")
    return 0


def run_validate(args) -> int:
    from nwbinspector import Importance, load_config

    from ..errors import reading
    from ..nwb.remote import is_url
    from ..trust.container import check_file

    failed = False
    config = load_config("dandi") if args.dandi else None
    if not is_url(args.file):
        check_file(args.file)  # before any library reads it (a URL is checked as it is opened)
    with reading(args.file, "validated"):
        errors, messages = _validate(args.file, config)
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
    from ..errors import printable

    try:
        from brian2.utils.logger import BrianLogger

        from ..verbs.reader import from_nwb

        BrianLogger.suppress_name("unused_brian_object")  # the rebuilt network is only checked, never run
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = from_nwb(args.file, state="final")
        print(f"model: rebuilds ({len(net.objects)} objects)")
    except Exception as error:  # noqa: BLE001 - report any failure to rebuild as a failed check
        print(f"model: does not rebuild: {type(error).__name__}: {printable(error)}")
        failed = True
    return 1 if failed else 0


def _validate(path: Path | str, config) -> tuple[list, list]:
    """pynwb's validation errors and nwbinspector's messages."""
    import pynwb
    from nwbinspector import inspect_nwbfile, inspect_nwbfile_object

    from ..nwb.remote import is_url
    from ..trust.container import open_untrusted

    if is_url(path):
        with open_untrusted(path, "validated") as io:
            return pynwb.validate(io=io), list(inspect_nwbfile_object(io.read(), config=config))
    if path.is_dir():  # a Zarr store: validated and inspected through brian2nwb's own IO object (nwbinspector
        from ..nwb.extension import nwb_io  # cannot open hdmf-zarr stores itself on every version)

        with nwb_io(path, mode="r") as io:
            return pynwb.validate(io=io), list(inspect_nwbfile_object(io.read(), config=config))
    return pynwb.validate(path=str(path)), list(inspect_nwbfile(nwbfile_path=path, config=config))


def run_resimulate(args) -> int:
    from brian2 import SpikeMonitor, prefs

    from ..errors import Brian2NWBWarning
    from ..verbs.reader import from_nwb
    from ..verbs.writer import to_nwb
    from .spikes import compare_spikes, read_spikes
    from .summary import summarize

    summary = summarize(args.file)
    recorded_target = str(summary.get("provenance", {}).get("codegen_target", ""))
    if summary.get("python_code", {}).get("trust") == "untrusted" and not args.trust_code:
        print("note: the file's Python code is not signed with your key and does not run (the re-run may differ); "
              "pass --trust-code if you trust it")
    prefs.codegen.target = args.target
    if recorded_target in ("numpy", "cython") and recorded_target != args.target:
        print(f"note: the recording used the {recorded_target!r} target; re-running on {args.target!r} (pass "
              f"--target {recorded_target} for an exact comparison)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=Brian2NWBWarning)  # the target note above says it
        net = from_nwb(args.file, trust_code=args.trust_code)
    net.run_recorded()
    recorded = read_spikes(args.file)
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


def run_trust(args) -> int:
    from ..verbs.trust import trust_file

    functions = trust_file(args.file)
    print(f"{args.file}: its Python code ({', '.join(functions)}) is signed with your key; from_nwb runs it")
    return 0


def run_explore(args) -> int:
    from ..sweep.engine import explore
    from ..sweep.points import parse_parameter

    try:
        parameters = dict(parse_parameter(text) for text in args.parameter)
        seeds = None if args.seeds is None else (
            [int(s) for s in args.seeds.split(",")] if "," in args.seeds else list(range(int(args.seeds))))
        duration = None if args.duration is None else parse_parameter(f"duration={args.duration}")[1][0]
    except ValueError as error:
        print(f"brian2nwb explore: {error}", file=sys.stderr)
        return 2
    client = None
    if args.scheduler:
        from dask.distributed import Client

        client = Client(args.scheduler)
    table = explore(args.file, parameters, args.output, seeds=seeds, state=args.state, duration=duration,
                    client=client, workers=args.workers, target=args.target)
    print(table.to_string(index=False))
    failed = int((table["status"] == "failed").sum())
    print(f"{len(table)} points: {int((table['status'] == 'done').sum())} done, "
          f"{int((table['status'] == 'skipped').sum())} skipped, {failed} failed; table in {args.output}/sweep.tsv")
    return 1 if failed else 0


def run_describe(args) -> int:
    from ..errors import printable
    from ..verbs.card import card_of_file
    from .describe import card_html

    text = card_html(args.file) if args.html else card_of_file(args.file).to_markdown()
    if args.output is None:
        print("\n".join(printable(line) for line in text.splitlines()))
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"{args.output}: the model card of {args.file}")
    return 0


def run_plot(args) -> int:
    from .plot import plot_file

    panels = plot_file(args.file, args.output)
    print(f"{args.output}: " + ", ".join(panels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
