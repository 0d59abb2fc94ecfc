"""``python -m gradtape demo [--epochs N] [--seed S] [--out PATH]``: the runnable demonstration."""
import argparse
import sys


def main(argv=None):
    """Dispatch the command line to the demo."""
    parser = argparse.ArgumentParser(prog="python -m gradtape")
    parser.add_argument("command", choices=["demo"], help="what to run")
    args, rest = parser.parse_known_args(argv)
    if args.command == "demo":
        from .keras.demo import main as demo_main
        return demo_main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
