"""Command line: ``python -m pymeta paper | fixtures regenerate | fixtures check``."""
from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


def _fixtures(args) -> int:
    from .reference import fixtures
    if args.action == "regenerate":
        written = fixtures.regenerate()
        print(f"{len(written)} fixture file(s) written" + (":" if written else " (all unchanged)."))
        for p in written:
            print(f"  {p.relative_to(fixtures.REPO_ROOT)}")
        return 0
    moved = fixtures.check()
    if moved:
        print(f"{len(moved)} difference(s) between the stored fixtures and R now:")
        for line in moved:
            print(f"  {line}")
        return 1
    print("fixtures check: every stored R value is reproduced exactly by the installed R.")
    return 0


def _paper(args) -> int:
    from .paper import main as paper_main
    return paper_main(r=args.r)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="pymeta", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("paper", help="reproduce the seed paper's five results, R beside pymeta")
    pp.add_argument("--r", choices=("auto", "require", "off"), default="auto",
                    help="run R live (auto: if available; off: use the stored R fixtures)")
    pp.set_defaults(func=_paper)
    pf = sub.add_parser("fixtures", help="regenerate or check the R reference fixtures")
    pf.add_argument("action", choices=("regenerate", "check"))
    pf.set_defaults(func=_fixtures)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
