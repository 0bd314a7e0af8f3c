"""The role's trust policy: EC2 may assume it (what the console's "AWS service -> EC2" sets).

In the China partition the EC2 service principal is `ec2.amazonaws.com.cn`: it is what the
IAM console in China writes, what EKS checks node roles for (aws/aws-cdk#24709), and what
Terraform's `aws_service_principal` returns there since 2026 (terraform-provider-aws#47141).
Every other partition we support uses `ec2.amazonaws.com`.
"""

from __future__ import annotations

from typing import Any

_EC2_PRINCIPAL_BY_PARTITION = {"aws-cn": "ec2.amazonaws.com.cn"}
DEFAULT_EC2_PRINCIPAL = "ec2.amazonaws.com"


def ec2_service_principal(partition: str) -> str:
    return _EC2_PRINCIPAL_BY_PARTITION.get(partition, DEFAULT_EC2_PRINCIPAL)


def ec2_trust_policy(partition: str = "aws") -> dict[str, Any]:
    """A fresh trust policy document letting EC2 in `partition` assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ec2_service_principal(partition)},
                "Action": "sts:AssumeRole",
            }
        ],
    }


# The commercial-partition document; use ec2_trust_policy(partition) for aws-cn / aws-us-gov.
EC2_TRUST_POLICY: dict[str, Any] = ec2_trust_policy("aws")
