"""Messages the app's thread workers post; only main-thread handlers turn them into widgets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual.message import Message

from ssm_tui.aws.models import Listing


@dataclass
class Identity:
    """Who we are talking to AWS as; mirrors the AWS layer's CallerIdentity without importing boto3."""

    account_id: str
    arn: str
    partition: str = "aws"


class Connected(Message):
    """The AWS context is ready (demo backend started, identity known)."""

    def __init__(self, context: Any, identity: Identity | None, profile: str | None, region: str) -> None:
        super().__init__()
        self.context = context
        self.identity = identity
        self.profile = profile
        self.region = region


class ListingLoaded(Message):
    """One inventory listing arrived. `kind` is instances | roles | kms_keys | buckets | log_groups."""

    def __init__(self, kind: str, listing: Listing, loaded_at: datetime) -> None:
        super().__init__()
        self.kind = kind
        self.listing = listing
        self.loaded_at = loaded_at
