"""Canned HTTP responses for the vendored client, served by a fake azure-core transport.

The transport sends nothing over the network. It records each request, returns the next canned
reply in its queue, and fails the test when a request goes to another host or when the queue is
empty. Its ``sleep`` records the delay instead of sleeping, so polling and retries run
at full speed and the delays can be checked.
"""

import json
import time

from azure.core.credentials import AccessToken
from azure.core.pipeline.transport import HttpTransport
from azure.core.rest._http_response_impl import HttpResponseImpl
from azure.core.utils import case_insensitive_dict

from azext_identity_binding.vendored_sdks.v2026_08_02_preview import IdentityBindingsClient

# The .test top-level domain is reserved (RFC 2606), so these URLs reach no real host.
BASE_URL = "https://arm.test"

SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT_ID = "5b0c7a46-3e1f-4c2d-9a8b-7e6f5d4c3b2a"
OBJECT_ID = "9e8d7c6b-5a49-4837-8261-504f3e2d1c0b"
GROUP = "rg1"
CLUSTER = "cluster1"
BINDING = "ib1"

CLUSTER_PATH = ("/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters/{}"
                .format(SUBSCRIPTION, GROUP, CLUSTER))
LIST_PATH = CLUSTER_PATH + "/identityBindings"
BINDING_PATH = LIST_PATH + "/" + BINDING
IDENTITY_ID = ("/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"
               .format(SUBSCRIPTION, GROUP))
ISSUER_URL = "https://ib.oic.prod-aks.azure.com/{}/{}".format(TENANT, CLIENT_ID)

# Operation URLs of the forms the service sent, moved to the reserved host.
OPERATION_STATUS_URL = (BASE_URL + "/subscriptions/{}/providers/Microsoft.ContainerService/locations/eastus2"
                        "/operations/op1?api-version=2016-03-30&t=1&c=2&s=3&h=4".format(SUBSCRIPTION))
OPERATION_RESULT_URL = (BASE_URL + "/subscriptions/{}/providers/Microsoft.ContainerService/locations/eastus2"
                        "/operationresults/op1?api-version=2016-03-30&t=1".format(SUBSCRIPTION))


class FakeCredential:
    """Credential that hands out a fixed token and records the scopes it was requested for."""

    def __init__(self):
        self.scopes = []

    def get_token(self, *scopes, **kwargs):  # pylint: disable=unused-argument
        self.scopes.extend(scopes)
        return AccessToken("fake-token", int(time.time()) + 3600)


class CannedResponse(HttpResponseImpl):
    """An azure.core.rest response whose body is already read, as a non-streamed transport returns it."""

    def __init__(self, request, status_code, headers, content):
        super().__init__(
            request=request,
            internal_response=None,
            status_code=status_code,
            reason="",
            content_type=headers.get("Content-Type"),
            headers=headers,
            stream_download_generator=None,
        )
        self._content = content
        self._is_closed = True
        self._is_stream_consumed = True


class Reply:
    """One canned reply, not yet bound to a request: a str body is sent as HTML, anything else as JSON."""

    def __init__(self, status_code, body=None, headers=None):
        self.status_code = status_code
        self.headers = dict(headers or {})
        if body is None:
            self.content = b""
        elif isinstance(body, str):
            self.content = body.encode("utf-8")
            self.headers.setdefault("Content-Type", "text/html; charset=utf-8")
        else:
            self.content = json.dumps(body).encode("utf-8")
            self.headers.setdefault("Content-Type", "application/json; charset=utf-8")

    def bind(self, request):
        return CannedResponse(request, self.status_code, case_insensitive_dict(self.headers), self.content)


class CannedTransport(HttpTransport):
    """Transport that returns queued Reply objects and records requests and sleeps."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.requests = []
        self.sleeps = []

    def send(self, request, **kwargs):  # pylint: disable=unused-argument
        if not request.url.startswith(BASE_URL + "/"):
            raise AssertionError("Request to a host other than {}: {} {}".format(BASE_URL, request.method, request.url))
        self.requests.append(request)
        if not self.replies:
            raise AssertionError("No canned reply left for {} {}".format(request.method, request.url))
        return self.replies.pop(0).bind(request)

    def sleep(self, duration):
        self.sleeps.append(duration)

    def open(self):
        pass

    def close(self):
        pass

    def __exit__(self, *exc_details):
        pass

    def summary(self):
        """Return the requests seen as 'METHOD path' strings, without host or query."""
        return ["{} {}".format(request.method, path_of(request.url)) for request in self.requests]


def path_of(url):
    return url[len(BASE_URL):].split("?")[0]


def make_client(replies, **kwargs):
    """Return (client, transport) with the transport returning ``replies`` in order."""
    transport = CannedTransport(replies)
    kwargs.setdefault("polling_interval", 0)
    client = IdentityBindingsClient(FakeCredential(), SUBSCRIPTION, base_url=BASE_URL, transport=transport, **kwargs)
    return client, transport


def binding(state="Succeeded", name=BINDING, **extra):
    """Return a binding's JSON as the service sends it. A Creating binding has no client ID or issuer yet."""
    identity = {"resourceId": IDENTITY_ID}
    properties = {"managedIdentity": identity, "provisioningState": state}
    if state != "Creating":
        identity.update({"clientId": CLIENT_ID, "objectId": OBJECT_ID, "tenantId": TENANT})
        properties["oidcIssuer"] = {"oidcIssuerUrl": ISSUER_URL}
    body = {
        "id": LIST_PATH + "/" + name,
        "name": name,
        "type": "Microsoft.ContainerService/managedClusters/identityBindings",
        "eTag": "d3a3e81f-6774-48d9-84e1-1464013f4e13",
        "properties": properties,
    }
    body.update(extra)
    return body


def arm_error(code, message):
    return {"error": {"code": code, "message": message}}


def operation(status, **extra):
    body = {"name": "op1", "status": status, "startTime": "2025-08-20T10:00:00Z"}
    body.update(extra)
    return body
