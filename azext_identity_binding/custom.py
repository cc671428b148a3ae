"""One function per `az aks identity-binding` command: the steps, not the details.

Clients and azure.mgmt packages are imported inside the functions so that loading the
command table stays cheap.
"""

import time

from azure.cli.core.azclierror import (
    AzureResponseError,
    InvalidArgumentValueError,
    RequiredArgumentMissingError,
)
from azure.core.exceptions import HttpResponseError
from knack.log import get_logger

from . import _errors
from ._lro import wait_for

logger = get_logger(__name__)


def _binding_args(resource_group_name, cluster_name, binding_name):
    return f"-g {resource_group_name} --cluster-name {cluster_name} -n {binding_name}"


def create_identity_binding(cmd, client,  # pylint: disable=too-many-positional-arguments
                            resource_group_name, cluster_name, binding_name, managed_identity_resource_id,
                            skip_preflight=False, no_wait=False):
    action = f"Creating identity binding '{binding_name}' on cluster '{cluster_name}'"
    binding_args = _binding_args(resource_group_name, cluster_name, binding_name)
    names = {"binding_name": binding_name, "cluster_name": cluster_name, "resource_group_name": resource_group_name,
             "identity_id": managed_identity_resource_id}

    if not skip_preflight:
        from .preflight import run_create_preflight
        with _errors.translated(f"Checking the prerequisites of identity binding '{binding_name}'",
                                **names):
            run_create_preflight(client, resource_group_name, cluster_name, managed_identity_resource_id)

    parameters = {"properties": {"managedIdentity": {"resourceId": managed_identity_resource_id}}}
    with _errors.translated(action, f"az aks identity-binding show {binding_args}", **names):
        poller = client.begin_create_or_update(resource_group_name, cluster_name, binding_name, parameters,
                                               polling=not no_wait)

    if no_wait:
        logger.warning("The binding is being created. Wait for it with: az aks identity-binding wait %s --created "
                       "--interval 5",
                       binding_args)
        return None

    binding = wait_for(
        cmd.cli_ctx, poller,
        description=f"creating identity binding '{binding_name}' on cluster '{cluster_name}'",
        follow_command=f"az aks identity-binding wait {binding_args} --created --interval 5",
        inspect_command=f"az aks identity-binding show {binding_args}")
    _log_next_steps(binding_args)
    return binding


def _log_next_steps(binding_args):
    from .kubernetes import POD_ANNOTATION, POD_LABEL
    logger.warning(
        "Next, let service accounts in the cluster use the identity (repeat --service-account for each one):\n"
        "  az aks identity-binding generate-rbac %s --service-account NAMESPACE/NAME -o yaml | kubectl apply -f -\n"
        "Then give each pod the label %s: \"%s\" and the annotation %s: \"%s\".",
        binding_args, POD_LABEL[0], POD_LABEL[1], POD_ANNOTATION[0], POD_ANNOTATION[1])


def show_identity_binding(client, resource_group_name, cluster_name, binding_name):
    action = f"Reading identity binding '{binding_name}'"
    with _errors.translated(action):
        try:
            return client.get(resource_group_name, cluster_name, binding_name)
        except HttpResponseError as error:
            raise _not_found_or_error(client, error, action, resource_group_name=resource_group_name,
                                      cluster_name=cluster_name, binding_name=binding_name) from error


def list_identity_bindings(client, resource_group_name, cluster_name):
    action = f"Listing the identity bindings of cluster '{cluster_name}'"
    with _errors.translated(action):
        try:
            return list(client.list_by_managed_cluster(resource_group_name, cluster_name))
        except HttpResponseError as error:
            raise _not_found_or_error(client, error, action, resource_group_name=resource_group_name,
                                      cluster_name=cluster_name) from error


def _not_found_or_error(client, error, action, *, resource_group_name, cluster_name, binding_name=None):
    """Return the CLI error for a failed read; explain a 404 that is neither binding nor cluster."""
    if error.status_code == 404 and not _errors.is_missing_cluster(error):
        code, _ = _errors.error_code_and_message(error)
        if not (binding_name and (code or "").lower() == "notfound"):
            from .preflight import explain_unexpected_not_found
            explained = explain_unexpected_not_found(client, error, action,
                                                     resource_group_name=resource_group_name, cluster_name=cluster_name)
            if explained is not None:
                return explained
    return _errors.from_http_error(error, action, binding_name=binding_name, cluster_name=cluster_name,
                                   resource_group_name=resource_group_name)


