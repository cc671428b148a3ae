"""Turning service errors into CLI errors that state what failed and what to do next.

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
    ManualInterrupt,
    ResourceNotFoundError,
    ValidationError,
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
    return f"{request.method} {request.url.split('?')[0]}"


def binding_not_found(binding_name, cluster_name, resource_group_name):
    return ResourceNotFoundError(
        f"Identity binding '{binding_name}' was not found in cluster '{cluster_name}' (resource group "
        f"'{resource_group_name}'). List the cluster's bindings with: az aks identity-binding list "
        f"-g {resource_group_name} --cluster-name {cluster_name}")


def cluster_not_found(cluster_name, resource_group_name):
    return ResourceNotFoundError(
        f"Managed cluster '{cluster_name}' was not found in resource group '{resource_group_name}'. Check the "
        f"names with: az aks list -g {resource_group_name} -o table")


def is_binding_not_found(error):
    """Tell whether an error is the service's plain 404 for a binding that does not exist."""
    code, _ = error_code_and_message(error)
    return getattr(error, "status_code", None) == 404 and (code or "").lower() == "notfound"


def is_missing_cluster(error):
    """Tell whether a 404 is about the parent cluster rather than the binding."""
    code, _ = error_code_and_message(error)
    return (code or "").lower() in ("resourcenotfound", "parentresourcenotfound", "resourcegroupnotfound")


def from_transport_error(error, action, check_command=None,
                         check_reason="The request may still have reached Azure"):
    """Return the CLI error for a request that got no usable response (reset, timeout, refused)."""
    detail = getattr(error, "message", None) or error
    message = (f"{action} failed: no response from the service after the CLI's retries "
               f"({type(error).__name__}: {detail}).")
    if check_command:
        message += f" {check_reason}; check the binding with: {check_command}"
    return AzureConnectionError(message)


def interrupted(action, check_command):
    """Return the CLI error for Ctrl-C while a request was on its way."""
    return ManualInterrupt(f"Stopped while {action[:1].lower() + action[1:]}. The request may already have reached "
                           f"Azure; check the binding with: {check_command}")


def from_polling_error(error, description, inspect_command):
    """Return the CLI error for a failure while following an operation that the service accepted."""
    status = getattr(error, "status_code", None)
    code, message = error_code_and_message(error)
    http_status = f", HTTP {status}" if status else ""
    return AzureResponseError(
        f"Lost track of the operation {description}: {message} ({code or 'no error code'}{http_status}, from "
        f"{describe_request(error)}). The operation may have finished or may still be running in Azure; check the "
        f"binding with: {inspect_command}")


def from_http_error(error, action, *,  # pylint: disable=too-many-return-statements
                    binding_name=None, cluster_name=None, resource_group_name=None, identity_id=None):
    """Return the CLI error for a failed request; ``action`` reads like 'Creating identity binding x'."""
    status = getattr(error, "status_code", None)
    code, message = error_code_and_message(error)
    summary = f"{action} failed: {message} ({code or 'no error code'}{(f', HTTP {status}' if status else '')})."

    if status == 404 and is_missing_cluster(error) and cluster_name:
        return cluster_not_found(cluster_name, resource_group_name)
    if status == 404 and binding_name and (code or "").lower() == "notfound":
        return binding_not_found(binding_name, cluster_name, resource_group_name)
    if (code or "") == "PropertyChangeNotAllowed":
        return BadRequestError(
            f"{summary} A binding cannot change its managed identity: delete it with 'az aks identity-binding "
            f"delete -g {resource_group_name} --cluster-name {cluster_name} -n {binding_name}' and create it "
            "again with the new identity.")
    if status == 400 and binding_name and _NAME_WORD.search(message or ""):
        return BadRequestError(f"{summary} Identity binding names: {BINDING_NAME_RULE}.")
    if status == 403:
        cluster_scope = (f"cluster '{cluster_name}' in resource group '{resource_group_name}'"
                         if cluster_name else "the cluster")
        # Only a create writes the identity's federated credential.
        identity_part = f", and '{FIC_WRITE_PERMISSION}' on identity '{identity_id}'" if identity_id else ""
        return ForbiddenError(
            f"{summary} This needs '{CLUSTER_WRITE_PERMISSION}' (or "
            f"'Microsoft.ContainerService/managedClusters/identityBindings/*') on {cluster_scope}{identity_part}. "
            "Ask an owner of those scopes for a role that grants them, and check your roles with: "
            "az role assignment list --assignee <your-id> --all")
    if status == 409 and (code or "") == "OperationNotAllowed":
        binding_wait = (f" or, if it is this binding's own create, 'az aks identity-binding wait -g "
                        f"{resource_group_name} --cluster-name {cluster_name} -n {binding_name} --created'"
                        if binding_name else "")
        return AzureResponseError(
            f"{summary} Another operation is in progress on cluster '{cluster_name}'. Wait for it with "
            f"'az aks wait -g {resource_group_name} -n {cluster_name} --updated'{binding_wait}, and run the "
            "command again.")
    if status == 404 and (code or "") in ("InvalidResourceType", "NoRegisteredProviderFound"):
        return ValidationError(
            f"{summary} The subscription does not offer identity bindings at this api-version, which happens "
            "while the preview feature is not registered. Check it with: az feature show --namespace "
            "Microsoft.ContainerService --name IdentityBindingPreview --query properties.state -o tsv")
    if status == 404:
        return ResourceNotFoundError(summary)
    if status in (429,) or (status or 0) >= 500:
        return AzureResponseError(f"{summary} {describe_request(error)} still failed after the retries of the "
                                  "CLI's retry policy. Run the command again later.")
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
    except KeyboardInterrupt as interrupt:
        if check_command is None:
            raise
        raise interrupted(action, check_command) from interrupt
