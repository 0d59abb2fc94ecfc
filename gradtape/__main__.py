"""``python -m gradtape demo``: the runnable demonstration."""
import argparse
import runpy
import sys
from pathlib import Path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gradtape")
    parser.add_argument("command", choices=["demo"], help="what to run")
    args, _ = parser.parse_known_args(argv)
    if args.command == "demo":
        script = Path(__file__).resolve().parent.parent / "examples" / "seed_notebook.py"
        runpy.run_path(str(script), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
