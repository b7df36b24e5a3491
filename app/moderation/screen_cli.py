"""`jobfair screen`: screen job postings from a file or stdin, like a linter.

Input is plain text (the whole file is one posting's description) or JSON Lines in the
moderation corpus format (detected when the first non-blank line starts with "{"). Exit
status: 0 when nothing reached `review` or `block`, 1 otherwise, 2 on unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from app.moderation.screening import DuplicateIndex, Finding, PostingText, posting_text, screen

PROG = "jobfair screen"
# Plain text has no structured fields, so the checks that need them say nothing useful.
_FIELD_CATEGORIES = frozenset({"missing_field", "profile"})
_TEXT_KEYS = (
    "title", "description", "requirements", "benefits", "category", "city", "district",
    "education", "experience", "org_profile", "justification",
)  # fmt: skip
_INT_KEYS = ("salary_min", "salary_max", "headcount")


class InputError(Exception):
    """Unreadable input; the message names the line."""


@dataclass(frozen=True, slots=True)
class Item:
    """One posting to screen: its id for the report, its text, and its organization."""

    id: str
    posting: PostingText
    org_key: str | None
    plain: bool  # plain text: no structured fields at all
    has_profile: bool = True  # JSON without an org_profile key says nothing about it


def add_screen_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `screen` on the `jobfair` command's subparsers."""
    parser = subparsers.add_parser(
        "screen",
        help="screen job postings for discrimination and fraud",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    configure(parser)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", nargs="?", default="-", help="a text or JSON Lines file, or - for stdin"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per posting")
    parser.add_argument(
        "--lang", choices=("auto", "zh", "en"), default="auto", help="posting language"
    )
    parser.set_defaults(handler=screen_command)


def screen_command(args: argparse.Namespace) -> int:
    """Run `jobfair screen`; returns the exit status."""
    try:
        text = _read(args.file)
        items = list(parse(text, name=args.file, lang=args.lang))
    except InputError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    index = DuplicateIndex()
    flagged = False
    out = sys.stdout
    for item in items:
        findings = screen(item.posting, duplicates=index, posting_id=item.id, org_key=item.org_key)
        if item.plain:
            findings = [f for f in findings if f.category not in _FIELD_CATEGORIES]
        elif not item.has_profile:
            findings = [f for f in findings if f.rule != "empty-profile"]
        index.add(item.id, item.org_key, posting_text(item.posting))
        flagged = flagged or any(f.severity in ("block", "review") for f in findings)
        if args.json:
            _print_json(out, item.id, findings)
        else:
            _print_lines(out, item.id, findings)
    return 1 if flagged else 0


def _read(name: str) -> str:
    try:
        if name == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        return Path(name).read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"{name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from None


def parse(text: str, *, name: str, lang: str) -> Iterator[Item]:
    """Postings in `text`: JSON Lines when the first non-blank line starts with "{"."""
    text = text.removeprefix("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first.lstrip().startswith("{"):
        ident = "-" if name == "-" else name
        yield Item(ident, PostingText(title="", description=text, lang=lang), None, True)
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(f"line {number}: not valid JSON") from None
        if not isinstance(record, dict):
            raise InputError(f"line {number}: expected a JSON object")
        yield _item(record, number, lang)


def posting_from_record(
    record: dict[str, Any], *, number: int = 0, lang: str = "auto"
) -> PostingText:
    """A posting from one JSON-lines record in the corpus format (unknown keys ignored).

    Raises InputError naming the line when a known field has the wrong type.
    """
    values: dict[str, Any] = {}
    for key in _TEXT_KEYS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"line {number}: {key} must be a string")
        values[key] = value or ""
    for key in _INT_KEYS:
        value = record.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise InputError(f"line {number}: {key} must be an integer or null")
        values[key] = value
    org = record.get("org", record.get("org_name"))
    uscc = record.get("org_uscc")
    period = record.get("salary_period") or "month"
    for key, value in (("org", org), ("org_uscc", uscc), ("salary_period", period)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"line {number}: {key} must be a string")
    posting_lang = lang if lang != "auto" else record.get("lang") or "auto"
    return PostingText(
        **values,
        salary_period=period,
        org_name=org or "",
        org_uscc=uscc,
        lang=posting_lang if posting_lang in ("auto", "zh", "en") else "auto",
    )


def _item(record: dict[str, Any], number: int, lang: str) -> Item:
    posting = posting_from_record(record, number=number, lang=lang)
    org = posting.org_name or None
    uscc = posting.org_uscc
    ident = record.get("id")
    return Item(
        id=str(ident) if ident is not None else f"line-{number}",
        posting=posting,
        org_key=org or uscc or None,
        plain=False,
        has_profile="org_profile" in record,
    )


def _print_lines(out: TextIO, ident: str, findings: list[Finding]) -> None:
    for f in findings:
        text = f.text.replace("\n", "\\n")
        out.write(
            f"{ident}:{f.field}:{f.start}-{f.end}: {f.severity} {f.category}/{f.rule}: "
            f"{text} — {f.explanation_en}\n"
        )


def _print_json(out: TextIO, ident: str, findings: list[Finding]) -> None:
    keys = ("rule", "category", "severity", "field", "start", "end", "text")
    payload = {"id": ident, "findings": [{k: getattr(f, k) for k in keys} for f in findings]}
    out.write(json.dumps(payload, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__.splitlines()[0] if __doc__ else None
    )
    configure(parser)
    args = parser.parse_args(argv)
    try:
        return screen_command(args)
    except BrokenPipeError:  # `jobfair screen ... | head`: the reader has all it wants
        sys.stderr.close()
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
