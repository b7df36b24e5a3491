"""Screening rules as data: one TOML file per rule set (see docs/moderation.md)."""
