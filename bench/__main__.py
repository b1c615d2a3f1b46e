"""Run a benchmark: python -m bench signaling --n 10 100 800 --nodes 1 2"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {"signaling": "bench.signaling"}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHMARKS:
        print(f"usage: python -m bench {{{','.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHMARKS[sys.argv[1]])
    result: int = module.main(sys.argv[2:])
    return result


if __name__ == "__main__":
    sys.exit(main())
