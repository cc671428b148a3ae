"""Tests for the vendored IdentityBindingsClient against canned HTTP responses.

The long-running cases reproduce what the service sent (201 with only Azure-AsyncOperation for
a create, 202 with only Location then 204 for a delete) and the other header subsets that the
API specification allows.
"""

import json

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from azext_identity_binding.vendored_sdks.v2026_08_02_preview import IdentityBindingsClient
from azext_identity_binding.vendored_sdks.v2026_08_02_preview._polling import POLL_SCHEDULE

from .canned import (
    BASE_URL,
    BINDING,
    BINDING_PATH,
    CLUSTER,
    GROUP,
    IDENTITY_ID,
    LIST_PATH,
    OPERATION_RESULT_URL,
    OPERATION_STATUS_URL,
    SUBSCRIPTION,
    CannedTransport,
    FakeCredential,
    Reply,
    arm_error,
    binding,
    make_client,
    operation,
    path_of,
)

PARAMETERS = {"properties": {"managedIdentity": {"resourceId": IDENTITY_ID}}}
STATUS_PATH = path_of(OPERATION_STATUS_URL)
RESULT_PATH = path_of(OPERATION_RESULT_URL)


def create(client, **kwargs):
    return client.begin_create_or_update(GROUP, CLUSTER, BINDING, PARAMETERS, **kwargs)


def delete(client, **kwargs):
    return client.begin_delete(GROUP, CLUSTER, BINDING, **kwargs)


# get


def test_get_keeps_unknown_fields():
    body = binding(
        managedBy="/subscriptions/{}/resourceGroups/rg1/providers/Microsoft.ContainerService/fleets/fleet1"
                  "/identityBindingProfiles/ib1".format(SUBSCRIPTION),
        futureTopLevelField={"someNestedKey": 1},
    )
    body["properties"]["allowedSubjects"] = [
        {"namespaceSelector": {"matchLabels": ["kubernetes.io/metadata.name=team-a"]}}]
    client, _ = make_client([Reply(200, body)])

    result = client.get(GROUP, CLUSTER, BINDING)

    assert result == body
    assert "allowedSubjects" in result["properties"]
    assert "futureTopLevelField" in result
    assert "managedBy" in result


def test_get_url():
    client, transport = make_client([Reply(200, binding())])

    client.get(GROUP, CLUSTER, BINDING)

    assert transport.summary() == ["GET " + BINDING_PATH]
    assert transport.requests[0].url == BASE_URL + BINDING_PATH + "?api-version=2026-08-02-preview"


def test_get_sends_token():
    client, transport = make_client([Reply(200, binding())])

    client.get(GROUP, CLUSTER, BINDING)

    assert transport.requests[0].headers["Authorization"] == "Bearer fake-token"


def test_get_not_found():
    client, _ = make_client([Reply(404, arm_error("NotFound", "The identity binding ib1 was not found."))])

    with pytest.raises(ResourceNotFoundError) as raised:
        client.get(GROUP, CLUSTER, BINDING)

    assert raised.value.status_code == 404
    assert raised.value.error.code == "NotFound"


def test_get_server_error():
    # azure-core's RetryPolicy retries a 500 three times (retry_status=3 by default) before the error.
    replies = [Reply(500, arm_error("InternalServerError", "Something went wrong."))] * 4
    client, transport = make_client(replies)

    with pytest.raises(HttpResponseError) as raised:
        client.get(GROUP, CLUSTER, BINDING)

    assert raised.value.status_code == 500
    assert raised.value.error.code == "InternalServerError"
    assert len(transport.requests) == 4


# list_by_managed_cluster


def test_list_one_page():
    page = {"value": [binding(name="ib1"), binding(name="ib2")]}
    client, transport = make_client([Reply(200, page)])

    names = [item["name"] for item in client.list_by_managed_cluster(GROUP, CLUSTER)]

    assert names == ["ib1", "ib2"]
    assert transport.summary() == ["GET " + LIST_PATH]
    assert transport.requests[0].url.endswith("?api-version=2026-08-02-preview")


def test_list_two_pages():
    next_link = BASE_URL + LIST_PATH + "?api-version=2026-08-02-preview&$skipToken=abc%3D%3D"
    first = {"value": [binding(name="ib1")], "nextLink": next_link}
    second = {"value": [binding(name="ib2")]}
    client, transport = make_client([Reply(200, first), Reply(200, second)])

    names = [item["name"] for item in client.list_by_managed_cluster(GROUP, CLUSTER)]

    assert names == ["ib1", "ib2"]
    assert len(transport.requests) == 2
    assert transport.requests[1].url == next_link


