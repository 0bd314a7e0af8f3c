"""Fault injection through botocore's own event hooks, for tests and the benchmark.

A `before-send.<service>.<Operation>` handler that returns an `AWSResponse` replaces the HTTP
exchange but keeps everything around it: botocore still parses the error code from the body,
and its retry handler still decides whether to try again. That is what we want to exercise
(throttling, 5xx, AccessDenied, propagation delays, lost responses), unlike botocore's
`Stubber`, which answers before the retry logic runs.

    faults = FaultInjector(ctx.client("ec2"))
    faults.fail("DescribeInstances", "UnauthorizedOperation", status=403)
    faults.fail("AssociateIamInstanceProfile", "RequestLimitExceeded", status=503, times=2)
    faults.read_timeout_after_success("AssociateIamInstanceProfile")
    ...
    faults.remove()
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Self
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ReadTimeoutError
from botocore.httpsession import URLLib3Session

Protocol = Literal["query", "json", "ec2", "rest-xml", "rest-json"]
RequestPredicate = Callable[[AWSPreparedRequest], bool]
Forward = Callable[[AWSPreparedRequest], AWSResponse]
Interceptor = Callable[[AWSPreparedRequest, Forward], "AWSResponse | None"]


class _RawBody:
    """The minimal `raw` object botocore reads an AWSResponse body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_: Any, **__: Any) -> bytes:
        body, self._body = self._body, b""
        return body


def make_response(
    url: str, status: int, body: bytes | str, headers: dict[str, str] | None = None
) -> AWSResponse:
    """An AWSResponse botocore will parse as if it came off the wire."""
    data = body.encode() if isinstance(body, str) else body
    all_headers = {"x-amzn-requestid": str(uuid.uuid4()), "content-length": str(len(data))}
    all_headers.update(headers or {})
    return AWSResponse(url, status, all_headers, _RawBody(data))


def aws_error_response(
    status: int,
    code: str,
    message: str,
    *,
    protocol: Protocol,
    url: str = "https://injected.invalid/",
) -> AWSResponse:
    """An error response in the wire format of `protocol`, so botocore extracts `code`.

    ec2: `<Response><Errors><Error>`; query (IAM, STS): `<ErrorResponse><Error>`; json (SSM, KMS,
    Logs): `{"__type": ...}`; rest-xml (S3): `<Error>`; rest-json: the x-amzn-errortype header.
    """
    request_id = str(uuid.uuid4())
    code_x, message_x = escape(code), escape(message)
    if protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
            f"<Code>{code_x}</Code><Message>{message_x}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        headers = {"content-type": "text/xml;charset=UTF-8"}
    elif protocol == "query":
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            "<ErrorResponse><Error>"
            f"<Type>{kind}</Type><Code>{code_x}</Code><Message>{message_x}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers = {"content-type": "text/xml"}
    elif protocol == "json":
        body = json.dumps({"__type": code, "message": message})
        kind = "Receiver" if status >= 500 else "Sender"
        # Only read by botocore for awsQueryCompatible services, where it carries the query code.
        headers = {
            "content-type": "application/x-amz-json-1.1",
            "x-amzn-query-error": f"{code};{kind}",
        }
    elif protocol == "rest-xml":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code_x}</Code><Message>{message_x}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        )
        headers = {"content-type": "application/xml"}
    elif protocol == "rest-json":
        body = json.dumps({"message": message})
        headers = {"content-type": "application/json", "x-amzn-errortype": code}
    else:  # pragma: no cover - guarded by the Literal type
        raise ValueError(f"unknown protocol {protocol!r}")
    return make_response(url, status, body, headers)


def request_params(request: AWSPreparedRequest) -> dict[str, Any]:
    """The request's parameters, decoded from a query-form or JSON body (for `when=` predicates).

    Query/EC2 bodies give `{"RoleName": "x", "Filter.1.Name": ...}` (first value of each key);
    JSON bodies give the parsed object. Anything else gives {}.
    """
    body = request.body
    if body is None:
        return {}
    if hasattr(body, "read"):
        return {}
    text = body.decode() if isinstance(body, bytes) else str(body)
    if not text:
        return {}
    if text.lstrip().startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {key: values[0] for key, values in parse_qs(text, keep_blank_values=True).items()}


@dataclass
class _Rule:
    remaining: int | None  # None: forever
    when: RequestPredicate | None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, request: AWSPreparedRequest) -> bool:
        """True if this rule fires for `request` (and consumes one of its `times`)."""
        if self.when is not None and not self.when(request):
            return False
        with self.lock:
            if self.remaining is None:
                return True
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True


