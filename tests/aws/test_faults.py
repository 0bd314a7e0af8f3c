"""Fault injection goes through botocore's real parsing and retry logic."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from ssm_tui.aws.faults import FaultInjector, request_params

from .helpers import TRUST_EC2


@pytest.mark.parametrize(
    ("service", "method", "operation", "code"),
    [
        ("ec2", "describe_instances", "DescribeInstances", "UnauthorizedOperation"),  # ec2 protocol
        ("iam", "list_roles", "ListRoles", "AccessDenied"),  # query
        ("sts", "get_caller_identity", "GetCallerIdentity", "ExpiredToken"),  # query
        ("ssm", "describe_parameters", "DescribeParameters", "AccessDeniedException"),  # json
        ("logs", "describe_log_groups", "DescribeLogGroups", "AccessDeniedException"),  # json
        ("s3", "list_buckets", "ListBuckets", "AccessDenied"),  # rest-xml
    ],
)
def test_injected_error_code_is_parsed_for_each_protocol(ctx, service, method, operation, code):
    client = ctx.client(service)
    with FaultInjector(client) as faults:
        faults.fail(operation, code, "denied by test", status=403)
        with pytest.raises(ClientError) as raised:
            getattr(client, method)()
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["Error"]["Message"] == "denied by test"
    getattr(client, method)()  # removed: the real call works again


def test_throttling_is_retried_by_botocore_until_it_clears(ctx):
    iam = ctx.client("iam")
    faults = FaultInjector(iam)
    faults.fail("ListRoles", "Throttling", "Rate exceeded", status=400, times=1)
    iam.list_roles()
    assert faults.calls == ["ListRoles"]
    assert faults.attempts == ["ListRoles"] * 2


def test_access_denied_is_not_retried(ctx):
    iam = ctx.client("iam")
    faults = FaultInjector(iam)
    faults.fail("ListRoles", "AccessDenied", status=403)
    with pytest.raises(ClientError):
        iam.list_roles()
    assert faults.attempts == ["ListRoles"]


def test_when_predicate_narrows_the_fault_to_matching_requests(ctx):
    iam = ctx.client("iam")
    faults = FaultInjector(iam)
    faults.fail(
        "CreateRole",
        "AccessDenied",
        status=403,
        when=lambda r: request_params(r).get("RoleName") == "blocked",
    )
    iam.create_role(RoleName="allowed", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    with pytest.raises(ClientError):
        iam.create_role(RoleName="blocked", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["allowed"]


def test_read_timeout_after_success_performs_the_call_then_botocore_retries(ctx):
    iam = ctx.client("iam")
    faults = FaultInjector(iam)
    faults.read_timeout_after_success("CreateRole")
    with pytest.raises(ClientError) as raised:  # the retry finds the role the lost attempt created
        iam.create_role(RoleName="lost-response", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    assert raised.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert faults.attempts == ["CreateRole", "CreateRole"]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["lost-response"]


def test_intercept_can_rewrite_the_real_response(ctx):
    ec2 = ctx.client("ec2")
    faults = FaultInjector(ec2)
    seen = []

    def spy(request, forward):
        response = forward(request)
        seen.append(response.status_code)
        return response

    faults.intercept("DescribeVpcs", spy)
    assert ec2.describe_vpcs()["Vpcs"]  # moto's default VPC
    assert seen == [200]


def test_remove_unregisters_everything(ctx):
    iam = ctx.client("iam")
    faults = FaultInjector(iam)
    faults.fail("*", "AccessDenied", status=403)
    faults.remove()
    iam.list_roles()
    assert faults.calls == []