def delete_identity_binding(cmd, client,  # pylint: disable=too-many-positional-arguments
                            resource_group_name, cluster_name, binding_name, no_wait=False):
    action = f"Deleting identity binding '{binding_name}' from cluster '{cluster_name}'"
    binding_args = _binding_args(resource_group_name, cluster_name, binding_name)
    names = {"binding_name": binding_name, "cluster_name": cluster_name, "resource_group_name": resource_group_name}

    # Read the binding first: its identity goes into the note on the federated credential, and a
    # missing binding or cluster is reported before anything is deleted.
    with _errors.translated(action, **names):
        try:
            binding = client.get(resource_group_name, cluster_name, binding_name)
        except HttpResponseError as error:
            if not _errors.is_binding_not_found(error):
                raise _not_found_or_error(client, error, action, resource_group_name=resource_group_name,
                                          cluster_name=cluster_name, binding_name=binding_name) from error
            logger.warning("Identity binding '%s' was not found in cluster '%s' (resource group '%s'); "
                           "nothing was deleted.", binding_name, cluster_name, resource_group_name)
            return None

    with _errors.translated(action, f"az aks identity-binding show {binding_args}", **names):
        poller = client.begin_delete(resource_group_name, cluster_name, binding_name, polling=not no_wait)

    if no_wait:
        logger.warning("The binding is being deleted. Wait for it with: az aks identity-binding wait %s --deleted "
                       "--interval 5",
                       binding_args)
    else:
        wait_for(cmd.cli_ctx, poller,
                 description=f"deleting identity binding '{binding_name}' from cluster '{cluster_name}'",
                 follow_command=f"az aks identity-binding wait {binding_args} --deleted --interval 5",
                 inspect_command=f"az aks identity-binding show {binding_args}")
    _log_credential_note(binding)
    return None


def _log_credential_note(binding):
    from .preflight import FEDERATED_CREDENTIAL_NAME
    identity_id = ((binding.get("properties") or {}).get("managedIdentity") or {}).get("resourceId") or ""
    parts = identity_id.split("/")
    if len(parts) < 9:
        return
    group, identity = parts[4], parts[8]
    logger.warning(
        "The federated credential '%s' stays on identity '%s': every binding of that identity, on any cluster, "
        "shares it. Once no binding uses the identity, remove it with:\n"
        "  az identity federated-credential delete -g %s --identity-name %s -n %s --yes",
        FEDERATED_CREDENTIAL_NAME, identity, group, identity, FEDERATED_CREDENTIAL_NAME)


def wait_identity_binding(client, resource_group_name, cluster_name,  # pylint: disable=too-many-positional-arguments
                          binding_name, timeout=3600, interval=30, deleted=False, created=False, updated=False,
                          exists=False, custom=None):
    """Poll the binding until the condition holds; exit non-zero on timeout or failure.

    The condition and the numbers were checked by the argument validator.
    """
    action = f"Waiting for identity binding '{binding_name}'"
    state = None
    # Count the time slept rather than read the clock, so a recorded run plays back the same.
    waited = 0
    while True:
        state = _read_state(client, action, resource_group_name, cluster_name, binding_name,
                            missing_is_expected=bool(deleted or created or exists or custom))
        if state == _MISSING and deleted:
            return None
        if state != _MISSING:
            if exists:
                return None
            if state["state"].lower() in ("failed", "canceled"):
                binding_args = _binding_args(resource_group_name, cluster_name, binding_name)
                raise AzureResponseError(f"Identity binding '{binding_name}' is in state '{state['state']}'. Inspect "
                                         f"it with: az aks identity-binding show {binding_args}")
            if (created or updated) and state["state"].lower() == "succeeded":
                return None
            if custom and _matches(state["binding"], custom):
                return None

        if waited >= timeout:
            last_state = "not found" if state == _MISSING else state["state"]
            raise AzureResponseError(f"Timed out after {timeout} seconds waiting for identity binding "
                                     f"'{binding_name}'; its last state was '{last_state}'. Run the wait again with "
                                     "a larger --timeout.")
        pause = min(interval, timeout - waited)
        time.sleep(pause)
        waited += pause


