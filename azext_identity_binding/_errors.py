"""Turning service errors into CLI errors that say what failed and what to do next.

Each function takes an azure-core HttpResponseError (or the details of a finished operation)
and returns an ``azure.cli.core.azclierror`` instance for the caller to raise. The class sets
the exit code: ResourceNotFoundError exits 3, every other class exits 1.
"""

import re
from contextlib import contextmanager

from azure.cli.core.azclierror import (
    AzureConnectionError,
    AzureResponseError,
    BadRequestError,
    ForbiddenError,
    ResourceNotFoundError,
)

from azure.core.exceptions import AzureError, HttpResponseError

from ._validators import BINDING_NAME_RULE

_NAME_WORD = re.compile(r"\bname\b", re.IGNORECASE)
FIC_WRITE_PERMISSION = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write"
CLUSTER_WRITE_PERMISSION = "Microsoft.ContainerService/managedClusters/write"


def error_code_and_message(error):
    """Return (code, message) from an HttpResponseError's ARM error body, or from its text."""
    code = getattr(getattr(error, "error", None), "code", None)
    message = getattr(getattr(error, "error", None), "message", None)
    if code is None:
        body = _json_body(getattr(error, "response", None))
        detail = body.get("error") if isinstance(body.get("error"), dict) else {}
        code = detail.get("code")
        message = detail.get("message")
    return code, message or getattr(error, "message", None) or str(error)


def _json_body(response):
    if response is None:
        return {}
    try:
        body = response.json()
    except (ValueError, TypeError, AttributeError):
        return {}
    return body if isinstance(body, dict) else {}


def describe_request(error):
    """Return 'METHOD URL' for the request behind an error, without the query string."""
    response = getattr(error, "response", None)
    request = getattr(response, "request", None)
    if request is None:
        return "the request"
    return "{} {}".format(request.method, request.url.split("?")[0])


def binding_not_found(binding_name, cluster_name, resource_group_name):
    return ResourceNotFoundError(
        "Identity binding '{}' was not found in cluster '{}' (resource group '{}'). List the cluster's "
        "bindings with: az aks identity-binding list -g {} --cluster-name {}".format(
            binding_name, cluster_name, resource_group_name, resource_group_name, cluster_name))


def cluster_not_found(cluster_name, resource_group_name):
    return ResourceNotFoundError(
        "Managed cluster '{}' was not found in resource group '{}'. Check the names with: "
        "az aks list -g {} -o table".format(cluster_name, resource_group_name, resource_group_name))


def is_missing_cluster(error):
    """Tell whether a 404 is about the parent cluster rather than the binding."""
    code, _ = error_code_and_message(error)
    return (code or "").lower() in ("resourcenotfound", "parentresourcenotfound", "resourcegroupnotfound")


def from_transport_error(error, action, check_command=None):
    """Return the CLI error for a request that got no usable response (reset, timeout, refused)."""
    message = "{} failed: no response from the service after the CLI's retries ({}: {}).".format(
        action, type(error).__name__, getattr(error, "message", None) or error)
    if check_command:
        message += " The request may still have reached Azure; check the binding with: " + check_command
    return AzureConnectionError(message)


def from_polling_error(error, description, inspect_command):
    """Return the CLI error for a failure while following an operation that the service accepted."""
    status = getattr(error, "status_code", None)
    code, message = error_code_and_message(error)
    return AzureResponseError(
        "Lost track of the operation {}: {} ({}{}, from {}). The operation may still be running in Azure; check "
        "the binding with: {}".format(description, message, code or "no error code",
                                      ", HTTP {}".format(status) if status else "", describe_request(error),
                                      inspect_command))


def from_http_error(error, action, *, binding_name=None, cluster_name=None, resource_group_name=None,
                    identity_id=None):
    """Return the CLI error for a failed request; ``action`` reads like 'Creating identity binding x'."""
    status = getattr(error, "status_code", None)
    code, message = error_code_and_message(error)
    summary = "{} failed: {} ({}{}).".format(action, message, code or "no error code",
                                            ", HTTP {}".format(status) if status else "")

    if status == 404 and is_missing_cluster(error) and cluster_name:
        return cluster_not_found(cluster_name, resource_group_name)
    if status == 404 and binding_name and (code or "").lower() == "notfound":
        return binding_not_found(binding_name, cluster_name, resource_group_name)
    if (code or "") == "PropertyChangeNotAllowed":
        return BadRequestError(
            "{} A binding cannot change its managed identity: delete it with 'az aks identity-binding "
            "delete -g {} --cluster-name {} -n {}' and create it again with the new identity.".format(
                summary, resource_group_name, cluster_name, binding_name))
    if status == 400 and binding_name and _NAME_WORD.search(message or ""):
        return BadRequestError("{} Identity binding names: {}.".format(summary, BINDING_NAME_RULE))
    if status == 403:
        cluster_scope = ("cluster '{}' in resource group '{}'".format(cluster_name, resource_group_name)
                         if cluster_name else "the cluster")
        identity_scope = "identity '{}'".format(identity_id) if identity_id else "the managed identity"
        return ForbiddenError(
            "{} Creating or deleting a binding needs '{}' (or 'Microsoft.ContainerService/managedClusters/"
            "identityBindings/*') on {}, and '{}' on {}. Ask an owner of those scopes for a role that grants "
            "them, and check your roles with: az role assignment list --assignee <your-id> --all".format(
                summary, CLUSTER_WRITE_PERMISSION, cluster_scope, FIC_WRITE_PERMISSION, identity_scope))
    if status == 409 and (code or "") == "OperationNotAllowed":
        return AzureResponseError(
            "{} Another operation is running on cluster '{}'. Wait for it with 'az aks wait -g {} -n {} "
            "--updated' and run the command again.".format(summary, cluster_name, resource_group_name, cluster_name))
    if status == 404:
        return ResourceNotFoundError(summary)
    if status in (429,) or (status or 0) >= 500:
        return AzureResponseError("{} {} still failed after the retries of the CLI's retry policy. Run the "
                                  "command again later.".format(summary, describe_request(error)))
    if status and 400 <= status < 500:
        return BadRequestError(summary)
    return AzureResponseError(summary)


@contextmanager
def translated(action, check_command=None, **names):
    """Raise CLI errors in place of azure-core ones; ``names`` are from_http_error's keywords."""
    try:
        yield
    except HttpResponseError as error:
        raise from_http_error(error, action, **names) from error
    except AzureError as error:
        raise from_transport_error(error, action, check_command) from error
