"""The Policy tab as an operator uses it: switches, typing, inline errors, stale preview."""

from __future__ import annotations

import json

from .fixed_data import KEY_ARN, fixed_app, populate
from .helpers import static_text, tabs_mounted


async def _open_policy_tab(pilot) -> None:
    populate(pilot.app)
    await tabs_mounted(pilot)
    await pilot.press("3")
    await pilot.pause()


def _statements(app) -> list[dict]:
    return json.loads(app.policy_view.preview.text)["Statement"]


def _actions(app) -> set[str]:
    actions: set[str] = set()
    for statement in _statements(app):
        value = statement["Action"]
        actions.update([value] if isinstance(value, str) else value)
    return actions


async def test_toggling_s3_logging_adds_the_put_object_statement():
    app = fixed_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_policy_tab(pilot)
        assert "s3:PutObject" not in _actions(app)

        await pilot.click("#s3-enabled")
        await pilot.click("#s3_bucket")
        await pilot.press(*"my-session-logs")
        assert "s3:PutObject" in _actions(app)
        put = next(s for s in _statements(app) if "s3:PutObject" in s["Action"])
        assert any("arn:aws:s3:::my-session-logs/" in r for r in ([put["Resource"]] if isinstance(put["Resource"], str) else put["Resource"]))
        assert not app.policy_view.preview.stale

        await pilot.click("#s3-enabled")  # off again: the statement goes away
        assert "s3:PutObject" not in _actions(app)


async def test_invalid_bucket_shows_inline_error_and_keeps_last_valid_policy_marked_stale():
    app = fixed_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_policy_tab(pilot)
        await pilot.click("#s3-enabled")
        await pilot.click("#s3_bucket")
        await pilot.press(*"my-logs")
        valid_text = app.policy_view.preview.text
        assert "my-logs" in valid_text

        await pilot.press("exclamation_mark")  # "my-logs!" is not a bucket name
        problem = app.query_one("#s3_bucket-problem")
        assert problem.display and "my-logs!" in static_text(app, "#s3_bucket-problem")
        assert app.policy_view.preview.text == valid_text  # last valid policy still shown
        assert app.policy_view.preview.stale
        assert "STALE" in static_text(app, "#policy-preview-status")

        await pilot.press("backspace")  # fixed: error gone, preview fresh
        assert not app.query_one("#s3_bucket-problem").display
        assert "STALE" not in static_text(app, "#policy-preview-status")


async def test_kms_alias_from_the_picker_resolves_to_the_key_arn():
    app = fixed_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_policy_tab(pilot)
        await pilot.click("#kms-enabled")
        await pilot.click("#kms_key_arn")
        await pilot.press(*"alias/session-manager")
        decrypt = next(s for s in _statements(app) if "kms:Decrypt" in s["Action"])
        assert KEY_ARN in json.dumps(decrypt)
        assert "alias/" not in json.dumps(decrypt)
        assert KEY_ARN in static_text(app, "#kms-resolved")


async def test_cloudwatch_and_size_line():
    app = fixed_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_policy_tab(pilot)
        await pilot.click("#cloudwatch")
        assert "logs:PutLogEvents" in _actions(app)
        assert "/ 6,144 characters" in static_text(app, "#policy-preview-status")


async def test_profile_name_defaults_to_the_role_name():
    app = fixed_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_policy_tab(pilot)
        await pilot.click("#role_name")
        await pilot.press("end", *"-prod")
        assert app.policy_view.names.profile_name == "SessionManagerInstanceRole-prod"
        assert "SessionManagerInstanceRole-prod" in app.query_one("#instance_profile_name").placeholder
