"""Tests for turning service errors into CLI errors, with errors raised by the real client."""

import pytest
from azure.cli.core import azclierror
from azure.core.exceptions import HttpResponseError

from azext_identity_binding._errors import FIC_WRITE_PERMISSION, from_http_error
from azext_identity_binding._validators import BINDING_NAME_RULE

from .canned import BASE_URL, BINDING, BINDING_PATH, CLUSTER, GROUP, IDENTITY_ID, LIST_PATH, Reply, arm_error, make_client

NAMES = {"binding_name": BINDING, "cluster_name": CLUSTER, "resource_group_name": GROUP}
CLUSTER_NAMES = {"cluster_name": CLUSTER, "resource_group_name": GROUP}


def raise_from_client(method, reply):
    """Send one request that gets ``reply`` and return the HttpResponseError the client raises."""
    # No retries, so that one canned reply is enough for 429 and 5xx.
    client, _ = make_client([reply], retry_total=0)
    operations = {
        "GET": lambda: client.get(GROUP, CLUSTER, BINDING),
        "LIST": lambda: list(client.list_by_managed_cluster(GROUP, CLUSTER)),
        "PUT": lambda: client.begin_create_or_update(
            GROUP, CLUSTER, BINDING, {"properties": {"managedIdentity": {"resourceId": IDENTITY_ID}}}),
        "DELETE": lambda: client.begin_delete(GROUP, CLUSTER, BINDING),
    }

    with pytest.raises(HttpResponseError) as raised:
        operations[method]()
    return raised.value


def cli_error(method, status, body, action="Reading identity binding 'ib1'", **names):
    error = raise_from_client(method, Reply(status, body))
    return from_http_error(error, action, **names)


# 404


def test_binding_not_found():
    result = cli_error("GET", 404, arm_error("NotFound", "Identity binding ib1 not found."), **NAMES)

    assert isinstance(result, azclierror.ResourceNotFoundError)
    assert "'ib1'" in str(result)
    assert "'cluster1'" in str(result)
    assert "'rg1'" in str(result)
    assert "az aks identity-binding list -g rg1 --cluster-name cluster1" in str(result)


@pytest.mark.parametrize("code", ["ResourceNotFound", "ParentResourceNotFound", "ResourceGroupNotFound"])
def test_cluster_not_found(code):
    body = arm_error(code, "The Resource 'Microsoft.ContainerService/managedClusters/cluster1' was not found.")

    result = cli_error("GET", 404, body, **NAMES)

    assert isinstance(result, azclierror.ResourceNotFoundError)
    assert "Managed cluster 'cluster1'" in str(result)
    assert "resource group 'rg1'" in str(result)
    assert "Identity binding" not in str(result)


def test_list_not_found():
    body = arm_error("ResourceNotFound", "The Resource 'Microsoft.ContainerService/managedClusters/cluster1' "
                                         "was not found.")

    result = cli_error("LIST", 404, body, action="Listing the identity bindings of cluster 'cluster1'",
                       **CLUSTER_NAMES)

    assert isinstance(result, azclierror.ResourceNotFoundError)
    assert "Managed cluster 'cluster1'" in str(result)


def test_other_not_found():
    result = cli_error("GET", 404, arm_error("SubscriptionNotFound", "The subscription was not found."), **NAMES)

    assert isinstance(result, azclierror.ResourceNotFoundError)
    assert "SubscriptionNotFound" in str(result)
    assert "The subscription was not found." in str(result)


# 400


def test_identity_change():
    body = arm_error("PropertyChangeNotAllowed", "Changing property 'managedIdentity.resourceId' is not allowed.")

    result = cli_error("PUT", 400, body, action="Creating identity binding 'ib1' on cluster 'cluster1'", **NAMES)

    assert isinstance(result, azclierror.BadRequestError)
    assert "cannot change its managed identity" in str(result)
    assert "az aks identity-binding delete -g rg1 --cluster-name cluster1 -n ib1" in str(result)
    assert "Changing property 'managedIdentity.resourceId' is not allowed." in str(result)


def test_invalid_name():
    body = arm_error("InvalidParameter", "The name 'my-first-ib' of the identity binding is invalid.")

    result = cli_error("PUT", 400, body, action="Creating identity binding 'ib1' on cluster 'cluster1'", **NAMES)

    assert isinstance(result, azclierror.BadRequestError)
    assert BINDING_NAME_RULE in str(result)


def test_other_bad_request():
    result = cli_error("PUT", 400, arm_error("InvalidParameter", "Something else is wrong."), **NAMES)

    assert isinstance(result, azclierror.BadRequestError)
    assert "InvalidParameter" in str(result)
    assert "HTTP 400" in str(result)


# 403 and 409


def test_forbidden():
    body = arm_error("LinkedAuthorizationFailed", "The client has permission to perform action "
                     "'Microsoft.ContainerService/managedClusters/identityBindings/write' but not "
                     "'{}'.".format(FIC_WRITE_PERMISSION))

    result = cli_error("PUT", 403, body, action="Creating identity binding 'ib1' on cluster 'cluster1'", **NAMES)

    assert isinstance(result, azclierror.ForbiddenError)
    assert "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write" in str(result)
    assert "LinkedAuthorizationFailed" in str(result)


def test_operation_in_progress():
    body = arm_error("OperationNotAllowed", "Operation is not allowed because there's an in progress "
                                            "update managed cluster operation.")

    result = cli_error("PUT", 409, body, action="Creating identity binding 'ib1' on cluster 'cluster1'", **NAMES)

    assert isinstance(result, azclierror.AzureResponseError)
    assert "az aks wait -g rg1 -n cluster1 --updated" in str(result)
    assert "OperationNotAllowed" in str(result)


# Throttling and server errors


@pytest.mark.parametrize("status", [429, 500, 503])
def test_names_request(status):
    result = cli_error("GET", status, arm_error("TooManyRequests", "Try again later."), **NAMES)

    assert isinstance(result, azclierror.AzureResponseError)
    assert "GET " + BASE_URL + BINDING_PATH in str(result)
    assert "api-version" not in str(result)


def test_delete_names_request():
    result = cli_error("DELETE", 503, arm_error("ServiceUnavailable", "Unavailable."), **NAMES)

    assert "DELETE " + BASE_URL + BINDING_PATH in str(result)


def test_list_names_request():
    result = cli_error("LIST", 503, arm_error("ServiceUnavailable", "Unavailable."), **CLUSTER_NAMES)

    assert "GET " + BASE_URL + LIST_PATH in str(result)


def test_html_body():
    # A gateway in front of ARM may return HTML instead of an ARM error.
    result = cli_error("GET", 502, "<html><body>Bad Gateway</body></html>", **NAMES)

    assert isinstance(result, azclierror.AzureResponseError)
    assert "no error code" in str(result)
    assert "HTTP 502" in str(result)


def test_summary_fields():
    result = cli_error("GET", 503, arm_error("ServiceUnavailable", "The service is busy."), **NAMES)

    assert str(result).startswith("Reading identity binding 'ib1' failed: ")
    assert "The service is busy." in str(result)
    assert "ServiceUnavailable" in str(result)
    assert "HTTP 503" in str(result)
