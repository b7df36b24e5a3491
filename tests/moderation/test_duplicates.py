"""Near-duplicates across organizations: MinHash signatures and the LSH index."""

from __future__ import annotations

import json

import pytest

from app.moderation.screening import DuplicateIndex, posting_text, screen
from app.moderation.screening.duplicates import NUM_HASHES, similarity
from tests.moderation.support import posting

ORIGINAL = (
    "1、负责门店收银、理货和顾客接待；\n2、维护货架整洁，及时补货；\n3、完成店长安排的盘点工作。"
    "\n要求：能适应早晚班，做事认真。福利：五险一金，员工餐，月休6天。"
)
COPIED = ORIGINAL.replace("月休6天", "月休六天").replace("做事认真", "做事认真负责")
UNRELATED = (
    "负责Java后端服务开发，参与系统架构设计，熟悉Spring Boot与MySQL，有分布式系统经验者优先。"
)


def test_signature_is_deterministic_and_json_safe() -> None:
    sig = DuplicateIndex.signature(ORIGINAL)
    assert sig == DuplicateIndex.signature(ORIGINAL)
    assert len(sig) == NUM_HASHES
    assert all(0 <= v < 2**63 for v in sig)
    assert json.loads(json.dumps(sig)) == sig


def test_formatting_does_not_hide_a_copy() -> None:
    reformatted = ORIGINAL.replace("；\n", "。 ").replace("、", ". ")
    assert (
        similarity(DuplicateIndex.signature(ORIGINAL), DuplicateIndex.signature(reformatted)) > 0.9
    )


def test_copy_from_another_organization_matches() -> None:
    index = DuplicateIndex()
    index.add("p1", "org-a", ORIGINAL)
    index.add("p2", "org-a", UNRELATED)
    hit = index.match(COPIED, "org-b")
    assert hit is not None
    assert hit[0] == "p1"
    assert hit[1] >= index.threshold


def test_same_organization_and_unrelated_text_do_not_match() -> None:
    index = DuplicateIndex()
    index.add("p1", "org-a", ORIGINAL)
    assert index.match(COPIED, "org-a") is None
    assert index.match(UNRELATED, "org-b") is None
    assert index.match("", "org-b") is None


def test_index_is_built_from_stored_signatures() -> None:
    stored = json.dumps(DuplicateIndex.signature(ORIGINAL))
    index = DuplicateIndex()
    index.add("p1", "org-a", json.loads(stored))
    assert index.match(COPIED, "org-b") == index.match(DuplicateIndex.signature(COPIED), "org-b")
    assert index.match(COPIED, "org-b") is not None


def test_wrong_signature_length_is_rejected() -> None:
    with pytest.raises(ValueError, match="signature"):
        DuplicateIndex().add("p1", "org-a", [1, 2, 3])


def test_screen_flags_the_later_posting_and_skips_itself() -> None:
    index = DuplicateIndex()
    first = posting(ORIGINAL)
    assert not [
        f
        for f in screen(first, duplicates=index, posting_id="p1", org_key="a")
        if f.category == "duplicate"
    ]
    index.add("p1", "a", posting_text(first))
    second = posting(COPIED)
    (dup,) = [
        f
        for f in screen(second, duplicates=index, posting_id="p2", org_key="b")
        if f.category == "duplicate"
    ]
    assert dup.severity == "review"
    assert "p1" in dup.explanation_en
    # re-screening the stored posting itself is not a duplicate of itself
    assert not [
        f
        for f in screen(first, duplicates=index, posting_id="p1", org_key="c")
        if f.category == "duplicate"
    ]


def test_unknown_organizations_count_as_different() -> None:
    index = DuplicateIndex()
    index.add("p1", None, ORIGINAL)
    assert index.match(COPIED, None) is not None
