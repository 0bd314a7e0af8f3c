"""Lint: parliament's findings with severity, plus our S3 object-ARN check."""

from __future__ import annotations

import sys
from itertools import product

import pytest
from policy_helpers import KEY_ARN

from ssm_tui.policy import PolicyStyle, SessionManagerOptions, build_policy, lint_policy
from ssm_tui.policy.lint import OBJECT_ARN_ISSUE, LintFinding


def _doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize("style", list(PolicyStyle))
@pytest.mark.parametrize(
    "key, bucket, cloudwatch, cross_account",
    list(product([None, KEY_ARN], [None, "logs"], [False, True], [False, True])),
)
def test_generated_policies_have_no_error_level_findings(
    style, key, bucket, cloudwatch, cross_account
):
    options = SessionManagerOptions(
        style=style,
        kms_key_arn=key,
        s3_bucket=bucket,
        cloudwatch=cloudwatch,
        s3_cross_account=cross_account and bool(bucket),
        log_group="/ssm/sessions" if cloudwatch else None,
        s3_enforce_encryption=bool(bucket),
    )
    findings = lint_policy(build_policy(options))
    assert [f for f in findings if f.is_error] == []


def test_scoped_has_fewer_findings_than_aws_docs():
    options = SessionManagerOptions(
        kms_key_arn=KEY_ARN,
        s3_bucket="logs",
        cloudwatch=True,
        log_group="/ssm/x",
        s3_enforce_encryption=True,
    )
    star_docs = [f for f in lint_policy(build_policy(options)) if f.issue == "RESOURCE_STAR"]
    from dataclasses import replace

    star_scoped = [
        f
        for f in lint_policy(build_policy(replace(options, style=PolicyStyle.SCOPED)))
        if f.issue == "RESOURCE_STAR"
    ]
    assert len(star_docs) == 3 and star_scoped == []
    assert all(f.severity == "LOW" and f.location.startswith("line ") for f in star_docs)


def test_put_object_on_a_prefix_without_star_is_flagged_by_our_check():
    [finding] = [
        f
        for f in lint_policy(
            _doc({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/ssm"})
        )
        if f.is_error
    ]
    assert finding == LintFinding("MEDIUM", OBJECT_ARN_ISSUE, finding.detail, "Statement[0]")
    assert (
        "one object named 'ssm'" in finding.detail and "arn:aws:s3:::logs/ssm/*" in finding.detail
    )


def test_put_object_on_a_bucket_arn_is_flagged_once():
    findings = lint_policy(
        _doc(
            {
                "Sid": "Logs",
                "Effect": "Allow",
                "Action": ["s3:PutObjectAcl"],
                "Resource": ["arn:aws:s3:::logs"],
            }
        )
    )
    errors = [f for f in findings if f.is_error]
    assert [(f.issue, f.location) for f in errors] == [(OBJECT_ARN_ISSUE, "Statement[0] Logs")]
    assert "names the bucket, not objects" in errors[0].detail


def test_parliament_errors_come_through_with_severity_most_severe_first():
    findings = lint_policy(
        _doc(
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:s3:::logs/*"},
            {"Effect": "Allow", "Action": "ssmmessages:OpenDataChannel", "Resource": "*"},
        )
    )
    assert (
        findings[0].issue == "RESOURCE_MISMATCH"
        and findings[0].severity == "MEDIUM"
        and findings[0].is_error
    )
    severities = [f.severity for f in findings]
    order = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]
    assert severities == sorted(severities, key=order.index)


def test_lint_without_parliament_still_runs_our_check(monkeypatch):
    monkeypatch.setitem(
        sys.modules, "parliament", None
    )  # makes `import parliament` raise ImportError
    findings = lint_policy(
        _doc({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/ssm"})
    )
    assert {f.issue for f in findings} == {OBJECT_ARN_ISSUE, "LINT_UNAVAILABLE"}
