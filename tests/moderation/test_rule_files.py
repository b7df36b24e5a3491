"""The rule files: they load, compile, ship inside the package and cover their characters."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from app.moderation.screening.lexical import CHECKS
from app.moderation.screening.model import CATEGORIES
from app.moderation.screening.rules import RULE_PACKAGE, RuleError, _rule, all_rule_sets, lexicon
from app.moderation.screening.scope import scope_rules
from app.moderation.screening.structure import metas
from app.moderation.screening.t2sgen import lexicon_characters


def test_every_rule_set_loads_with_unique_ids() -> None:
    sets = all_rule_sets()
    ids = [r.id for rs in sets for r in rs.rules] + list(metas())
    assert len(ids) == len(set(ids))
    assert {rs.category for rs in sets} <= set(CATEGORIES)


def test_checks_and_contexts_named_by_rules_exist() -> None:
    contexts = scope_rules().contexts
    for rs in all_rule_sets():
        for rule in rs.rules:
            assert rule.check is None or rule.check in CHECKS
            assert rule.exempt is None or rule.exempt in contexts
            assert rule.requires is None or rule.requires in contexts


def test_rule_files_live_in_the_package() -> None:
    files = {p.name for p in resources.files(RULE_PACKAGE).iterdir()}
    assert {"gender.toml", "t2s.toml", "scopes.toml", "pay.toml", "structural.toml"} <= files


def test_t2s_table_covers_every_character_of_the_rules() -> None:
    table = tomllib.loads(resources.files(RULE_PACKAGE).joinpath("t2s.toml").read_text("utf-8"))
    missing = lexicon_characters() - set(table["covered"])
    assert not missing, (
        f"run `python -m app.moderation.screening.t2sgen` (new: {''.join(sorted(missing))})"
    )
    assert all(len(pair) == 2 and pair[0] != pair[1] for pair in table["pairs"])


def test_the_naive_lexicon_compiles_term_by_term() -> None:
    terms = lexicon()
    assert len(terms) > 300
    for term in terms:
        re.compile(term)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"id": "x", "pattern": ["a"]}, "unknown keys"),
        ({"id": "x", "severity": "warn", "terms": ["a"]}, "severity"),
        ({"id": "x"}, "no terms or patterns"),
        ({"id": "x", "patterns": ["a?"]}, "empty string"),
        ({"id": "x", "patterns": ["(a"]}, "missing"),
        ({"id": "x", "terms": ["a"], "explanation_zh": ""}, "explanation_zh"),
    ],
)
def test_malformed_rules_are_rejected(rule: dict[str, object], message: str) -> None:
    defaults = {
        "category": "fee",
        "severity": "block",
        "explanation_zh": "说明",
        "explanation_en": "why",
    }
    with pytest.raises(RuleError, match=message):
        _rule(rule, defaults, "test.toml")
