"""Instructions per step, counted by Valgrind: a measure a busy machine cannot move.

Timings on a shared or virtual machine move by ±10% from run to run; the
number of instructions a step executes does not. This runs each timing case
(``cases.py``) under ``valgrind --tool=callgrind``, once with no steps and
once with ``--steps`` steps after a warm-up, and prints the difference per
step for the hand-written NumPy step, eager gradtape and ``gradtape.function``,
and their ratios to NumPy. Instructions are not time (a BLAS kernel retires
more of them per cycle than the interpreter does), so compare runs of this
script with each other, not with the timing tables.

    python -m benchmarks.bench_instructions [--steps 20] [--only TEXT] [--quick]

Needs ``valgrind`` on the PATH. A small case takes about a minute; the big
matrix products run some fifty times slower under Valgrind, so ``--quick``
(the smaller sizes of ``python -m benchmarks --quick``) is the usual choice.
"""
import argparse
import gc
import os
import re
import shutil
import subprocess
import sys

MODES = ("numpy", "gradtape", "gradtape.function")


def _run_steps(case_index, mode, steps, quick):
    """The child: build one case and run its step ``steps`` times after one warm-up."""
    from . import cases
    case = cases.timing_cases(quick)[case_index]
    run = case.implementations()[mode]
    run()
    gc.collect()
    gc.disable()  # a collection's cost depends on everything alive: not the step's
    for _ in range(steps):
        run()


def _instructions(case_index, mode, steps, quick):
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, "-m", "benchmarks.bench_instructions",
               "--child", str(case_index), mode, str(steps)] + ["--quick"] * quick
    # one hash seed: string hashes decide how many probes a dict lookup takes
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONHASHSEED="0")
    out = subprocess.run(command, capture_output=True, text=True, env=env,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise RuntimeError(f"valgrind gave no count for case {case_index} ({mode}):\n"
                           f"{out.stderr[-2000:]}")
    return int(found.group(1))


def per_step(case_index, mode, steps, quick=False):
    """Instructions one step of ``mode`` executes (the warm-up and imports subtracted)."""
    return (_instructions(case_index, mode, steps, quick)
            - _instructions(case_index, mode, 0, quick)) / steps


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_instructions",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    parser.add_argument("--quick", action="store_true", help="the smaller sizes")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        index, mode, steps = args.child
        return _run_steps(int(index), mode, int(steps), args.quick)
    if shutil.which("valgrind") is None:
        sys.exit("bench_instructions needs valgrind (e.g. apt-get install valgrind)")
    from . import cases
    print("| case | NumPy | eager | eager / NumPy | function | function / NumPy |")
    print("|---|---|---|---|---|---|")
    for index, case in enumerate(cases.timing_cases(args.quick)):
        if args.only not in case.name:
            continue
        counts = {mode: per_step(index, mode, args.steps, args.quick) for mode in MODES}
        base = counts["numpy"]
        print(f"| {case.name} | {base / 1e6:.3f} M | {counts['gradtape'] / 1e6:.3f} M | "
              f"{counts['gradtape'] / base:.2f}× | {counts['gradtape.function'] / 1e6:.3f} M | "
              f"{counts['gradtape.function'] / base:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
