"""Run the benchmarks: ``python -m benchmarks [--quick] [--only TEXT] [--repeats N]``.

Each case runs gradtape (eager, and the same step compiled with
``gradtape.function``), hand-written NumPy and (when importable) PyTorch on
the same computation in the same process, checks that their gradients agree,
and prints the median times and the ratios to NumPy as a Markdown table.
Everything runs on one thread, so the ratios measure overhead, not threading.
"""
import os

# One thread for every BLAS and for PyTorch; this must happen before NumPy loads.
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                     "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
for _name in _THREAD_VARIABLES:
    os.environ[_name] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from . import cases  # noqa: E402

# CPU time of this (single-threaded) process: on a shared machine it leaves out
# the time other processes hold the core, which wall time would count.
_clock = time.process_time


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: smaller sizes, fewer repeats")
    parser.add_argument("--only", default="",
                        help="run only the cases whose name contains this text")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed samples per implementation (default 41, quick 5)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------

def _calibrate(fn, target):
    """How many calls make one sample of about ``target`` seconds."""
    start = _clock()
    fn()
    once = _clock() - start
    return max(1, int(target / max(once, 1e-7))), once


def _sample(fn, loops):
    start = _clock()
    for _ in range(loops):
        fn()
    return (_clock() - start) / loops


def time_interleaved(impls, repeats, sample_seconds, budget_seconds):
    """Median seconds per call of each implementation.

    Samples alternate between the implementations, so a slow spell of a
    shared machine hits all of them alike; the garbage collector is paused
    within a sample, as ``timeit`` does.
    """
    loops, once = {}, {}
    for name, fn in impls.items():
        fn()  # warm up
        loops[name], once[name] = _calibrate(fn, sample_seconds)
    per_round = sum(max(once[n] * loops[n], once[n]) for n in impls)
    rounds = max(3, min(repeats, int(budget_seconds / max(per_round, 1e-9))))
    samples = {name: [] for name in impls}
    for _ in range(rounds):
        for name, fn in impls.items():
            gc.collect()
            gc.disable()
            try:
                samples[name].append(_sample(fn, loops[name]))
            finally:
                gc.enable()
    return {name: statistics.median(s) for name, s in samples.items()}, rounds


def check_agreement(case, results):
    """Compare each implementation's gradients with NumPy's; a list of problems."""
    reference = results["numpy"]
    problems = []
    for name, grads in results.items():
        if name == "numpy":
            continue
        if len(grads) != len(reference):
            problems.append(f"{name}: {len(grads)} gradients, NumPy has {len(reference)}")
            continue
        for i, (g, r) in enumerate(zip(grads, reference)):
            g, r = np.asarray(g), np.asarray(r)
            scale = float(np.max(np.abs(r))) if r.size else 0.0
            if g.shape != r.shape or not np.allclose(g, r, rtol=case.rtol, atol=case.rtol * scale):
                err = float(np.max(np.abs(g - r))) if g.shape == r.shape else "shape"
                problems.append(f"{name}: gradient #{i} differs from NumPy's (max error {err})")
    return problems


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------

def _blas_description():
    try:
        import threadpoolctl
    except ImportError:
        return "unknown (install threadpoolctl to see it)"
    infos = threadpoolctl.threadpool_info()
    return ", ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}), "
                     f"{i.get('num_threads')} thread(s)" for i in infos if i.get("user_api") == "blas")


def machine_description():
    """Lines describing the machine and the libraries of this run."""
    import gradtape
    lines = [
        f"- CPU: {_cpu_name()}, {os.cpu_count()} logical cores",
        f"- Python {platform.python_version()}, NumPy {np.__version__}, gradtape {gradtape.__version__}"
        + (f", PyTorch {cases.torch.__version__}" if cases.torch is not None else ""),
        f"- BLAS: {_blas_description()}",
        f"- OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}",
    ]
    return lines


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _fmt(seconds, case):
    value = seconds / case.per * (1e6 if case.unit == "µs/op" else 1e3)
    return f"{value:.2f} µs" if case.unit == "µs/op" else f"{value:.3g} ms"


def timing_row(case, medians):
    np_time = medians["numpy"]
    cells = [case.name, _fmt(np_time, case)]
    for name in ("gradtape", "gradtape.function"):
        cells += [_fmt(medians[name], case), f"{medians[name] / np_time:.2f}×"]
    if "torch" in medians:
        cells += [_fmt(medians["torch"], case), f"{medians['torch'] / medians['numpy']:.2f}×"]
    return "| " + " | ".join(cells) + " |"


def memory_row(case, results):
    mb = 1e6
    act = case.activations
    gt = results["gradtape"]
    return (f"| {case.name} | {act / mb:.1f} MB | {gt['peak'] / mb:.1f} MB "
            f"| {gt['peak'] / act:.3f}× | {gt['held'] / mb:.2f} MB | {gt['after_del'] / mb:.2f} MB "
            f"| {results['numpy']['peak'] / mb:.1f} MB |")


def main(argv=None):
    args = _parse(argv)
    if args.no_torch:
        cases.torch = None
    if cases.torch is not None:
        cases.torch.set_num_threads(1)
    repeats = args.repeats or (5 if args.quick else 41)
    sample_seconds, budget = (0.005, 3.0) if args.quick else (0.05, 40.0)

    print("Machine:")
    print("\n".join(machine_description()))
    print()
    with_torch = cases.torch is not None
    header = ("| case | NumPy | gradtape (eager) | eager / NumPy | gradtape.function "
              "| function / NumPy |" + (" PyTorch | PyTorch / NumPy |" if with_torch else ""))
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    failures = []
    for case in cases.timing_cases(args.quick):
        if args.only not in case.name:
            continue
        impls = case.implementations()
        problems = check_agreement(case, {name: fn() for name, fn in impls.items()})
        failures += [f"{case.name}: {p}" for p in problems]
        medians, _ = time_interleaved(impls, repeats, sample_seconds, budget)
        print(timing_row(case, medians), flush=True)

    print()
    print("| memory case | activations | gradtape peak | peak / activations "
          "| held after gradient() | held after del tape | NumPy peak |")
    print("|---|---|---|---|---|---|---|")
    for case in cases.memory_cases(args.quick):
        if args.only not in case.name:
            continue
        results = case.run()
        if not np.allclose(results["gradtape"]["grad"], results["numpy"]["grad"], rtol=1e-4, atol=1e-6):
            failures.append(f"{case.name}: gradtape's gradient differs from NumPy's")
        print(memory_row(case, results), flush=True)

    if failures:
        print("\nGRADIENTS DISAGREE:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