_MISSING = "missing"


def _read_state(client, action, resource_group_name, cluster_name, binding_name, *, missing_is_expected):
    """Return {"state", "binding"} for the binding, or _MISSING if it or its cluster does not exist."""
    with _errors.translated(action, binding_name=binding_name, cluster_name=cluster_name,
                            resource_group_name=resource_group_name):
        try:
            binding = client.get(resource_group_name, cluster_name, binding_name)
        except HttpResponseError as error:
            # A 404 for the binding or for its cluster means the binding does not exist. Any other
            # 404, such as one for a missing preview registration, is explained instead of waited out.
            missing = _errors.is_binding_not_found(error) or (error.status_code == 404 and
                                                           _errors.is_missing_cluster(error))
            if missing and missing_is_expected:
                return _MISSING
            raise _not_found_or_error(client, error, action, resource_group_name=resource_group_name,
                                      cluster_name=cluster_name, binding_name=binding_name) from error
    return {"state": (binding.get("properties") or {}).get("provisioningState") or "unknown", "binding": binding}


def _matches(binding, query):
    import jmespath
    return bool(jmespath.search(query, binding))


def generate_rbac(cmd, resource_group_name=None, cluster_name=None,  # pylint: disable=too-many-positional-arguments
                  binding_name=None, client_id=None, service_accounts=None, name_prefix=None,
                  with_service_account=False, tenant_id=None):
    """Return a Kubernetes List with the ClusterRole and ClusterRoleBinding (and ServiceAccounts)."""
    from .kubernetes import build_manifests

    if client_id is None:
        client_id, tenant_id = _identity_from_binding(cmd, resource_group_name, cluster_name, binding_name,
                                                      tenant_id)
    elif with_service_account and not tenant_id:
        tenant_id = _signed_in_tenant(cmd.cli_ctx)

    try:
        return build_manifests(client_id, service_accounts or [("default", "default")], name_prefix=name_prefix,
                               tenant_id=tenant_id, with_service_accounts=with_service_account)
    except ValueError as error:
        raise InvalidArgumentValueError(str(error)) from error


def _identity_from_binding(cmd, resource_group_name, cluster_name, binding_name, tenant_id):
    if not (resource_group_name and cluster_name and binding_name):
        raise RequiredArgumentMissingError(
            "Name the binding with -g, --cluster-name and -n (or --ids), or give --client-id to work offline.")
    from ._client_factory import cf_identity_bindings
    client = cf_identity_bindings(cmd.cli_ctx)
    binding = show_identity_binding(client, resource_group_name, cluster_name, binding_name)

    identity = (binding.get("properties") or {}).get("managedIdentity") or {}
    state = (binding.get("properties") or {}).get("provisioningState") or "unknown"
    binding_args = _binding_args(resource_group_name, cluster_name, binding_name)
    if state.lower() in ("failed", "canceled"):
        raise AzureResponseError(
            f"Identity binding '{binding_name}' is in state '{state}', so it grants nothing. Inspect it with "
            f"'az aks identity-binding show {binding_args}', then delete it and create it again.")
    if not identity.get("clientId"):
        raise AzureResponseError(
            f"Identity binding '{binding_name}' has no client ID yet (provisioningState '{state}'). Wait until it is "
            f"created with 'az aks identity-binding wait {binding_args} --created', then run this command again.")
    return identity["clientId"], tenant_id or identity.get("tenantId")


def _signed_in_tenant(cli_ctx):
    from azure.cli.core._profile import Profile
    try:
        return Profile(cli_ctx=cli_ctx).get_subscription()["tenantId"]
    except Exception as error:  # pylint: disable=broad-except
        raise RequiredArgumentMissingError(
            "--with-service-account needs the identity's tenant ID: give --tenant-id, or sign in with 'az login' "
            f"to use your account's tenant ({error}).") from error
