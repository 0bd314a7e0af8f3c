"""Property tests over options: valid ones always give valid, lint-clean, size-bounded policies
with well-formed ARNs; arbitrary input gives typed errors, never a crash."""

from __future__ import annotations

import dataclasses
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from policy_helpers import resources

from ssm_tui.policy import (
    MAX_MANAGED_POLICY_SIZE,
    InvalidOptionsError,
    PolicyStyle,
    ResourceNames,
    SessionManagerOptions,
    build_policy,
    lint_policy,
    partition_for_region,
    policy_json,
    policy_size,
    validate_names,
    validate_options,
)

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)

REGIONS = [
    "us-east-1",
    "us-west-2",
    "eu-west-3",
    "ap-southeast-4",
    "il-central-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-gov-east-1",
]
RESERVED = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?", fullmatch=True)
bucket_names = (
    st.lists(label, min_size=1, max_size=4)
    .map(".".join)
    .filter(lambda n: 3 <= len(n) <= 63)
    .filter(lambda n: not n.startswith(RESERVED) and not n.endswith(RESERVED_SUFFIXES))
    .filter(lambda n: not re.fullmatch(r"[\d.]+", n))
)
prefixes = st.from_regex(
    r"([A-Za-z0-9!_.'()-]{1,12}/){0,3}[A-Za-z0-9!_.'()-]{0,12}", fullmatch=True
)
log_groups = st.from_regex(r"[A-Za-z0-9_./#-]{1,60}", fullmatch=True).filter(
    lambda g: not g.startswith("aws/")
)
accounts = st.none() | st.from_regex(r"[0-9]{12}", fullmatch=True)


@st.composite
def valid_options(draw) -> SessionManagerOptions:
    region = draw(st.sampled_from(REGIONS))
    partition = partition_for_region(region)
    key = draw(
        st.none()
        | st.uuids().map(
            lambda u: (
                f"arn:{partition}:kms:{region}:{draw(st.from_regex(r'[0-9]{12}', fullmatch=True))}:key/{u}"
            )
        )
    )
    bucket = draw(st.none() | bucket_names)
    cloudwatch = draw(st.booleans())
    return SessionManagerOptions(
        kms_key_arn=key,
        s3_bucket=bucket,
        s3_prefix=draw(prefixes) if bucket else "",
        s3_cross_account=draw(st.booleans()) and bool(bucket),
        s3_enforce_encryption=draw(st.booleans()) and bool(bucket),
        cloudwatch=cloudwatch,
        log_group=draw(st.none() | log_groups) if cloudwatch else None,
        cloudwatch_enforce_encryption=draw(st.booleans()) and cloudwatch,
        style=draw(st.sampled_from(list(PolicyStyle))),
        region=region,
        account_id=draw(accounts),
    )


ARN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):(?P<service>[a-z0-9]+):(?P<region>[a-z0-9*-]*):"
    r"(?P<account>\d{12}|\*)?:(?P<resource>\S+)$"
)


@PROPERTY_SETTINGS
@given(valid_options())
def test_valid_options_give_valid_json_with_well_formed_arns_under_the_size_limit(options):
    assert [p for p in validate_options(options) if p.severity == "error"] == []
    document = build_policy(options)
    assert json.loads(policy_json(document)) == document
    assert policy_size(document) <= MAX_MANAGED_POLICY_SIZE
    for resource in resources(document):
        if resource == "*":
            continue
        match = ARN.match(resource)
        assert match, resource
        assert match["partition"] == options.partition
        if match["service"] == "s3" and resource.count("/"):
            assert resource.endswith("/*") and "//" not in resource


@PROPERTY_SETTINGS
@given(valid_options())
def test_valid_options_give_policies_without_lint_errors(options):
    assert [f for f in lint_policy(build_policy(options)) if f.is_error] == []


FIELDS = {f.name for f in dataclasses.fields(SessionManagerOptions)}
anything = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=80)
    | st.lists(st.text(max_size=5), max_size=2)
)


@st.composite
def arbitrary_options(draw) -> SessionManagerOptions:
    values = {}
    for field in sorted(FIELDS):
        if draw(st.booleans()):
            values[field] = draw(anything if draw(st.booleans()) else st.text(max_size=80))
    return SessionManagerOptions(**values)


@PROPERTY_SETTINGS
@given(arbitrary_options())
def test_arbitrary_options_give_a_typed_error_or_a_policy_never_a_crash(options):
    problems = validate_options(options)
    assert all(
        p.field in FIELDS and p.message and p.severity in ("error", "warning") for p in problems
    )
    errors = [p for p in problems if p.severity == "error"]
    try:
        document = build_policy(options)
    except InvalidOptionsError as error:
        assert error.problems and all(p.severity == "error" for p in error.problems)
        assert list(error.problems) == errors
    else:
        assert errors == []
        json.loads(policy_json(document))


@PROPERTY_SETTINGS
@given(st.text(max_size=140), st.text(max_size=80), st.none() | st.text(max_size=140))
def test_names_validation_never_crashes_and_accepts_only_iam_names(policy, role, profile):
    problems = validate_names(ResourceNames(policy, role, profile))
    fields_ok = {"policy_name": policy, "role_name": role, "instance_profile_name": profile}
    for field, value in fields_ok.items():
        flagged = any(p.field == field for p in problems)
        valid = (
            value is None
            and field == "instance_profile_name"
            or (
                isinstance(value, str)
                and re.fullmatch(r"[\w+=,.@-]+", value, re.ASCII) is not None
                and len(value) <= (64 if field == "role_name" else 128)
            )
        )
        assert flagged != valid, (field, value)
