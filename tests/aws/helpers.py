"""Helpers for building small, precise emulator states in AWS-layer tests."""

from __future__ import annotations

import json

from ssm_tui.aws.session import AwsContext

TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
SSM_CORE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["ssm:UpdateInstanceInformation", "ssmmessages:*"],
            "Resource": "*",
        }
    ],
}


def make_profile(ctx: AwsContext, name: str, *, ssm_ready: bool) -> str:
    """Role + instance profile of the same name; returns the profile ARN."""
    iam = ctx.client("iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    if ssm_ready:
        iam.put_role_policy(RoleName=name, PolicyName="core", PolicyDocument=json.dumps(SSM_CORE))
    profile = iam.create_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    return profile["Arn"]


def launch(
    ctx: AwsContext,
    name: str | None = None,
    *,
    profile: str | None = None,
    count: int = 1,
    **kwargs,
) -> list[str]:
    """Run instances (one reservation); tag Name; associate `profile` with each."""
    ec2 = ctx.client("ec2")
    tags = [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}] if name else []
    reply = ec2.run_instances(
        ImageId="ami-12345678", MinCount=count, MaxCount=count, TagSpecifications=tags, **kwargs
    )
    ids = [i["InstanceId"] for i in reply["Instances"]]
    if profile:
        for instance_id in ids:
            ec2.associate_iam_instance_profile(
                InstanceId=instance_id, IamInstanceProfile={"Name": profile}
            )
    return ids
