"""Extensions to moto that close gaps the app depends on (see ssm_instance_information.py)."""

from __future__ import annotations

_installed = False


def install() -> None:
    """Idempotently patch moto's responders in this process. Call before the server starts."""
    global _installed
    if _installed:
        return
    try:
        from ssm_tui.aws.demo import ssm_instance_information
    except ImportError:  # not written yet
        _installed = True
        return
    ssm_instance_information.install()
    _installed = True
