"""Dispatch by name: `python -m bench media [--quick]` runs bench.media.main."""

from __future__ import annotations

import importlib
import sys


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m bench NAME [options]   (e.g. python -m bench media)")
    name = sys.argv[1]
    try:
        module = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError:
        sys.exit(f"no benchmark named {name!r} (bench/{name}.py)")
    module.main(sys.argv[2:])


if __name__ == "__main__":
    main()
