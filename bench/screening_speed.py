"""Speed of the screening engine against a naive one-regex-per-term matcher, same run.

What it measures: postings per second for `screen()` over the real Chinese job descriptions
(de-duplicated, one description per line, no duplicate index), and for a naive baseline that
runs one `re.search` per lexicon term and pattern (the same terms and patterns the rule files
hold, compiled once each) over the same raw texts. The engine does strictly more work than the
baseline (normalisation, clause scopes, numeric checks, structural checks), so the ratio says
what one alternation per rule set buys.

Run: ``.venv/bin/python bench/screening_speed.py [--repeat N]``. Data: $JOBFAIR_MODERATION_DATA,
else ``shared/moderation`` beside the repository. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.moderation.screening import PostingText, screen  # noqa: E402
from app.moderation.screening.rules import all_rule_sets, lexicon  # noqa: E402


def texts() -> list[str]:
    env = os.environ.get("JOBFAIR_MODERATION_DATA")
    roots = [Path(env)] if env else []
    roots += [
        ROOT.parent / "shared" / "moderation",
        Path(__file__).resolve().parents[2] / "shared" / "moderation",
    ]
    for root in roots:
        folder = root / "real" / "zh_51job_zhilian_carrychang"
        if folder.exists():
            seen: dict[str, None] = {}
            for file in sorted(folder.glob("*.txt")):
                if not file.name.startswith("LICENSE"):
                    for line in file.read_text("utf-8", errors="replace").split("\n"):
                        if line.strip():
                            seen.setdefault(line.strip(), None)
            return list(seen)
    raise SystemExit("screening_speed: no real Chinese postings (set JOBFAIR_MODERATION_DATA)")


def best_rate(run: Callable[[], object], count: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    args = parser.parse_args()
    lines = texts()
    postings = [PostingText(title="", description=line, lang="zh") for line in lines]
    all_rule_sets()  # compile once, outside the timing
    screen(postings[0])
    patterns = [re.compile(term, re.MULTILINE) for term in lexicon()]

    def engine() -> int:
        return sum(len(screen(p)) for p in postings)

    def naive() -> int:
        return sum(1 for text in lines for pattern in patterns if pattern.search(text))

    engine_rate = best_rate(engine, len(postings), args.repeat)
    naive_rate = best_rate(naive, len(lines), args.repeat)
    print(
        f"{len(lines)} postings, {len(patterns)} lexicon terms and patterns, best of {args.repeat}"
    )
    print(f"engine: {engine_rate:,.0f} postings/s")
    print(f"naive (one re.search per term): {naive_rate:,.0f} postings/s")
    print(f"screening_speed postings_per_s={engine_rate:.0f} ratio={engine_rate / naive_rate:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
