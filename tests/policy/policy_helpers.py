"""Shared test helpers: policies as sets of (effect, action, resource) triples."""

from __future__ import annotations

from typing import Any

KEY_ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, (str, dict)) else list(value)


def triples(document: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (statement["Effect"], action, resource)
        for statement in document["Statement"]
        for action in _as_list(statement["Action"])
        for resource in _as_list(statement["Resource"])
    }


def resources(document: dict[str, Any]) -> list[str]:
    return [r for s in document["Statement"] for r in _as_list(s["Resource"])]
