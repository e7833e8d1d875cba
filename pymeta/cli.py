"""Command line: ``python -m pymeta paper | parity | fixtures regenerate | fixtures check``."""
from __future__ import annotations

import argparse
import os
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


def _parity(args) -> int:
    from .testing import campaign
    funs = args.functions.split(",") if args.functions else campaign.FUNCTIONS
    rep = campaign.run_campaign(args.n, args.seed, funs, jobs=args.jobs,
                                progress=not args.quiet)
    paths = campaign.write_report(rep, args.out)
    for line in campaign.summary_lines(rep):
        print(line)
    print(f"report: {paths[0]} (and {', '.join(p for p in paths[1:])})")
    if not rep.ok:
        print("PARITY FAILURE: fields outside the contract or errors that differ; see the report.")
        return 1
    print("every field of every case within the parity contract")
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
    pr = sub.add_parser("parity", help="randomised parity campaign against R meta")
    pr.add_argument("--n", type=int, default=1000, help="random cases in all (split evenly)")
    pr.add_argument("--seed", type=int, default=1)
    pr.add_argument("--functions", default="", help="comma-separated (default: all)")
    pr.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel R workers")
    pr.add_argument("--out", default="reports/parity", help="report directory")
    pr.add_argument("--quiet", action="store_true", help="no progress bar")
    pr.set_defaults(func=_parity)
    pf = sub.add_parser("fixtures", help="regenerate or check the R reference fixtures")
    pf.add_argument("action", choices=("regenerate", "check"))
    pf.set_defaults(func=_fixtures)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
