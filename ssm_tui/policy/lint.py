"""Lint a policy document: parliament's offline checks plus the S3 object-ARN check it lacks.

parliament is imported inside `lint_policy` because importing it costs a few hundred
milliseconds (it loads its whole IAM action database), and the UI calls this lazily.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Severities (parliament's scale) that mean "this policy is wrong", not "could be tighter".
ERROR_SEVERITIES = frozenset({"CRITICAL", "HIGH", "MEDIUM"})
SEVERITY_ORDER = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")

# Object-level write actions: their resource must be an object ARN ending in `*` to cover the
# many session log objects Session Manager writes under the prefix.
_OBJECT_WRITE_ACTIONS = frozenset({"s3:putobject", "s3:putobjectacl"})
OBJECT_ARN_ISSUE = "S3_OBJECT_ACTION_NOT_ON_OBJECTS"


@dataclass(frozen=True)
class LintFinding:
    """One finding; `severity` is CRITICAL, HIGH, MEDIUM, LOW or INFO."""

    severity: str
    issue: str
    detail: str
    location: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity in ERROR_SEVERITIES

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.severity} {self.issue}{where}: {self.detail}"


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    return list(value)  # type: ignore[call-overload]


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, Mapping)]


def _s3_object_arn_findings(document: Mapping[str, Any]) -> list[LintFinding]:
    """PutObject on `arn:aws:s3:::bucket` or `...:::bucket/prefix` (no `/*`) cannot store logs.

    parliament catches the bare bucket ARN but not `bucket/prefix`, which is the ARN AWS's page
    printed until 2021: it names one object called like the prefix.
    """
    findings = []
    for index, statement in enumerate(_statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        writes = [
            str(a)
            for a in _as_list(statement.get("Action"))
            if str(a).lower() in _OBJECT_WRITE_ACTIONS
        ]
        if not writes:
            continue
        where = f"Statement[{index}]" + (f" {statement['Sid']}" if statement.get("Sid") else "")
        for resource in _as_list(statement.get("Resource")):
            resource = str(resource)
            if resource == "*" or not resource.startswith("arn:") or ":s3:::" not in resource:
                continue
            path = resource.split(":s3:::", 1)[1]
            if "/" not in path:
                findings.append(
                    LintFinding(
                        "MEDIUM",
                        OBJECT_ARN_ISSUE,
                        f"{', '.join(writes)} on {resource} names the bucket, not objects; use {resource}/PREFIX/*",
                        where,
                    )
                )
            elif not path.endswith("*"):
                findings.append(
                    LintFinding(
                        "MEDIUM",
                        OBJECT_ARN_ISSUE,
                        f"{', '.join(writes)} on {resource} allows one object named {path.split('/', 1)[1]!r}; "
                        f"session logs are written under the prefix: use {resource.rstrip('/')}/*",
                        where,
                    )
                )
    return findings


def _superseded_by_ours(issue: str, detail: object) -> bool:
    """parliament's RESOURCE_MISMATCH for PutObject says less than our finding on the same ARN."""
    if issue != "RESOURCE_MISMATCH" or not isinstance(detail, list):
        return False
    actions = {str(item.get("action", "")).lower() for item in detail if isinstance(item, Mapping)}
    return bool(actions) and actions <= _OBJECT_WRITE_ACTIONS


def _detail_text(detail: object) -> str:
    if isinstance(detail, list) and all(isinstance(d, str) for d in detail):
        return ", ".join(detail)
    if isinstance(detail, (list, dict)):
        return json.dumps(detail)
    return str(detail)


def _parliament_findings(text: str, ours: list[LintFinding]) -> list[LintFinding]:
    try:
        import parliament
    except ImportError:
        return [
            LintFinding(
                "INFO",
                "LINT_UNAVAILABLE",
                "parliament is not installed, only ssm-tui's own checks ran: pip install 'ssm-tui[lint]'",
            )
        ]
    try:
        policy = parliament.analyze_policy_string(text)
        raw = [parliament.enhance_finding(f) for f in policy.findings]
    except Exception as error:  # noqa: BLE001 - parliament raises bare Exceptions on odd input
        return [LintFinding("CRITICAL", "EXCEPTION", f"parliament failed: {error}")]
    findings = []
    for finding in raw:
        if ours and _superseded_by_ours(finding.issue, finding.detail):
            continue
        location = finding.location or {}
        line = location.get("line") if isinstance(location, Mapping) else None
        findings.append(
            LintFinding(
                str(finding.severity),
                str(finding.issue),
                _detail_text(finding.detail),
                f"line {line}" if line else "",
            )
        )
    return findings


def lint_policy(document: Mapping[str, Any]) -> tuple[LintFinding, ...]:
    """Findings, most severe first. Locations are lines of `policy_json(document)` where known."""
    from ssm_tui.policy.builder import policy_json

    ours = _s3_object_arn_findings(document)
    findings = ours + _parliament_findings(policy_json(document), ours)
    rank = {severity: i for i, severity in enumerate(SEVERITY_ORDER)}
    return tuple(sorted(findings, key=lambda f: rank.get(f.severity, len(rank))))


def lint_errors(findings: tuple[LintFinding, ...]) -> tuple[LintFinding, ...]:
    return tuple(f for f in findings if f.is_error)
