"""A denied listing says "not permitted"; every other listing keeps working."""

from __future__ import annotations

import pytest

from ssm_tui.aws import inventory
from ssm_tui.aws.faults import FaultInjector

from .helpers import launch, make_profile


@pytest.fixture
def small(ctx):
    make_profile(ctx, "ssm-ready", ssm_ready=True)
    ids = launch(ctx, "web-01", profile="ssm-ready")
    ctx.client("logs").create_log_group(logGroupName="/aws/ssm/sessions")
    return ids[0]


def test_denied_instance_listing_leaves_the_others_working(ctx, small):
    FaultInjector(ctx.client("ec2")).fail("DescribeInstances", "UnauthorizedOperation", status=403)
    listing = inventory.list_instances(ctx)
    assert listing.error == "not permitted: ec2:DescribeInstances"
    assert listing.items == ()
    assert [r.name for r in inventory.list_roles(ctx).items] == ["ssm-ready"]
    assert [g.name for g in inventory.list_log_groups(ctx).items] == ["/aws/ssm/sessions"]


@pytest.mark.parametrize(
    ("service", "operation", "code", "lister", "expected"),
    [
        ("iam", "GetAccountAuthorizationDetails", "AccessDenied", "list_instance_profiles", None),
        (
            "iam",
            "ListInstanceProfiles",
            "AccessDenied",
            "list_instance_profiles",
            "not permitted: iam:ListInstanceProfiles",
        ),
        (
            "kms",
            "ListKeys",
            "AccessDeniedException",
            "list_kms_keys",
            "not permitted: kms:ListKeys",
        ),
        ("s3", "ListBuckets", "AccessDenied", "list_buckets", "not permitted: s3:ListBuckets"),
        (
            "logs",
            "DescribeLogGroups",
            "AccessDeniedException",
            "list_log_groups",
            "not permitted: logs:DescribeLogGroups",
        ),
    ],
)
def test_each_picker_listing_reports_its_own_denial(
    ctx, small, service, operation, code, lister, expected
):
    FaultInjector(ctx.client(service)).fail(operation, code, status=403)
    assert getattr(inventory, lister)(ctx).error == expected
    assert inventory.list_instances(ctx).ok


def test_denied_ssm_status_shows_unknown_but_lists_instances(ctx, small):
    FaultInjector(inventory.ssm_status_client(ctx)).fail(
        "DescribeInstanceInformation", "AccessDeniedException"
    )
    (instance,) = inventory.list_instances(ctx).items
    assert instance.ssm.ping_status == "unknown"
    assert instance.profile_name == "ssm-ready"


def test_unavailable_ssm_status_does_not_stall_the_listing(ctx, small):
    """Stock moto answers HTTP 500: one retry at most, then "unknown" (not ten adaptive back-offs)."""
    faults = FaultInjector(inventory.ssm_status_client(ctx))
    faults.fail("DescribeInstanceInformation", "InternalFailure", status=500)
    (instance,) = inventory.list_instances(ctx).items
    assert instance.ssm.ping_status == "unknown"
    assert faults.attempts.count("DescribeInstanceInformation") <= 2


def test_denied_associations_fall_back_to_the_profile_named_by_describe_instances(ctx, small):
    FaultInjector(ctx.client("ec2")).fail(
        "DescribeIamInstanceProfileAssociations", "UnauthorizedOperation", status=403
    )
    (instance,) = inventory.list_instances(ctx).items
    assert instance.profile_name == "ssm-ready"
    assert instance.association.state == "unknown"
    assert instance.ssm.ping_status == "Online"


def test_stock_moto_html_500_for_ssm_status_is_unknown_not_a_setup_error(ctx, small):
    """moto 5.2.5 without our extension answers DescribeInstanceInformation with an HTML 500."""
    from ssm_tui.aws.faults import make_response

    html = b"<!doctype html><title>500 Internal Server Error</title>"
    faults = FaultInjector(inventory.ssm_status_client(ctx))
    faults.intercept(
        "DescribeInstanceInformation",
        lambda request, forward: make_response(
            request.url, 500, html, {"content-type": "text/html"}
        ),
    )
    (instance,) = inventory.list_instances(ctx).items
    assert instance.ssm.ping_status == "unknown"
    assert faults.attempts.count("DescribeInstanceInformation") <= 2
