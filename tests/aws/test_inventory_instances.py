"""list_instances / get_ssm_statuses: every field, every page, against the emulator."""

from __future__ import annotations

import ipaddress
from datetime import datetime

import pytest

from ssm_tui.aws import inventory
from ssm_tui.aws.faults import FaultInjector
from ssm_tui.aws.inventory import NOT_MANAGED

from .helpers import launch, make_profile
from .paging import paginate_responses


@pytest.fixture
def fleet(ctx):
    """A small precise fleet: one of each case the listing must tell apart."""
    ec2 = ctx.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]
    ready_arn = make_profile(ctx, "ssm-ready", ssm_ready=True)
    make_profile(ctx, "unrelated", ssm_ready=False)
    ids = {
        "web": launch(
            ctx, "web-01", profile="ssm-ready", SubnetId=subnet_id, InstanceType="t3.small"
        )[0],
        "db": launch(ctx, "db-primary", profile="unrelated", SubnetId=subnet_id)[0],
        "stopped": launch(ctx, "worker-01", profile="ssm-ready")[0],
        "bare": launch(ctx)[0],
        "gone": launch(ctx, "terminated-01")[0],
    }
    ec2.stop_instances(InstanceIds=[ids["stopped"]])
    ec2.terminate_instances(InstanceIds=[ids["gone"]])
    return {"ids": ids, "vpc_id": vpc_id, "subnet_id": subnet_id, "ready_arn": ready_arn}


def _by_id(listing):
    assert listing.ok, listing.error
    return {i.instance_id: i for i in listing.items}


def test_every_instance_field(ctx, fleet):
    instances = _by_id(inventory.list_instances(ctx))
    web = instances[fleet["ids"]["web"]]
    assert web.name == "web-01"
    assert web.state == "running"
    assert web.instance_type == "t3.small"
    assert web.platform == "Linux/UNIX"
    assert ipaddress.ip_address(web.private_ip) in ipaddress.ip_network("10.42.1.0/24")
    assert (web.vpc_id, web.subnet_id) == (fleet["vpc_id"], fleet["subnet_id"])
    assert isinstance(web.launch_time, datetime)
    assert web.tags == {"Name": "web-01"}
    assert web.association.profile_arn == fleet["ready_arn"]
    assert web.association.association_id.startswith("iip-assoc-")
    assert web.association.state == "associated"
    assert web.profile_name == "ssm-ready"
    assert web.ssm.ping_status == "Online"
    assert web.ssm.agent_version
    assert isinstance(web.ssm.last_ping, datetime)


def test_profiles_states_and_ssm_status_are_told_apart(ctx, fleet):
    ids = fleet["ids"]
    instances = _by_id(inventory.list_instances(ctx))
    assert ids["gone"] not in instances  # terminated instances are not part of the fleet
    assert (instances[ids["db"]].profile_name, instances[ids["db"]].ssm.ping_status) == (
        "unrelated",
        NOT_MANAGED,
    )
    assert (instances[ids["stopped"]].state, instances[ids["stopped"]].ssm.ping_status) == (
        "stopped",
        NOT_MANAGED,
    )
    bare = instances[ids["bare"]]
    assert (bare.name, bare.association, bare.profile_name) == ("", None, "")


def test_instances_are_listed_across_every_page(ctx):
    for n in range(5):  # five reservations: moto pages by reservation
        launch(ctx, f"app-{n:02d}")
    served: list[int] = []
    paginate_responses(
        FaultInjector(ctx.client("ec2")),
        "DescribeInstances",
        list_key="reservationSet",
        page_size=2,
        token_in="NextToken",
        token_out="nextToken",
        pages_served=served,
    )
    listing = inventory.list_instances(ctx)
    assert served == [0, 2, 4]
    assert sorted(i.name for i in listing.items) == [f"app-{n:02d}" for n in range(5)]


def test_associations_and_ssm_status_are_read_across_every_page(ctx):
    make_profile(ctx, "ssm-ready", ssm_ready=True)
    ids = launch(ctx, "app", profile="ssm-ready", count=5)
    injector_ec2, injector_ssm = (
        FaultInjector(ctx.client("ec2")),
        FaultInjector(inventory.ssm_status_client(ctx)),
    )
    assoc_pages: list[int] = []
    ssm_pages: list[int] = []
    paginate_responses(
        injector_ec2,
        "DescribeIamInstanceProfileAssociations",
        list_key="iamInstanceProfileAssociationSet",
        page_size=2,
        token_in="NextToken",
        token_out="nextToken",
        pages_served=assoc_pages,
    )
    paginate_responses(
        injector_ssm,
        "DescribeInstanceInformation",
        list_key="InstanceInformationList",
        page_size=2,
        token_in="NextToken",
        token_out="NextToken",
        pages_served=ssm_pages,
    )
    instances = _by_id(inventory.list_instances(ctx))
    assert assoc_pages == [0, 2, 4] and ssm_pages == [0, 2, 4]
    assert {instances[i].profile_name for i in ids} == {"ssm-ready"}
    assert {instances[i].ssm.ping_status for i in ids} == {"Online"}


def test_get_ssm_statuses_answers_for_every_requested_id(ctx, monkeypatch):
    make_profile(ctx, "ssm-ready", ssm_ready=True)
    online = launch(ctx, "on", profile="ssm-ready", count=3)
    offline = launch(ctx, "off")
    monkeypatch.setattr(inventory, "SSM_IDS_PER_CALL", 2)  # exercise the 50-ids-per-call chunking
    faults = FaultInjector(inventory.ssm_status_client(ctx))
    statuses = inventory.get_ssm_statuses(ctx, online + offline)
    assert faults.calls == ["DescribeInstanceInformation"] * 2
    assert {statuses[i].ping_status for i in online} == {"Online"}
    assert statuses[offline[0]].ping_status == NOT_MANAGED
    assert set(inventory.get_ssm_statuses(ctx)) == set(online)


def test_get_ssm_statuses_says_unknown_when_the_call_is_denied(ctx):
    ids = launch(ctx, "x")
    FaultInjector(inventory.ssm_status_client(ctx)).fail(
        "DescribeInstanceInformation", "AccessDeniedException", status=400
    )
    assert inventory.get_ssm_statuses(ctx, ids)[ids[0]].ping_status == "unknown"
    assert inventory.get_ssm_statuses(ctx) == {}
