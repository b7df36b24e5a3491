"""`jobfair screen` through main(argv), and once as `python -m` reading stdin."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.moderation.screen_cli import add_screen_parser, main, screen_command
from app.paths import ROOT

BASE = {
    "lang": "zh",
    "org": "杭州示例物流有限公司",
    "org_uscc": "914403001922038216",
    "title": "仓库理货员",
    "category": "物流",
    "city": "杭州",
    "district": "余杭区",
    "salary_min": 5000,
    "salary_max": 6500,
    "salary_period": "month",
    "headcount": 3,
    "education": "初中",
    "experience": "经验不限",
    "requirements": "能适应倒班。",
    "benefits": "五险，包住宿。",
}
SHARED_TEXT = (
    "1、负责仓库货物的收发、理货与盘点；\n2、按系统单据拣货、复核和打包；\n3、保持库区整洁，"
    "配合主管完成每日出库任务。"
)


def jsonl(tmp_path: Path, *records: dict[str, object], name: str = "postings.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")
    return path


def test_text_file_prints_findings_like_a_linter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ad.txt"
    path.write_text("招聘仓管，限男性，35岁以下。", "utf-8")
    assert main([str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"{path}:description:5-8: block gender/sex-restriction: 限男性 — "
        "Restricts the job to one sex or excludes one. Except for work the state lists as "
        "unsuitable for women, a posting may not restrict sex."
    )
    assert lines[1].startswith(f"{path}:description:9-14: review age/age-limit: 35岁以下 — ")
    assert len(lines) == 2  # plain text has no fields: no missing-field findings


def test_clean_text_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ad.txt"
    path.write_text("Pick and pack orders. Must be at least 18. Open to all genders.", "utf-8")
    assert main([str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out == ""


def test_jsonl_json_output_shape_and_unknown_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = jsonl(
        tmp_path,
        {**BASE, "id": "a-1", "description": SHARED_TEXT, "labels": [], "extra": {"x": 1}},
        {
            **BASE,
            "id": "a-2",
            "description": "有意者加微信：wh_hr2024",
            "salary_min": 9000,
            "salary_max": 7000,
        },
    )
    assert main([str(path), "--json"]) == 1
    objects = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in objects] == ["a-1", "a-2"]
    assert objects[0]["findings"] == []
    keys = {"rule", "category", "severity", "field", "start", "end", "text"}
    assert all(set(f) == keys for o in objects for f in o["findings"])
    second = {(f["category"], f["rule"]) for f in objects[1]["findings"]}
    assert {("off_platform", "personal-messenger"), ("inconsistent", "salary-reversed")} <= second
    reversed_ = next(f for f in objects[1]["findings"] if f["rule"] == "salary-reversed")
    assert (reversed_["field"], reversed_["start"], reversed_["end"], reversed_["text"]) == (
        "salary_min",
        0,
        0,
        "",
    )


def test_jsonl_clean_exits_zero_and_missing_fields_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(jsonl(tmp_path, {**BASE, "id": "c", "description": SHARED_TEXT}))]) == 0
    bare = jsonl(
        tmp_path, {"id": "m", "title": "理货员", "description": SHARED_TEXT}, name="bare.jsonl"
    )
    assert main([str(bare)]) == 1
    out = capsys.readouterr().out
    assert "m:salary_min:0-0: block missing_field/missing-pay" in out


def test_duplicate_flags_only_the_later_posting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = jsonl(
        tmp_path,
        {**BASE, "id": "first", "description": SHARED_TEXT},
        {**BASE, "id": "same-org", "description": SHARED_TEXT},
        {
            **BASE,
            "id": "copy",
            "org": "宁波另一物流有限公司",
            "description": SHARED_TEXT.replace("主管", "组长"),
        },
    )
    assert main([str(path), "--json"]) == 1
    objects = {
        o["id"]: o["findings"] for o in map(json.loads, capsys.readouterr().out.splitlines())
    }
    dupes = {i for i, fs in objects.items() if any(f["category"] == "duplicate" for f in fs)}
    assert dupes == {"copy"}


def test_blank_lines_before_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text("\n  \n" + json.dumps({**BASE, "description": SHARED_TEXT}) + "\n\n", "utf-8")
    assert main([str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "line-3"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "1", "description": "x"}\n{"id": "2"}\n{"id": 3,\n', "line 3: not valid JSON"),
        ('{"id": "1"}\n[1, 2]\n', "line 2: expected a JSON object"),
        ('{"id": "1", "headcount": "two"}\n', "line 1: headcount must be an integer or null"),
        ('{"id": "1", "description": 5}\n', "line 1: description must be a string"),
    ],
)
def test_unreadable_jsonl_exits_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, "utf-8")
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"jobfair screen: {message}"
    assert captured.out == ""


def test_missing_file_and_binary_input_exit_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "nope.txt")]) == 2
    assert "jobfair screen:" in capsys.readouterr().err
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main([str(binary)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_module_reads_stdin() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "app.moderation.screen_cli", "-", "--json"],
        input="入职需交押金300元\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    (obj,) = [json.loads(line) for line in run.stdout.splitlines()]
    assert obj["id"] == "-"
    assert obj["findings"][0]["category"] == "fee"


def test_subcommand_wiring(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What app/cli.py does: add the parser, then call the handler it set."""
    parser = argparse.ArgumentParser(prog="jobfair")
    add_screen_parser(parser.add_subparsers(dest="command", required=True))
    path = tmp_path / "ad.txt"
    path.write_text("Waitress wanted.", "utf-8")
    args = parser.parse_args(["screen", str(path), "--lang", "en", "--json"])
    assert args.handler is screen_command
    assert screen_command(args) == 1
    assert json.loads(capsys.readouterr().out)["findings"][0]["category"] == "gender"
