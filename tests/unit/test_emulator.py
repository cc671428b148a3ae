"""Tests of the local ARM emulator over real HTTPS, trusting the CA it generates."""

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.emulator import Emulator, FaultError, ScenarioError

SUB = "00000000-0000-0000-0000-000000000000"
GROUP = f"/subscriptions/{SUB}/resourceGroups/rg1"
CLUSTER = f"{GROUP}/providers/Microsoft.ContainerService/managedClusters/cluster1"
OTHER_CLUSTER = f"{GROUP}/providers/Microsoft.ContainerService/managedClusters/cluster2"
BINDINGS = f"{CLUSTER}/identityBindings"
IDENTITY = f"{GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identity1"
OTHER_IDENTITY = f"{GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identity2"
FULL_IDENTITY = f"{GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/full"
FEATURES = (f"/subscriptions/{SUB}/providers/Microsoft.Features/providers/"
            "Microsoft.ContainerService/features")
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Operations finish after DURATION seconds, and a client that waits WAIT seconds finds them due.
DURATION = 0.2
WAIT = DURATION + 0.1

SCENARIO = {
    "operationDurationSeconds": DURATION,
    "features": {"IdentityBindingPreview": "Registered"},
    "clusters": [
        {"resourceGroup": "rg1", "name": "cluster1"},
        {"resourceGroup": "rg1", "name": "cluster2", "oidcIssuer": False,
         "workloadIdentity": False},
    ],
    "identities": [
        {"resourceGroup": "rg1", "name": "identity1", "federatedCredentials": 2},
        {"resourceGroup": "rg1", "name": "identity2"},
        {"resourceGroup": "rg1", "name": "full", "federatedCredentials": 20},
    ],
}


class Reply:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw

    @property
    def body(self):
        return json.loads(self.raw) if self.raw else None

    @property
    def error_code(self):
        return self.body["error"]["code"]


