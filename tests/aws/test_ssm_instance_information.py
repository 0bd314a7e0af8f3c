"""The emulator's DescribeInstanceInformation, derived from its EC2 and IAM state."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from ssm_tui.aws.demo import ssm_instance_information

from .helpers import launch, make_profile


def _managed(ctx, **kwargs):
    pages = ctx.client("ssm").get_paginator("describe_instance_information").paginate(**kwargs)
    return {i["InstanceId"]: i for page in pages for i in page["InstanceInformationList"]}


@pytest.fixture
def profiles(ctx):
    make_profile(ctx, "ready", ssm_ready=True)
    make_profile(ctx, "unrelated", ssm_ready=False)


def test_only_running_instances_with_an_ssm_ready_profile_are_online(ctx, profiles):
    online = launch(ctx, "ok", profile="ready")[0]
    unrelated = launch(ctx, "u", profile="unrelated")[0]
    bare = launch(ctx, "b")[0]
    stopped = launch(ctx, "s", profile="ready")[0]
    ctx.client("ec2").stop_instances(InstanceIds=[stopped])
    managed = _managed(ctx)
    assert set(managed) == {online}
    entry = managed[online]
    assert entry["PingStatus"] == "Online"
    assert entry["ResourceType"] == "EC2Instance"
    assert entry["PlatformType"] == "Linux"
    assert entry["AgentVersion"]
    assert {unrelated, bare, stopped}.isdisjoint(managed)


def test_granting_the_missing_actions_brings_an_instance_online(ctx, profiles):
    instance = launch(ctx, "u", profile="unrelated")[0]
    assert instance not in _managed(ctx)
    ctx.client("iam").put_role_policy(
        RoleName="unrelated",
        PolicyName="core",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["ssm:UpdateInstanceInformation", "ssmmessages:*"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    assert instance in _managed(ctx)


def test_replacing_the_profile_changes_the_status(ctx, profiles):
    ec2 = ctx.client("ec2")
    instance = launch(ctx, "x", profile="unrelated")[0]
    association = ec2.describe_iam_instance_profile_associations()[
        "IamInstanceProfileAssociations"
    ][0]
    ec2.replace_iam_instance_profile_association(
        AssociationId=association["AssociationId"], IamInstanceProfile={"Name": "ready"}
    )
    assert instance in _managed(ctx)
    ec2.disassociate_iam_instance_profile(AssociationId=association["AssociationId"])
    assert instance not in _managed(ctx)


def test_filters_by_instance_ids_in_both_request_styles(ctx, profiles):
    ids = launch(ctx, "x", profile="ready", count=4)
    assert set(_managed(ctx, Filters=[{"Key": "InstanceIds", "Values": ids[:2]}])) == set(ids[:2])
    assert set(
        _managed(ctx, InstanceInformationFilterList=[{"key": "InstanceIds", "valueSet": ids[2:3]}])
    ) == {ids[2]}
    assert (
        set(_managed(ctx, Filters=[{"Key": "PingStatus", "Values": ["ConnectionLost"]}])) == set()
    )


def test_pages_with_max_results_and_next_token(ctx, profiles):
    ids = launch(ctx, "x", profile="ready", count=7)
    ssm = ctx.client("ssm")
    first = ssm.describe_instance_information(MaxResults=5)
    assert len(first["InstanceInformationList"]) == 5 and first["NextToken"]
    second = ssm.describe_instance_information(MaxResults=5, NextToken=first["NextToken"])
    assert len(second["InstanceInformationList"]) == 2 and "NextToken" not in second
    seen = [
        i["InstanceId"]
        for i in first["InstanceInformationList"] + second["InstanceInformationList"]
    ]
    assert sorted(seen) == sorted(ids)


def test_rejects_bad_requests(ctx):
    ssm = ctx.client("ssm")
    with pytest.raises(ClientError, match="InvalidFilterKey"):
        ssm.describe_instance_information(Filters=[{"Key": "tag:Team", "Values": ["x"]}])
    with pytest.raises(ClientError, match="ValidationException"):
        ssm.describe_instance_information(MaxResults=51)


def test_agent_registration_delay_keeps_new_attachments_absent(ctx, profiles):
    ssm_instance_information.set_agent_delay(3600)
    instance = launch(ctx, "new", profile="ready")[0]
    assert instance not in _managed(ctx)
    ssm_instance_information.mark_all_registered()  # as if the hour had passed
    assert instance in _managed(ctx)


def test_agent_delay_comes_from_the_environment_by_default(monkeypatch):
    ssm_instance_information.set_agent_delay(None)
    monkeypatch.setenv(ssm_instance_information.AGENT_DELAY_ENV, "2.5")
    assert ssm_instance_information.agent_delay() == 2.5
    monkeypatch.setenv(ssm_instance_information.AGENT_DELAY_ENV, "soon")
    assert ssm_instance_information.agent_delay() == 0.0