class FaultInjector:
    """Inject faults into one boto3 client's calls; `remove()` restores normal behaviour.

    `operation` is the API name as in the docs (`DescribeInstances`) or "*" for every operation
    of the client's service. Rules are tried in the order they were added and the first that
    answers (or raises) wins; `delay` rules sleep and let the next rule decide. `calls` lists
    each API call made (once per call); `attempts` lists each HTTP attempt, so
    `attempts.count(op) - calls.count(op)` is the number of retries botocore made.
    """

    def __init__(self, client: Any) -> None:
        self._events = client.meta.events
        self._service_id = client.meta.service_model.service_id.hyphenize()
        self._protocol: Protocol = client.meta.service_model.protocol  # type: ignore[assignment]
        self._rules: list[tuple[str, Callable[[AWSPreparedRequest], AWSResponse | None]]] = []
        self._rules_lock = threading.Lock()
        self._http: URLLib3Session | None = None
        self._http_lock = threading.Lock()
        self.calls: list[str] = []
        self.attempts: list[str] = []
        self._hooks: list[tuple[str, Callable[..., Any]]] = [
            (f"before-call.{self._service_id}", self._record_call),
            (f"before-send.{self._service_id}", self._dispatch),
        ]
        for event, handler in self._hooks:
            self._events.register(event, handler)

    def remove(self) -> None:
        """Unregister every hook this injector added."""
        for event, handler in self._hooks:
            self._events.unregister(event, handler)
        self._hooks.clear()

    def clear(self) -> None:
        """Drop every rule but keep recording calls."""
        with self._rules_lock:
            self._rules.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.remove()

    def _record_call(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)

    def _dispatch(
        self, request: AWSPreparedRequest, event_name: str, **_: Any
    ) -> AWSResponse | None:
        operation = event_name.rsplit(".", 1)[-1]
        self.attempts.append(operation)
        with self._rules_lock:
            rules = list(self._rules)
        for rule_operation, rule in rules:
            if rule_operation in ("*", operation):
                response = rule(request)
                if response is not None:
                    return response
        return None

    def _add(
        self, operation: str, rule: Callable[[AWSPreparedRequest], AWSResponse | None]
    ) -> None:
        with self._rules_lock:
            self._rules.append((operation, rule))

    # -- forwarding -----------------------------------------------------------------------------
    def forward(self, request: AWSPreparedRequest) -> AWSResponse:
        """Send `request` to its real endpoint ourselves (the server really performs the call)."""
        with self._http_lock:
            if self._http is None:
                self._http = URLLib3Session()
        response = self._http.send(request)
        _ = response.content  # read the body now: the pooled connection is released
        return response

    # -- faults ---------------------------------------------------------------------------------
    def fail(
        self,
        operation: str,
        code: str,
        message: str = "",
        *,
        status: int = 400,
        times: int | None = None,
        when: RequestPredicate | None = None,
    ) -> None:
        """Answer `operation` with the error `code` (HTTP `status`) `times` times (None: always).

        botocore's retry logic sees it as a real error: 503 RequestLimitExceeded / Throttling are
        retried, AccessDenied is not. `when(request)` narrows it (see `request_params`).
        """
        counter = _Rule(times, when)
        text = message or f"injected {code}"

        def rule(request: AWSPreparedRequest) -> AWSResponse | None:
            if not counter.take(request):
                return None
            return aws_error_response(status, code, text, protocol=self._protocol, url=request.url)

        self._add(operation, rule)

    def delay(self, operation: str, seconds: float, *, times: int | None = None) -> None:
        """Sleep before each attempt of `operation` (then the next rule or the real send)."""
        counter = _Rule(times, None)

        def rule(request: AWSPreparedRequest) -> None:
            if counter.take(request):
                time.sleep(seconds)

        self._add(operation, rule)

    def read_timeout_after_success(self, operation: str, times: int = 1) -> None:
        """Let the server perform `operation`, then make botocore see a read timeout.

        This is the "lost response" case: the change happened, the client does not know, and
        botocore retries. Code that is not idempotent shows its bugs here.
        """
        counter = _Rule(times, None)

        def rule(request: AWSPreparedRequest) -> None:
            if not counter.take(request):
                return
            self.forward(request)
            raise ReadTimeoutError(
                endpoint_url=request.url, error="injected: response lost after success"
            )

        self._add(operation, rule)

    def intercept(self, operation: str, interceptor: Interceptor) -> None:
        """Full control: `interceptor(request, forward)` returns a response or None (send normally).

        `forward(request)` performs the real call and returns its response, which the
        interceptor may return as is, rewrite (e.g. split into NextToken pages) or drop.
        """
        self._add(operation, lambda request: interceptor(request, self.forward))
