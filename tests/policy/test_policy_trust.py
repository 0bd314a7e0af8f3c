"""The role's trust policy lets EC2 in the partition assume the role, as the console sets it."""

from __future__ import annotations

import pytest

from ssm_tui.policy import EC2_TRUST_POLICY, ec2_trust_policy


@pytest.mark.parametrize(
    ("partition", "principal"),
    [("aws", "ec2.amazonaws.com"), ("aws-us-gov", "ec2.amazonaws.com"), ("aws-cn", "ec2.amazonaws.com.cn")],
)
def test_ec2_may_assume_the_role(partition, principal):
    assert ec2_trust_policy(partition) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}],
    }


def test_the_constant_is_the_commercial_partitions_and_calls_return_fresh_copies():
    assert EC2_TRUST_POLICY == ec2_trust_policy("aws")
    ec2_trust_policy("aws")["Statement"].clear()
    assert ec2_trust_policy("aws")["Statement"]
