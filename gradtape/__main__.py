"""``python -m gradtape demo [--epochs N] [--seed S] [--out PATH]``: the runnable demonstration."""
import argparse
import sys


def main(argv=None):
    """Dispatch the command line to the demo."""
    parser = argparse.ArgumentParser(prog="python -m gradtape")
    parser.add_argument("command", choices=["demo"],
                        help="what to run (`python -m gradtape demo -h` lists its flags)")
    parser.add_argument("flags", nargs=argparse.REMAINDER, help="the command's flags")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .keras.demo import main as demo_main
        return demo_main(args.flags)
    return 0


if __name__ == "__main__":
    sys.exit(main())