def test_list_empty():
    client, transport = make_client([Reply(200, {"value": []})])

    assert list(client.list_by_managed_cluster(GROUP, CLUSTER)) == []
    assert len(transport.requests) == 1


# begin_create_or_update


def test_create_async_operation():
    # The sequence the service sent: 201 with only Azure-AsyncOperation, two InProgress polls.
    client, transport = make_client([
        Reply(201, binding("Creating"), {"Azure-AsyncOperation": OPERATION_STATUS_URL}),
        Reply(200, operation("InProgress")),
        Reply(200, operation("InProgress")),
        Reply(200, operation("Succeeded", endTime="2025-08-20T10:00:55Z")),
        Reply(200, binding()),
    ])

    result = create(client).result()

    assert result == binding()
    assert transport.summary() == ["PUT " + BINDING_PATH] + ["GET " + STATUS_PATH] * 3 + ["GET " + BINDING_PATH]
    assert transport.requests[1].url == OPERATION_STATUS_URL


def test_create_request_body():
    client, transport = make_client([Reply(200, binding())])

    create(client).result()

    request = transport.requests[0]
    assert request.method == "PUT"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == PARAMETERS
    assert request.url == BASE_URL + BINDING_PATH + "?api-version=2026-08-02-preview"


def test_create_location_only():
    client, transport = make_client([
        Reply(201, binding("Creating"), {"Location": OPERATION_RESULT_URL}),
        Reply(202),
        Reply(200, binding()),
    ])

    result = create(client).result()

    assert result == binding()
    assert transport.summary() == ["PUT " + BINDING_PATH] + ["GET " + RESULT_PATH] * 2


def test_create_location_no_content():
    client, _ = make_client([
        Reply(201, binding("Creating"), {"Location": OPERATION_RESULT_URL}),
        Reply(202),
        Reply(204),
        Reply(200, binding()),
    ])

    assert create(client).result() == binding()


def test_create_all_headers():
    headers = {"Azure-AsyncOperation": OPERATION_STATUS_URL, "Location": OPERATION_RESULT_URL, "Retry-After": "7"}
    client, transport = make_client([
        Reply(201, binding("Creating"), headers),
        Reply(200, operation("InProgress"), {"Retry-After": "7"}),
        Reply(200, operation("Succeeded")),
        Reply(200, binding()),
    ], polling_interval=None)

    result = create(client).result()

    assert result == binding()
    assert transport.summary() == ["PUT " + BINDING_PATH] + ["GET " + STATUS_PATH] * 2 + ["GET " + RESULT_PATH]
    assert transport.sleeps == [7]


def test_create_no_headers():
    # Without any LRO header the client polls the binding itself until provisioningState ends.
    client, transport = make_client([
        Reply(201, binding("Creating")),
        Reply(200, binding("Creating")),
        Reply(200, binding()),
    ])

    result = create(client).result()

    assert result == binding()
    assert transport.summary() == ["PUT " + BINDING_PATH] + ["GET " + BINDING_PATH] * 2


def test_replace_done_at_once():
    client, transport = make_client([Reply(200, binding())])

    poller = create(client)

    assert poller.result() == binding()
    assert poller.status() == "Succeeded"
    assert len(transport.requests) == 1


def test_create_operation_failed():
    failure = operation("Failed", error={"code": "FederatedIdentityCredentialLimitReached",
                                         "message": "The identity already has 20 federated credentials."})
    client, transport = make_client([
        Reply(201, binding("Creating"), {"Azure-AsyncOperation": OPERATION_STATUS_URL}),
        Reply(200, operation("InProgress")),
        Reply(200, failure),
    ])
    poller = create(client)

    with pytest.raises(HttpResponseError) as raised:
        poller.result()

    assert raised.value.response.json()["error"]["code"] == "FederatedIdentityCredentialLimitReached"
    assert poller.status() == "Failed"
    assert transport.summary()[-1] == "GET " + STATUS_PATH


def test_create_without_polling():
    client, transport = make_client([
        Reply(201, binding("Creating"), {"Azure-AsyncOperation": OPERATION_STATUS_URL}),
    ])

    poller = create(client, polling=False)

    assert poller.result() == binding("Creating")
    assert len(transport.requests) == 1


def test_create_if_match():
    client, transport = make_client([Reply(200, binding())])

    create(client, if_match='"etag-1"').result()

    assert transport.requests[0].headers["If-Match"] == '"etag-1"'


def test_create_no_if_match():
    client, transport = make_client([Reply(200, binding())])

    create(client).result()

    assert "If-Match" not in transport.requests[0].headers


