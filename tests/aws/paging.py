"""Split a real emulator response into NextToken pages, because moto ignores MaxResults.

`paginate_responses(injector, operation, ...)` installs an interceptor: each request is
forwarded without its token, the full answer is cut into pages of `page_size`, and the page
matching the request's token is returned with the next token. botocore's paginator then has
to follow the tokens to see everything, which is exactly the loop we want to test.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlencode

from ssm_tui.aws.faults import FaultInjector, make_response


def _strip_token_from_body(request, token_keys: tuple[str, ...]) -> str | None:
    """Remove the paging token from the request body; return its value."""
    body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
    if body.lstrip().startswith("{"):
        data = json.loads(body)
        token = next((data.pop(k) for k in token_keys if k in data), None)
        new_body = json.dumps(data)
    else:
        pairs = parse_qsl(body, keep_blank_values=True)
        token = next((v for k, v in pairs if k in token_keys), None)
        new_body = urlencode([(k, v) for k, v in pairs if k not in token_keys])
    request.body = new_body.encode()
    request.headers["Content-Length"] = str(len(request.body))
    return token


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(root: ET.Element, name: str) -> ET.Element | None:
    return next((el for el in root.iter() if _local(el.tag) == name), None)


def paginate_responses(
    injector: FaultInjector,
    operation: str,
    *,
    list_key: str,
    page_size: int,
    token_in: str,
    token_out: str,
    truncated_flag: str | None = None,
    pages_served: list[int] | None = None,
) -> None:
    """Serve `operation` in pages of `page_size` items of `list_key`.

    token_in: request parameter name (NextToken, Marker, nextToken);
    token_out: response field (nextToken for EC2 XML, Marker for IAM, NextToken/nextToken for JSON);
    truncated_flag: response field saying more pages exist (IsTruncated for IAM, Truncated for KMS).
    """

    def interceptor(request, forward):
        token = _strip_token_from_body(request, (token_in,))
        start = int(token) if token else 0
        if pages_served is not None:
            pages_served.append(start)
        response = forward(request)
        if response.status_code != 200:
            return response
        end = start + page_size
        if response.content.lstrip().startswith(b"{"):
            data = json.loads(response.content)
            items = data.get(list_key, [])
            data[list_key] = items[start:end]
            more = end < len(items)
            data.pop(token_out, None)
            if more:
                data[token_out] = str(end)
            if truncated_flag:
                data[truncated_flag] = more
            body = json.dumps(data).encode()
        else:
            root = ET.fromstring(response.content)
            container = _find(root, list_key)
            assert container is not None, f"{list_key} not in response"
            children = list(container)
            for child in children:
                container.remove(child)
            for child in children[start:end]:
                container.append(child)
            more = end < len(children)
            parent = next(p for p in root.iter() if container in list(p))
            for old in [el for el in parent if _local(el.tag) in (token_out, truncated_flag)]:
                parent.remove(old)
            namespace = (
                container.tag[: container.tag.index("}") + 1]
                if container.tag.startswith("{")
                else ""
            )
            if more:
                ET.SubElement(parent, namespace + token_out).text = str(end)
            if truncated_flag:
                ET.SubElement(parent, namespace + truncated_flag).text = "true" if more else "false"
            body = ET.tostring(root)
        return make_response(
            request.url, 200, body, {"content-type": response.headers.get("content-type", "")}
        )

    injector.intercept(operation, interceptor)
