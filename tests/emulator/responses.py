"""Response values and ARM-shaped errors shared by the route handlers."""

import datetime
import json
from urllib.parse import urlencode


class Response:
    """An HTTP response before it is written: status, JSON body (or None) and extra headers."""

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def encode_body(self):
        """Return the body as bytes, or an empty body when it is None."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode("utf-8")


class ArmError(Exception):
    """An error the emulator returns in ARM's shape `{"error": {"code", "message"}}`."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

    def to_response(self):
        body = {"error": {"code": self.code, "message": self.message}}
        return Response(self.status, body, self.headers)


def format_time(epoch_seconds):
    """Format a Unix time as ARM does, in UTC with a trailing Z."""
    moment = datetime.datetime.fromtimestamp(epoch_seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def paged_response(items, request, page_size):
    """Return `{"value": [...]}`, one page of `items` with a `nextLink` when more remain.

    The next link is an absolute URL back to this server that keeps the request's query (so
    the api-version too) and carries the offset in `$skiptoken`.
    """
    if not page_size:
        return Response(200, {"value": items})

    token = request.query.get("$skiptoken", "0")
    if not token.isdigit():
        raise ArmError(400, "InvalidSkipToken", f"The $skiptoken '{token}' is not valid.")
    start = int(token)
    body = {"value": items[start:start + page_size]}

    if start + page_size < len(items):
        query = dict(request.query)
        query["$skiptoken"] = str(start + page_size)
        body["nextLink"] = f"{request.base_url}{request.raw_path}?{urlencode(query)}"
    return Response(200, body)