def test_create_bad_request():
    error = arm_error("PropertyChangeNotAllowed", "Changing property 'managedIdentity.resourceId' is not allowed.")
    client, transport = make_client([Reply(400, error)])

    with pytest.raises(HttpResponseError) as raised:
        create(client)

    assert raised.value.status_code == 400
    assert raised.value.error.code == "PropertyChangeNotAllowed"
    assert len(transport.requests) == 1


# begin_delete


def test_delete_location():
    # The sequence the service sent: 202 with only Location, then 204 with no body.
    client, transport = make_client([
        Reply(202, binding("Deleting"), {"Location": OPERATION_RESULT_URL}),
        Reply(202),
        Reply(204),
    ])

    assert delete(client).result() is None
    assert transport.summary() == ["DELETE " + BINDING_PATH] + ["GET " + RESULT_PATH] * 2
    assert transport.requests[1].url == OPERATION_RESULT_URL


def test_delete_absent():
    client, transport = make_client([Reply(204)])

    assert delete(client).result() is None
    assert transport.summary() == ["DELETE " + BINDING_PATH]


def test_delete_async_operation():
    client, transport = make_client([
        Reply(202, None, {"Azure-AsyncOperation": OPERATION_STATUS_URL}),
        Reply(200, operation("InProgress")),
        Reply(200, operation("Succeeded")),
    ])

    poller = delete(client)

    assert poller.result() is None
    assert poller.status() == "Succeeded"
    assert transport.summary() == ["DELETE " + BINDING_PATH] + ["GET " + STATUS_PATH] * 2


# Polling delays (GrowingIntervalPolling)


def in_progress_create(polls, status_headers=None, **client_kwargs):
    """Return (client, transport) for a create that reports InProgress ``polls`` times."""
    replies = [Reply(201, binding("Creating"), {"Azure-AsyncOperation": OPERATION_STATUS_URL})]
    replies += [Reply(200, operation("InProgress"), status_headers) for _ in range(polls)]
    replies += [Reply(200, operation("Succeeded")), Reply(200, binding())]
    return make_client(replies, **client_kwargs)


def test_schedule_without_retry_after():
    polls = len(POLL_SCHEDULE) + 3
    client, transport = in_progress_create(polls, polling_interval=None)

    create(client).result()

    # azure-core sends the first poll at once and sleeps before each later one.
    assert transport.sleeps == list(POLL_SCHEDULE) + [POLL_SCHEDULE[-1]] * 3


def test_schedule_retry_after():
    client, transport = in_progress_create(3, {"Retry-After": "7"}, polling_interval=None)

    create(client).result()

    assert transport.sleeps == [7, 7, 7]


def test_schedule_fixed_interval():
    client, transport = in_progress_create(3, polling_interval=None)

    create(client, polling_interval=5).result()

    assert transport.sleeps == [5, 5, 5]


def test_schedule_client_interval():
    client, transport = in_progress_create(2, polling_interval=4)

    create(client).result()

    assert transport.sleeps == [4, 4]


def test_retry_after_beats_interval():
    client, transport = in_progress_create(2, {"Retry-After": "7"}, polling_interval=None)

    create(client, polling_interval=5).result()

    assert transport.sleeps == [7, 7]


# Headers and CLI integration


def test_cli_headers_on_every_request():
    cli_headers = {"CommandName": "aks identity-binding create", "ParameterSetName": "-g --cluster-name -n"}
    client, transport = in_progress_create(1, headers=cli_headers)

    create(client).result()

    assert len(transport.requests) == 4
    for request in transport.requests:
        assert request.headers.get("CommandName") == "aks identity-binding create", request.url
        assert request.headers.get("ParameterSetName") == "-g --cluster-name -n", request.url


def test_cli_client_factory():
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.mock import DummyCli

    cli = DummyCli()
    cli.data["command"] = "aks identity-binding show"
    cli.data["safe_params"] = ["-g", "--cluster-name", "-n"]
    transport = CannedTransport([Reply(200, binding())])
    client = get_mgmt_service_client(cli, IdentityBindingsClient, subscription_id=SUBSCRIPTION,
                                     credential=FakeCredential(), base_url=BASE_URL, transport=transport)

    client.get(GROUP, CLUSTER, BINDING)

    headers = transport.requests[0].headers
    assert headers["CommandName"] == "aks identity-binding show"
    assert headers["ParameterSetName"] == "-g --cluster-name -n"
    assert headers["User-Agent"].startswith("AZURECLI/")
    assert headers["Authorization"] == "Bearer fake-token"


def test_is_track2():
    from azure.cli.core.util import is_track2

    assert is_track2(IdentityBindingsClient)