def call(emulator, method, path, body=None, headers=None, api_version="2026-06-01",
         token="test-token", timeout=5):
    """Send one request and return a Reply, also for an HTTP error status."""
    url = path if path.startswith("https://") else emulator.url + path
    if api_version is not None and not path.startswith("https://"):
        url += ("&" if "?" in url else "?") + f"api-version={api_version}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)

    context = ssl.create_default_context(cafile=emulator.ca_bundle)
    try:
        with urllib.request.urlopen(request, context=context, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def binding_request(identity=IDENTITY, **properties):
    return {"properties": {"managedIdentity": {"resourceId": identity}, **properties}}


def create_binding(emulator, name="ib1", identity=IDENTITY, wait=True):
    reply = call(emulator, "PUT", f"{BINDINGS}/{name}", binding_request(identity))
    if wait:
        time.sleep(WAIT)
    return reply


@pytest.fixture(name="emulator")
def fixture_emulator():
    with Emulator(scenario=SCENARIO) as emulator:
        yield emulator


# Create, poll, get

def test_create_returns_201_creating(emulator):
    reply = create_binding(emulator, wait=False)
    assert reply.status == 201
    assert reply.body["properties"]["provisioningState"] == "Creating"
    assert reply.body["properties"]["managedIdentity"] == {"resourceId": IDENTITY}
    assert "oidcIssuer" not in reply.body["properties"]


def test_create_sends_only_async_operation_header(emulator):
    reply = create_binding(emulator, wait=False)
    assert "/locations/eastus2/operations/" in reply.headers["Azure-AsyncOperation"]
    assert reply.headers["Azure-AsyncOperation"].endswith("?api-version=2016-03-30")
    assert reply.headers["Location"] is None
    assert reply.headers["Retry-After"] is None


def test_retry_after_when_configured(emulator):
    emulator.configure(retryAfterSeconds=1)
    operation_url = create_binding(emulator, wait=False).headers["Azure-AsyncOperation"]
    assert call(emulator, "GET", operation_url).headers["Retry-After"] == "1"


def test_create_response_is_json_with_request_id(emulator):
    reply = create_binding(emulator, wait=False)
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.headers["x-ms-request-id"]


def test_operation_in_progress_then_succeeded(emulator):
    operation_url = create_binding(emulator, wait=False).headers["Azure-AsyncOperation"]
    first = call(emulator, "GET", operation_url)
    assert first.status == 200
    assert first.body["status"] == "InProgress"
    assert "startTime" in first.body
    assert "endTime" not in first.body

    time.sleep(WAIT)
    done = call(emulator, "GET", operation_url)
    assert done.body["status"] == "Succeeded"
    assert "endTime" in done.body


def test_binding_while_creating(emulator):
    create_binding(emulator, wait=False)
    reply = call(emulator, "GET", f"{BINDINGS}/ib1")
    assert reply.body["properties"]["provisioningState"] == "Creating"
    assert "clientId" not in reply.body["properties"]["managedIdentity"]


def test_binding_after_create(emulator):
    create_binding(emulator)
    identity = call(emulator, "GET", IDENTITY, api_version="2023-01-31").body["properties"]
    reply = call(emulator, "GET", f"{BINDINGS}/ib1")
    managed_identity = reply.body["properties"]["managedIdentity"]
    assert reply.status == 200
    assert reply.body["properties"]["provisioningState"] == "Succeeded"
    assert managed_identity["clientId"] == identity["clientId"]
    assert managed_identity["objectId"] == identity["principalId"]
    assert managed_identity["tenantId"] == identity["tenantId"]
    assert reply.body["properties"]["oidcIssuer"]["oidcIssuerUrl"] == (
        f"https://ib.oic.prod-aks.azure.com/{identity['tenantId']}/{identity['clientId']}")


def test_issuer_shared_across_clusters(emulator):
    create_binding(emulator, wait=False)
    call(emulator, "PUT", f"{OTHER_CLUSTER}/identityBindings/ib2", binding_request())
    time.sleep(WAIT)
    first = call(emulator, "GET", f"{BINDINGS}/ib1").body["properties"]["oidcIssuer"]
    second = call(emulator, "GET", f"{OTHER_CLUSTER}/identityBindings/ib2").body
    assert second["properties"]["oidcIssuer"] == first


def test_identity_ids_stable_across_runs():
    with Emulator(scenario=SCENARIO) as first:
        first_id = call(first, "GET", IDENTITY).body["properties"]["clientId"]
    with Emulator(scenario=SCENARIO) as second:
        second_id = call(second, "GET", IDENTITY).body["properties"]["clientId"]
    assert first_id == second_id


def test_create_adds_binding_credential(emulator):
    create_binding(emulator)
    reply = call(emulator, "GET", f"{IDENTITY}/federatedIdentityCredentials/aks-identity-binding")
    issuer = call(emulator, "GET", f"{BINDINGS}/ib1").body["properties"]["oidcIssuer"]
    assert reply.status == 200
    assert reply.body["properties"]["issuer"] == issuer["oidcIssuerUrl"]
    assert reply.body["properties"]["audiences"] == ["api://AzureADTokenExchange"]


def test_delete_keeps_binding_credential(emulator):
    create_binding(emulator)
    call(emulator, "DELETE", f"{BINDINGS}/ib1")
    time.sleep(WAIT)
    names = [item["name"] for item in
             call(emulator, "GET", f"{IDENTITY}/federatedIdentityCredentials").body["value"]]
    assert "aks-identity-binding" in names
    assert len(names) == 3


def test_create_keeps_extra_fields(emulator):
    subjects = [{"namespaceSelector": {"matchLabels": ["kubernetes.io/metadata.name=team-a"]}}]
    body = binding_request(allowedSubjects=subjects)
    body["managedBy"] = "/subscriptions/x/fleets/f1"
    reply = call(emulator, "PUT", f"{BINDINGS}/ib1", body)
    assert reply.body["properties"]["allowedSubjects"] == subjects
    assert reply.body["managedBy"] == "/subscriptions/x/fleets/f1"


# Update

def test_update_returns_200_updating(emulator):
    create_binding(emulator)
    reply = call(emulator, "PUT", f"{BINDINGS}/ib1", binding_request(IDENTITY.upper()))
    assert reply.status == 200
    assert reply.body["properties"]["provisioningState"] == "Updating"
    assert "/operations/" in reply.headers["Azure-AsyncOperation"]


def test_update_identity_change_rejected(emulator):
    create_binding(emulator)
    reply = call(emulator, "PUT", f"{BINDINGS}/ib1", binding_request(OTHER_IDENTITY))
    assert reply.status == 400
    assert reply.error_code == "PropertyChangeNotAllowed"
    assert "cannot be changed" in reply.body["error"]["message"]


def test_create_missing_identity_rejected(emulator):
    missing = IDENTITY.replace("identity1", "nobody")
    reply = call(emulator, "PUT", f"{BINDINGS}/ib1", binding_request(missing))
    assert reply.status == 400
    assert reply.error_code == "ManagedIdentityNotFound"
    assert missing in reply.body["error"]["message"]


def test_create_without_identity_rejected(emulator):
    reply = call(emulator, "PUT", f"{BINDINGS}/ib1", {"properties": {}})
    assert reply.status == 400
    assert reply.error_code == "InvalidParameter"


def test_write_during_operation_conflicts(emulator):
    create_binding(emulator, wait=False)
    reply = call(emulator, "PUT", f"{BINDINGS}/ib1", binding_request())
    assert reply.status == 409
    assert reply.error_code == "OperationNotAllowed"


# Delete

def test_delete_returns_202_deleting(emulator):
    create_binding(emulator)
    reply = call(emulator, "DELETE", f"{BINDINGS}/ib1")
    assert reply.status == 202
    assert reply.body["properties"]["provisioningState"] == "Deleting"
    assert "/locations/eastus2/operationresults/" in reply.headers["Location"]
    assert reply.headers["Azure-AsyncOperation"] is None
    assert reply.headers["Retry-After"] is None


def test_delete_poll_202_then_204(emulator):
    create_binding(emulator)
    location = call(emulator, "DELETE", f"{BINDINGS}/ib1").headers["Location"]
    running = call(emulator, "GET", location)
    assert running.status == 202
    assert running.raw == b""
    assert running.headers["Location"] == location

    time.sleep(WAIT)
    done = call(emulator, "GET", location)
    assert done.status == 204
    assert done.raw == b""
    assert call(emulator, "GET", f"{BINDINGS}/ib1").status == 404


def test_delete_missing_binding_204(emulator):
    assert call(emulator, "DELETE", f"{BINDINGS}/nothing").status == 204


# Not found

def test_get_missing_binding_404(emulator):
    reply = call(emulator, "GET", f"{BINDINGS}/nothing")
    assert reply.status == 404
    assert reply.error_code == "NotFound"
    assert "nothing" in reply.body["error"]["message"]


def test_get_binding_missing_cluster_404(emulator):
    reply = call(emulator, "GET", CLUSTER.replace("cluster1", "gone") + "/identityBindings/ib1")
    assert reply.status == 404
    assert reply.error_code == "ResourceNotFound"
    assert "Microsoft.ContainerService/managedClusters/gone" in reply.body["error"]["message"]
    assert "'rg1'" in reply.body["error"]["message"]


def test_list_missing_cluster_404(emulator):
    reply = call(emulator, "GET", CLUSTER.replace("cluster1", "gone") + "/identityBindings")
    assert reply.status == 404
    assert reply.error_code == "ResourceNotFound"


def test_missing_resource_group_404(emulator):
    reply = call(emulator, "GET", f"/subscriptions/{SUB}/resourcegroups/nogroup")
    assert reply.status == 404
    assert reply.error_code == "ResourceGroupNotFound"


def test_unknown_route_404(emulator):
    reply = call(emulator, "GET", f"/subscriptions/{SUB}/providers/Microsoft.Nothing/things/x")
    assert reply.status == 404
    assert reply.error_code == "EmulatorRouteNotFound"


# List and paging

def test_list_pages_with_next_link(emulator):
    emulator.configure(pageSize=2)
    for name in ("ib1", "ib2", "ib3"):
        create_binding(emulator, name=name, wait=False)
    first = call(emulator, "GET", BINDINGS)
    assert len(first.body["value"]) == 2
    assert first.body["nextLink"].startswith(emulator.url + BINDINGS)
    assert "api-version=2026-06-01" in first.body["nextLink"]

    second = call(emulator, "GET", first.body["nextLink"])
    assert [item["name"] for item in second.body["value"]] == ["ib3"]
    assert "nextLink" not in second.body


def test_list_without_page_size(emulator):
    create_binding(emulator, wait=False)
    reply = call(emulator, "GET", BINDINGS)
    assert reply.status == 200
    assert [item["name"] for item in reply.body["value"]] == ["ib1"]
    assert "nextLink" not in reply.body


# eTag and conditional requests

def test_etag_changes_on_state_change(emulator):
    created = create_binding(emulator, wait=False).body["eTag"]
    read = call(emulator, "GET", f"{BINDINGS}/ib1").body["eTag"]
    assert read == created

    time.sleep(WAIT)
    settled = call(emulator, "GET", f"{BINDINGS}/ib1").body["eTag"]
    listed = call(emulator, "GET", BINDINGS).body["value"][0]["eTag"]
    assert settled != created
    assert listed == settled


def test_if_match_mismatch_412(emulator):
    create_binding(emulator)
    reply = call(emulator, "PUT", f"{BINDINGS}/ib1", binding_request(),
                 headers={"If-Match": '"00000000-0000-0000-0000-000000000001"'})
    assert reply.status == 412
    assert reply.error_code == "PreconditionFailed"


def test_if_match_current_accepted(emulator):
    create_binding(emulator)
    etag = call(emulator, "GET", f"{BINDINGS}/ib1").body["eTag"]
    reply = call(emulator, "PUT", f"{BINDINGS}/ib1", binding_request(),
                 headers={"If-Match": f'"{etag}"'})
    assert reply.status == 200


def test_delete_if_match_mismatch_412(emulator):
    create_binding(emulator)
    reply = call(emulator, "DELETE", f"{BINDINGS}/ib1", headers={"If-Match": "stale"})
    assert reply.status == 412


def test_if_none_match_star_412(emulator):
    create_binding(emulator)
    reply = call(emulator, "PUT", f"{BINDINGS}/ib1", binding_request(),
                 headers={"If-None-Match": "*"})
    assert reply.status == 412


# Case-insensitive lookups, api-version and authorization

def test_lookup_ignores_case(emulator):
    create_binding(emulator)
    path = f"{BINDINGS}/ib1".replace("resourceGroups", "resourcegroups").replace(
        "cluster1", "CLUSTER1").replace("managedClusters", "MANAGEDCLUSTERS")
    reply = call(emulator, "GET", path.replace("/ib1", "/IB1"))
    assert reply.status == 200
    assert reply.body["name"] == "ib1"


def test_missing_api_version_400(emulator):
    reply = call(emulator, "GET", CLUSTER, api_version=None)
    assert reply.status == 400
    assert reply.error_code == "MissingApiVersionParameter"


def test_any_api_version_accepted(emulator):
    assert call(emulator, "GET", CLUSTER, api_version="1999-01-01").status == 200


def test_missing_authorization_401(emulator):
    reply = call(emulator, "GET", CLUSTER, token=None)
    assert reply.status == 401
    assert reply.error_code == "AuthenticationFailed"


def test_unissued_token_401_when_required(emulator):
    emulator.configure(requireIssuedToken=True)
    reply = call(emulator, "GET", CLUSTER, token="made-up")
    assert reply.status == 401
    assert reply.error_code == "InvalidAuthenticationToken"


# Other ARM resources

def test_identity_id_has_lowercase_group(emulator):
    body = call(emulator, "GET", IDENTITY).body
    assert body["id"] == IDENTITY.replace("resourceGroups", "resourcegroups")


def test_resource_group_head(emulator):
    assert call(emulator, "HEAD", GROUP).status == 204
    assert call(emulator, "HEAD", GROUP.replace("rg1", "nogroup")).status == 404


def test_cluster_body(emulator):
    body = call(emulator, "GET", CLUSTER).body
    assert body["properties"]["oidcIssuerProfile"]["enabled"] is True
    assert body["properties"]["oidcIssuerProfile"]["issuerURL"].startswith("https://")
    assert body["properties"]["securityProfile"]["workloadIdentity"]["enabled"] is True


def test_cluster_without_issuer(emulator):
    body = call(emulator, "GET", OTHER_CLUSTER).body
    assert body["properties"]["oidcIssuerProfile"] == {"enabled": False}
    assert body["properties"]["securityProfile"]["workloadIdentity"]["enabled"] is False


def test_cluster_lists(emulator):
    by_group = call(emulator, "GET", f"{GROUP}/providers/Microsoft.ContainerService/managedClusters")
    by_subscription = call(
        emulator, "GET", f"/subscriptions/{SUB}/providers/Microsoft.ContainerService/managedClusters")
    assert len(by_group.body["value"]) == 2
    assert len(by_subscription.body["value"]) == 2


def test_missing_cluster_404(emulator):
    reply = call(emulator, "GET", CLUSTER.replace("cluster1", "gone"))
    assert reply.status == 404
    assert reply.error_code == "ResourceNotFound"


def test_resources_filter(emulator):
    kind = "Microsoft.ContainerService/managedClusters"
    reply = call(emulator, "GET", f"{GROUP}/resources?$filter=resourceType eq '{kind}'"
                 .replace(" ", "%20"))
    assert sorted(item["name"] for item in reply.body["value"]) == ["cluster1", "cluster2"]


def test_subscription_and_tenants(emulator):
    subscriptions = call(emulator, "GET", "/subscriptions", api_version="2022-12-01").body
    tenants = call(emulator, "GET", "/tenants", api_version="2022-12-01").body
    assert subscriptions["value"][0]["subscriptionId"] == SUB
    assert tenants["value"][0]["tenantId"] == SUB


def test_credential_put_and_delete(emulator):
    path = f"{IDENTITY}/federatedIdentityCredentials/extra"
    body = {"properties": {"issuer": "https://issuer.test", "subject": "system:serviceaccount:a:b",
                           "audiences": ["api://AzureADTokenExchange"]}}
    assert call(emulator, "PUT", path, body).status == 201
    assert call(emulator, "GET", path).status == 200
    assert call(emulator, "DELETE", path).status == 200
    assert call(emulator, "GET", path).status == 404


# The 20-credential limit

def test_credential_limit_rejects_21st(emulator):
    body = {"properties": {"issuer": "https://issuer.test", "subject": "s"}}
    reply = call(emulator, "PUT", f"{FULL_IDENTITY}/federatedIdentityCredentials/extra", body)
    assert reply.status == 400
    assert reply.error_code == "FederatedIdentityCredentialLimitExceeded"


def test_binding_on_full_identity_fails(emulator):
    operation_url = create_binding(emulator, identity=FULL_IDENTITY).headers["Azure-AsyncOperation"]
    operation = call(emulator, "GET", operation_url).body
    binding = call(emulator, "GET", f"{BINDINGS}/ib1").body
    assert operation["status"] == "Failed"
    assert operation["error"]["code"] == "TooManyFederatedIdentityCredentials"
    assert binding["properties"]["provisioningState"] == "Failed"


def test_full_identity_with_binding_credential():
    credentials = [{"name": f"c{index}"} for index in range(19)] + [{"name": "aks-identity-binding"}]
    scenario = dict(SCENARIO, identities=[
        {"resourceGroup": "rg1", "name": "full", "federatedCredentials": credentials}])
    with Emulator(scenario=scenario) as emulator:
        create_binding(emulator, identity=FULL_IDENTITY)
        binding = call(emulator, "GET", f"{BINDINGS}/ib1").body
    assert binding["properties"]["provisioningState"] == "Succeeded"


# Features, the provider and the feature gate

def test_feature_registered(emulator):
    reply = call(emulator, "GET", f"{FEATURES}/IdentityBindingPreview", api_version="2021-07-01")
    assert reply.body["name"] == "Microsoft.ContainerService/IdentityBindingPreview"
    assert reply.body["type"] == "Microsoft.Features/providers/features"
    assert reply.body["properties"]["state"] == "Registered"


def test_feature_absent_404(emulator):
    reply = call(emulator, "GET", f"{FEATURES}/IdentityBinding", api_version="2021-07-01")
    assert reply.status == 404
    assert reply.error_code == "FeatureNotFound"
    assert reply.body["error"]["message"] == "The feature 'IdentityBinding' could not be found."


def test_feature_register(emulator):
    emulator.configure(features={"IdentityBinding": "NotRegistered"})
    reply = call(emulator, "POST", f"{FEATURES}/IdentityBinding/register", api_version="2021-07-01")
    assert reply.body["properties"]["state"] == "Registered"


def test_provider_registered(emulator):
    path = f"/subscriptions/{SUB}/providers/Microsoft.ContainerService"
    assert call(emulator, "GET", path).body["registrationState"] == "Registered"
    assert call(emulator, "POST", path + "/register").body["registrationState"] == "Registered"


def test_gate_hides_bindings(emulator):
    emulator.configure(featureGate=True, features={"IdentityBindingPreview": "Pending"})
    reply = call(emulator, "GET", BINDINGS)
    assert reply.status == 404
    assert reply.error_code == "InvalidResourceType"
    assert "'managedClusters/identityBindings'" in reply.body["error"]["message"]
    assert "'2026-06-01'" in reply.body["error"]["message"]


def test_gate_opens_when_registered(emulator):
    emulator.configure(featureGate=True, features={"IdentityBindingPreview": None,
                                                    "IdentityBinding": "Registered"})
    assert call(emulator, "GET", BINDINGS).status == 200


# Faults

def test_fault_respond(emulator):
    emulator.add_fault(method="GET", path="/identityBindings$", status=503,
                       headers={"Retry-After": "1"},
                       error={"code": "ServiceBusy", "message": "Try later."})
    reply = call(emulator, "GET", BINDINGS)
    assert reply.status == 503
    assert reply.error_code == "ServiceBusy"
    assert reply.headers["Retry-After"] == "1"
    assert call(emulator, "GET", BINDINGS).status == 200


def test_fault_nth_occurrence_and_times(emulator):
    emulator.add_fault(method="GET", path="managedclusters/cluster1$", occurrence=2, times=2,
                       status=500)
    statuses = [call(emulator, "GET", CLUSTER).status for _ in range(4)]
    assert statuses == [200, 500, 500, 200]


def test_fault_malformed_body(emulator):
    emulator.add_fault(method="GET", path="/managedClusters/cluster1$", action="malformedBody")
    reply = call(emulator, "GET", CLUSTER)
    assert reply.status == 200
    with pytest.raises(ValueError):
        json.loads(reply.raw)


def test_fault_drop_connection(emulator):
    emulator.add_fault(path="/managedClusters/cluster1$", action="dropConnection")
    with pytest.raises((urllib.error.URLError, http.client.RemoteDisconnected,
                        ConnectionError)):
        call(emulator, "GET", CLUSTER)
    assert emulator.requests()[-1]["status"] is None


def test_fault_hang_times_out(emulator):
    emulator.add_fault(path="/managedClusters/cluster1$", action="hang", holdSeconds=5)
    started = time.time()
    with pytest.raises((socket.timeout, urllib.error.URLError)):
        call(emulator, "GET", CLUSTER, timeout=0.3)
    assert time.time() - started < 2


def test_hang_released_on_stop():
    emulator = Emulator(scenario=SCENARIO).start()
    emulator.add_fault(path="/managedClusters/cluster1$", action="hang", holdSeconds=60)
    with pytest.raises((socket.timeout, urllib.error.URLError)):
        call(emulator, "GET", CLUSTER, timeout=0.3)
    started = time.time()
    emulator.stop()
    assert time.time() - started < 3


def test_fault_fails_operation(emulator):
    emulator.add_fault(method="PUT", path="/identityBindings/ib1$", action="failOperation",
                       error={"code": "QuotaExceeded", "message": "No quota."})
    reply = create_binding(emulator)
    assert reply.status == 201
    operation = call(emulator, "GET", reply.headers["Azure-AsyncOperation"]).body
    assert operation["status"] == "Failed"
    assert operation["error"]["code"] == "QuotaExceeded"
    binding = call(emulator, "GET", f"{BINDINGS}/ib1").body
    assert binding["properties"]["provisioningState"] == "Failed"


def test_fault_cancels_delete(emulator):
    create_binding(emulator)
    emulator.add_fault(method="DELETE", path="/identityBindings/ib1$", action="cancelOperation")
    location = call(emulator, "DELETE", f"{BINDINGS}/ib1").headers["Location"]
    time.sleep(WAIT)
    result = call(emulator, "GET", location)
    assert result.status == 400
    assert result.error_code == "OperationCanceled"
    binding = call(emulator, "GET", f"{BINDINGS}/ib1").body
    assert binding["properties"]["provisioningState"] == "Canceled"


def test_operation_fault_needs_write_method(emulator):
    with pytest.raises(FaultError):
        emulator.add_fault(method="GET", action="failOperation")


# Request log

def test_request_log_fields(emulator):
    call(emulator, "GET", CLUSTER, headers={"CommandName": "aks show",
                                            "ParameterSetName": "-g -n",
                                            "x-ms-client-request-id": "abc"})
    entry = emulator.requests()[-1]
    assert entry["method"] == "GET"
    assert entry["path"] == CLUSTER
    assert entry["query"] == {"api-version": "2026-06-01"}
    assert entry["headers"]["CommandName"] == "aks show"
    assert entry["headers"]["ParameterSetName"] == "-g -n"
    assert entry["headers"]["x-ms-client-request-id"] == "abc"
    assert entry["authorization"] is True
    assert entry["status"] == 200
    assert entry["durationMs"] >= 0


def test_request_log_hides_token(emulator):
    call(emulator, "GET", CLUSTER, token="secret-token-value")
    assert "secret-token-value" not in json.dumps(emulator.requests())


def test_request_log_records_fault(emulator):
    rule = emulator.add_fault(method="GET", path="cluster1$", status=500)
    call(emulator, "GET", CLUSTER)
    assert emulator.requests()[-1]["fault"] == {"id": rule["id"], "action": "respond"}


def test_request_log_clear(emulator):
    call(emulator, "GET", CLUSTER)
    emulator.clear_requests()
    assert emulator.requests() == []


# Control endpoint

def test_control_scenario_merge(emulator):
    added = {"clusters": [{"resourceGroup": "rg2", "name": "late"}]}
    reply = call(emulator, "POST", "/_emulator/scenario", added, api_version=None, token=None)
    assert reply.status == 200
    path = f"/subscriptions/{SUB}/resourceGroups/rg2/providers/Microsoft.ContainerService/managedClusters/late"
    assert call(emulator, "GET", path).status == 200


def test_control_rejects_bad_scenario(emulator):
    reply = call(emulator, "POST", "/_emulator/scenario", {"clusterz": []}, api_version=None)
    assert reply.status == 400
    assert "clusterz" in reply.body["error"]["message"]


def test_control_faults(emulator):
    rule = {"method": "GET", "path": "cluster1$", "status": 429}
    added = call(emulator, "POST", "/_emulator/faults", rule, api_version=None, token=None)
    assert added.status == 201
    assert call(emulator, "GET", CLUSTER).status == 429
    assert call(emulator, "DELETE", "/_emulator/faults", api_version=None).status == 204
    assert call(emulator, "GET", "/_emulator/faults", api_version=None).body == {"value": []}


def test_control_requests(emulator):
    call(emulator, "GET", CLUSTER)
    listed = call(emulator, "GET", "/_emulator/requests", api_version=None, token=None)
    assert [entry["path"] for entry in listed.body["value"]] == [CLUSTER]
    assert call(emulator, "DELETE", "/_emulator/requests", api_version=None).status == 204
    assert emulator.requests() == []


def test_control_reset(emulator):
    create_binding(emulator, wait=False)
    call(emulator, "POST", "/_emulator/reset", api_version=None)
    assert call(emulator, "GET", f"{BINDINGS}/ib1").status == 404


def test_scenario_unknown_key_rejected():
    with pytest.raises(ScenarioError):
        Emulator(scenario={"operationDuration": 1})


def test_scenario_prefilled_binding():
    scenario = dict(SCENARIO, bindings=[{"resourceGroup": "rg1", "clusterName": "cluster1",
                                         "name": "pre", "identity": "rg1/identity1"}])
    with Emulator(scenario=scenario) as emulator:
        binding = call(emulator, "GET", f"{BINDINGS}/pre").body
        credential = call(emulator, "GET",
                          f"{IDENTITY}/federatedIdentityCredentials/aks-identity-binding")
    assert binding["properties"]["provisioningState"] == "Succeeded"
    assert credential.status == 200


# Login endpoints

def test_openid_configuration(emulator):
    reply = call(emulator, "GET", f"/{SUB}/v2.0/.well-known/openid-configuration",
                 api_version=None, token=None)
    assert reply.body["token_endpoint"] == f"{emulator.url}/{SUB}/oauth2/v2.0/token"


def post_token(emulator, secret):
    form = (f"grant_type=client_credentials&client_id=11111111-1111-1111-1111-111111111111"
            f"&client_secret={secret}&scope=https%3A%2F%2Fmanagement.core.windows.net%2F%2F.default")
    request = urllib.request.Request(f"{emulator.url}/{SUB}/oauth2/v2.0/token",
                                     data=form.encode(), method="POST")
    context = ssl.create_default_context(cafile=emulator.ca_bundle)
    try:
        with urllib.request.urlopen(request, context=context, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_token_issued(emulator):
    status, body = post_token(emulator, "emulator-secret")
    assert status == 200
    assert body["token_type"] == "Bearer"
    assert body["access_token"]


def test_token_wrong_secret_401(emulator):
    status, body = post_token(emulator, "wrong")
    assert status == 401
    assert body["error"] == "invalid_client"


def test_token_not_logged(emulator):
    _, body = post_token(emulator, "emulator-secret")
    log = json.dumps(emulator.requests())
    assert body["access_token"] not in log
    assert "emulator-secret" not in log


# Start-up as a command

def test_command_starts_and_stops(tmp_path):
    ready_file = tmp_path / "ready.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.emulator", "--port", "0", "--ready-file", str(ready_file),
         "--workdir", str(tmp_path / "work")],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        ready = json.loads(process.stdout.readline())
        assert ready["url"] == f"https://127.0.0.1:{ready['port']}"
        assert os.path.exists(ready["ca_bundle"])
        assert json.loads(ready_file.read_text()) == ready

        context = ssl.create_default_context(cafile=ready["ca_bundle"])
        with urllib.request.urlopen(ready["url"] + "/_emulator", context=context,
                                    timeout=5) as response:
            assert json.loads(response.read())["pid"] == process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
    assert exit_code == 0
