"""Readiness (ssm_tui/policy/readiness.py) recognises what the builder produces."""

from __future__ import annotations

import pytest
from policy_helpers import KEY_ARN

from ssm_tui.policy import PolicyStyle, SessionManagerOptions, build_policy
from ssm_tui.policy.readiness import SESSION_MANAGER_CORE_ACTIONS, missing_session_manager_actions


@pytest.mark.parametrize(
    "options",
    [
        SessionManagerOptions(),
        SessionManagerOptions(kms_key_arn=KEY_ARN, cloudwatch=True, s3_bucket="logs"),
    ],
)
def test_aws_docs_policies_are_ready(options):
    assert missing_session_manager_actions([build_policy(options)]) == ()


def test_a_policy_without_the_channels_is_missing_them_in_order():
    logging_only = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ssm:UpdateInstanceInformation", "Resource": "*"}
        ],
    }
    assert missing_session_manager_actions([logging_only]) == SESSION_MANAGER_CORE_ACTIONS[1:]


def test_an_unconditional_deny_removes_a_grant():
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "ssmmessages:OpenDataChannel", "Resource": "*"}],
    }
    assert missing_session_manager_actions([build_policy(SessionManagerOptions()), deny]) == (
        "ssmmessages:OpenDataChannel",
    )


def test_scoped_policies_are_ready():
    options = SessionManagerOptions(style=PolicyStyle.SCOPED, account_id="111122223333")
    assert missing_session_manager_actions([build_policy(options)]) == ()


def test_scoped_policy_without_account_is_ready():
    assert missing_session_manager_actions([build_policy(SessionManagerOptions(style=PolicyStyle.SCOPED))]) == ()


def test_instance_arn_for_one_instance_does_not_count_as_ready():
    document = {"Statement": [
        {"Effect": "Allow", "Action": "ssm:UpdateInstanceInformation",
         "Resource": "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"},
        {"Effect": "Allow", "Action": "ssmmessages:*", "Resource": "*"},
    ]}
    assert missing_session_manager_actions([document]) == ("ssm:UpdateInstanceInformation",)
