"""`ssm-tui policy`: the document alone on stdout; bad input exits 2 with one line per problem
on stderr and nothing on stdout."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from policy_helpers import KEY_ARN, triples
from test_policy_seed import FIXED_PUT_OBJECT, SEED_PUT_OBJECT, SEED_S3_AND_CLOUDWATCH

from ssm_tui.cli import main
from ssm_tui.policy import (
    ExportFormat,
    PolicyStyle,
    SessionManagerOptions,
    build_policy,
    render_export,
)

DONE_WHEN = [
    "policy",
    "--s3-bucket",
    "doc-example-bucket",
    "--s3-prefix",
    "s3-bucket-prefix",
    "--cloudwatch",
]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_done_when_command_prints_the_seeds_second_policy_with_the_object_arn_fix(capsys):
    code, out, err = run_cli(capsys, *DONE_WHEN)
    assert (code, err) == (0, "")
    assert triples(json.loads(out)) == (triples(SEED_S3_AND_CLOUDWATCH) - {SEED_PUT_OBJECT}) | {
        FIXED_PUT_OBJECT
    }


def test_every_flag_reaches_the_options(capsys):
    code, out, err = run_cli(
        capsys,
        "--region",
        "eu-west-3",
        "policy",
        "--kms-key",
        KEY_ARN,
        "--s3-bucket",
        "logs",
        "--s3-prefix",
        "p",
        "--s3-encryption",
        "--cross-account-bucket",
        "--cloudwatch",
        "--log-group",
        "/ssm/x",
        "--cloudwatch-encryption",
        "--style",
        "scoped",
        "--account-id",
        "111122223333",
    )
    expected = SessionManagerOptions(
        kms_key_arn=KEY_ARN,
        s3_bucket="logs",
        s3_prefix="p",
        s3_enforce_encryption=True,
        s3_cross_account=True,
        cloudwatch=True,
        log_group="/ssm/x",
        cloudwatch_enforce_encryption=True,
        style=PolicyStyle.SCOPED,
        region="eu-west-3",
        account_id="111122223333",
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == build_policy(expected)


def test_bad_input_exits_2_with_one_line_per_problem_naming_the_flag_and_nothing_on_stdout(capsys):
    code, out, err = run_cli(
        capsys,
        "policy",
        "--s3-bucket",
        "ab",
        "--kms-key",
        "alias/session",
        "--style",
        "tight",
        "--format",
        "yaml",
        "--account-id",
        "42",
    )
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 5
    for flag in ("--s3-bucket", "--kms-key", "--style", "--format", "--account-id"):
        [line] = [line for line in lines if f"error: {flag}: " in line]
        assert line.startswith("ssm-tui policy: error: ")


def test_unknown_flag_is_an_argparse_usage_error_with_exit_2(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["policy", "--bucket", "logs"])
    assert raised.value.code == 2
    assert capsys.readouterr().out == ""


def test_warnings_go_to_stderr_and_the_policy_is_still_printed(capsys):
    code, out, err = run_cli(
        capsys, "policy", "--s3-bucket", "Legacy_Bucket", "--log-group", "/ssm/x"
    )
    assert code == 0
    assert "arn:aws:s3:::Legacy_Bucket/*" in out
    assert [line.split(": ")[1:3] for line in err.splitlines()] == [
        ["warning", "--s3-bucket"],
        ["warning", "--log-group"],
    ]


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_format_prints_the_export(capsys, fmt):
    code, out, err = run_cli(capsys, "policy", "--cloudwatch", "--format", fmt.value)
    assert (code, err) == (0, "")
    assert out == render_export(fmt, SessionManagerOptions(cloudwatch=True))


def test_lint_findings_go_to_stderr_only(capsys):
    code, out, err = run_cli(capsys, "policy", "--cloudwatch", "--lint")
    assert code == 0
    assert json.loads(out) == build_policy(SessionManagerOptions(cloudwatch=True))
    assert err and all(
        line.startswith("ssm-tui policy: lint: LOW RESOURCE_STAR") for line in err.splitlines()
    )


@pytest.mark.parametrize(
    "argv", [["--region", "cn-north-1", "policy"], ["policy", "--region", "cn-north-1"]]
)
def test_global_region_before_or_after_the_subcommand_sets_the_partition(capsys, argv):
    code, out, _ = run_cli(capsys, *argv, "--s3-bucket", "logs")
    assert code == 0 and "arn:aws-cn:s3:::logs/*" in out


def test_bad_region_exits_2(capsys):
    code, out, err = run_cli(capsys, "--region", "moon-1", "policy")
    assert (code, out) == (2, "") and "error: --region: 'moon-1'" in err


@pytest.fixture
def aws_config(tmp_path, monkeypatch):
    path = tmp_path / "config"
    path.write_text(
        "[default]\nregion = us-gov-west-1\n\n[profile china]\nregion = cn-northwest-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return path


def test_region_defaults_to_the_aws_config_profile(capsys, aws_config):
    _, default_out, _ = run_cli(capsys, "policy", "--s3-bucket", "logs")
    _, profile_out, _ = run_cli(capsys, "--profile", "china", "policy", "--s3-bucket", "logs")
    assert "arn:aws-us-gov:s3:::logs/*" in default_out
    assert "arn:aws-cn:s3:::logs/*" in profile_out


def test_region_precedence_flag_then_env_then_config_then_us_east_1(
    capsys, aws_config, monkeypatch
):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-north-1")
    assert "arn:aws-cn:" in run_cli(capsys, "policy", "--s3-bucket", "logs")[1]
    assert (
        "arn:aws:" in run_cli(capsys, "--region", "eu-west-1", "policy", "--s3-bucket", "logs")[1]
    )
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    aws_config.write_text("[default]\n")
    assert "arn:aws:s3" in run_cli(capsys, "policy", "--s3-bucket", "logs")[1]


def test_python_m_ssm_tui_policy_runs_as_a_real_process():
    result = subprocess.run(
        [sys.executable, "-m", "ssm_tui", *DONE_WHEN], capture_output=True, text=True, timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout) == build_policy(
        SessionManagerOptions(
            s3_bucket="doc-example-bucket", s3_prefix="s3-bucket-prefix", cloudwatch=True
        )
    )
