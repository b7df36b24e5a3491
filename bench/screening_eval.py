"""Precision and recall of the screening engine on the moderation corpus.

Prints, per category, precision and recall on dev.jsonl (a category counts when the engine
raises it at `review` or `block` anywhere in the posting; near-duplicates are found across
the file in order), the false-positive rate on its clean postings, the flag rate on the real
Chinese postings (de-duplicated, one description per line) and recall on EMSCAD fraudulent
postings against the flag rate on legitimate US postings.

Run: ``.venv/bin/python bench/screening_eval.py [--verbose]``. Data: $JOBFAIR_MODERATION_DATA,
else ``shared/moderation`` beside the repository. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.moderation.screen_cli import posting_from_record  # noqa: E402
from app.moderation.screening import DuplicateIndex, Finding, PostingText, posting_text, screen  # noqa: E402

LABELS = (
    "gender", "age", "marital", "ethnicity", "origin", "health", "appearance", "school", "fee",
    "identity", "pyramid", "task_scam", "unrealistic_pay", "off_platform", "inconsistent",
    "duplicate", "uscc",
)  # fmt: skip
# Structural categories that need fields plain descriptions do not have.
FIELD_ONLY = {"missing_field", "profile", "uscc", "inconsistent", "duplicate"}


def data_dir() -> Path:
    env = os.environ.get("JOBFAIR_MODERATION_DATA")
    candidates = [Path(env)] if env else []
    candidates += [
        ROOT.parent / "shared" / "moderation",
        Path(__file__).resolve().parents[2] / "shared" / "moderation",
    ]
    for path in candidates:
        if (path / "dev.jsonl").exists():
            return path
    raise SystemExit("screening_eval: no moderation data (set JOBFAIR_MODERATION_DATA)")


def flagged(findings: list[Finding]) -> set[str]:
    return {f.category for f in findings if f.severity in ("block", "review")}


def evaluate_dev(path: Path, verbose: bool) -> tuple[float, float, float]:
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    index = DuplicateIndex()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    clean = clean_fp = 0
    for record in records:
        posting = posting_from_record(record)
        org = record.get("org") or None
        findings = screen(posting, duplicates=index, posting_id=record["id"], org_key=org)
        index.add(record["id"], org, posting_text(posting))
        got = flagged(findings)
        want = set(record["labels"])
        for c in LABELS:
            tp[c] += c in got and c in want
            fp[c] += c in got and c not in want
            fn[c] += c in want and c not in got
        if not want:
            clean += 1
            clean_fp += bool(got)
        if verbose and got != want:
            print(f"  {record['id']}: missing {sorted(want - got)} extra {sorted(got - want)}")
            for f in findings:
                if f.category in got - want:
                    print(f"      {f.severity} {f.category}/{f.rule} {f.field}: {f.text!r}")
    print(f"dev.jsonl: {len(records)} postings, {clean} clean")
    print(f"{'category':<16} {'prec':>6} {'recall':>6}  tp fp fn")
    precisions, recalls = [], []
    for c in LABELS:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        precisions.append(p)
        recalls.append(r)
        print(f"{c:<16} {p:6.3f} {r:6.3f}  {tp[c]:2d} {fp[c]:2d} {fn[c]:2d}")
    macro_p = sum(precisions) / len(precisions)
    macro_r = sum(recalls) / len(recalls)
    fp_rate = clean_fp / clean if clean else 0.0
    print(f"macro precision {macro_p:.3f}, macro recall {macro_r:.3f}, clean FP rate {fp_rate:.3f}")
    return macro_p, macro_r, fp_rate


def unique_lines(folder: Path) -> list[str]:
    seen: dict[str, None] = {}
    for file in sorted(folder.glob("*.txt")):
        if file.name.startswith("LICENSE"):
            continue
        for line in file.read_text("utf-8", errors="replace").split("\n"):
            if line.strip():
                seen.setdefault(line.strip(), None)
    return list(seen)


def flag_rates(postings: list[PostingText], label: str, verbose: bool) -> float:
    per_category: Counter[str] = Counter()
    any_flag = 0
    for posting in postings:
        got = flagged(screen(posting)) - FIELD_ONLY
        any_flag += bool(got)
        per_category.update(got)
    n = len(postings) or 1
    rates = ", ".join(f"{c} {per_category[c] / n:.3f}" for c in sorted(per_category))
    print(f"{label}: {len(postings)} postings, flag rate {any_flag / n:.3f} ({rates})")
    if verbose:
        for posting in postings:
            for f in screen(posting):
                if f.severity != "info" and f.category not in FIELD_ONLY:
                    print(f"      {f.category}/{f.rule}: {f.text!r}")
    return any_flag / n


def real_chinese(folder: Path, verbose: bool) -> None:
    lines = unique_lines(folder)
    postings = [PostingText(title="", description=line, lang="zh") for line in lines]
    flag_rates(postings, "real zh (51job/zhilian)", verbose)


def csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def emscad(folder: Path) -> None:
    fake = [
        PostingText(
            title=row.get("title", ""),
            description=row.get("description", ""),
            requirements=row.get("requirements", ""),
            benefits=row.get("benefits", ""),
            org_profile=row.get("company_profile", "").strip(),
            lang="en",
        )
        for row in csv_rows(folder / "fake_jobs.csv")
    ]
    real = [
        PostingText(title=row.get("title", ""), description=row.get("description", ""), lang="en")
        for row in csv_rows(folder / "hypatia500_realjobs.csv")
    ]
    recall = flag_rates(fake, "EMSCAD fake (recall)", False)
    base = flag_rates(real, "hypatia real (flag rate)", False)
    empty = sum(1 for p in fake if not p.org_profile) / (len(fake) or 1)
    print(
        f"EMSCAD: word-rule recall {recall:.3f} vs {base:.3f} on real ads; empty profile (info) on {empty:.3f} of fakes"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    data = data_dir()
    macro_p, macro_r, fp_rate = evaluate_dev(data / "dev.jsonl", args.verbose)
    zh = data / "real" / "zh_51job_zhilian_carrychang"
    if zh.exists():
        real_chinese(zh, args.verbose)
    en = data / "real" / "en_emscad_fraud_subset_mit_et6"
    if en.exists():
        emscad(en)
    print(
        f"screening_eval macro_precision={macro_p:.3f} macro_recall={macro_r:.3f} clean_fp_rate={fp_rate:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
