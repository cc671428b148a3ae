"""Checks of the prerequisites of a binding, sent before create's PUT.

The reads run concurrently, so together they cost about one round trip. A check that the
caller may not read (403) is skipped with a warning: the PUT itself has the last word.
"""

from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

from azure.cli.core.azclierror import ResourceNotFoundError, ValidationError
from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest
from knack.log import get_logger

from . import _errors

logger = get_logger(__name__)

FEATURE_NAMESPACE = "Microsoft.ContainerService"
# The AKS documentation names the preview feature IdentityBindingPreview; the AKS examples
# repository names it IdentityBinding. Either one registered is enough.
FEATURE_NAMES = ("IdentityBindingPreview", "IdentityBinding")
FEATURES_API_VERSION = "2021-07-01"
# The first stable api-version of federated identity credentials.
MSI_API_VERSION = "2023-01-31"
MAX_FEDERATED_CREDENTIALS = 20
FEDERATED_CREDENTIAL_NAME = "aks-identity-binding"

FORBIDDEN = "forbidden"
NOT_FOUND = "not found"
OTHER_SUBSCRIPTION = "other subscription"


# A failed check: the CLI error class to raise and its message.
Problem = namedtuple("Problem", ["error_class", "message"])


def run_create_preflight(client, resource_group_name, cluster_name, identity_id):
    """Raise the CLI error for the first failed prerequisite; warn about the soft ones."""
    identity_parts = identity_id.split("/")
    identity_group, identity_name = identity_parts[4], identity_parts[8]

    with ThreadPoolExecutor(max_workers=4) as pool:
        features = {name: pool.submit(read_feature_state, client, name) for name in FEATURE_NAMES}
        cluster = pool.submit(read_cluster, client, resource_group_name, cluster_name)
        credentials = pool.submit(read_federated_credentials, client, identity_id, identity_name)
        feature_states = {name: future.result() for name, future in features.items()}
        cluster_result = cluster.result()
        credentials_result = credentials.result()

    problems = [
        check_cluster(cluster_result, resource_group_name, cluster_name),
        check_identity(credentials_result, identity_id, identity_group, identity_name),
        check_features(feature_states, client.subscription_id),
    ]
    problems = [problem for problem in problems if problem is not None]
    if problems:
        message = "\n".join(problem.message for problem in problems)
        raise problems[0].error_class(f"{message}\nNothing was created.")


def explain_unexpected_not_found(client, error, action, *, resource_group_name, cluster_name):
    """Return a CLI error for a 404 that names neither the binding nor the cluster, or None.

    Subscriptions without the preview feature have been reported to return 404 on the
    identity bindings endpoints; check the cluster and the registration to say which.
    """
    with ThreadPoolExecutor(max_workers=3) as pool:
        features = {name: pool.submit(read_feature_state, client, name) for name in FEATURE_NAMES}
        cluster = pool.submit(read_cluster, client, resource_group_name, cluster_name)
        feature_states = {name: future.result() for name, future in features.items()}
        cluster_result = cluster.result()

    problem = check_cluster(cluster_result, resource_group_name, cluster_name, warn=False)
    if problem is None:
        problem = check_features(feature_states, client.subscription_id, warn=False)
    if problem is None:
        return None
    code, message = _errors.error_code_and_message(error)
    return problem.error_class(f"{action} failed: {message} ({code}).\n{problem.message}")


# Reads. Each returns the JSON, NOT_FOUND or FORBIDDEN, and raises for anything else.

def read_feature_state(client, feature_name):
    url = (f"/subscriptions/{client.subscription_id}/providers/Microsoft.Features/providers/{FEATURE_NAMESPACE}"
           f"/features/{feature_name}")
    request = HttpRequest("GET", url, params={"api-version": FEATURES_API_VERSION})
    response = client.send_request(request)
    logger.debug("Preflight: feature %s/%s: HTTP %s", FEATURE_NAMESPACE, feature_name, response.status_code)
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 403:
        return FORBIDDEN
    response.raise_for_status()
    state = (response.json().get("properties") or {}).get("state") or "Unknown"
    logger.debug("Preflight: feature %s/%s: %s", FEATURE_NAMESPACE, feature_name, state)
    return state


def _outcome_of(error, subject):
    """Return NOT_FOUND or FORBIDDEN for a 404 or 403 on ``subject``; re-raise anything else."""
    logger.debug("Preflight: %s: HTTP %s", subject, error.status_code)
    if error.status_code == 404:
        return NOT_FOUND
    if error.status_code == 403:
        return FORBIDDEN
    raise error


def read_cluster(client, resource_group_name, cluster_name):
    try:
        cluster = client.get_managed_cluster(resource_group_name, cluster_name)
    except HttpResponseError as error:
        return _outcome_of(error, f"cluster {cluster_name}")
    logger.debug("Preflight: cluster %s: found", cluster_name)
    return cluster


def read_federated_credentials(client, identity_id, identity_name):
    """Return the names of the identity's federated credentials (a 404 means no identity).

    Read through the bindings client's own pipeline rather than a second (azure-mgmt-msi)
    client: that saves building another client and connection pool, which kept the checks
    above one round trip (benchmarks/run.py).
    """
    names = []
    request = HttpRequest("GET", f"{identity_id}/federatedIdentityCredentials",
                          params={"api-version": MSI_API_VERSION})
    while request is not None:
        response = client.send_request(request)
        if response.status_code in (403, 404):
            code, _ = _errors.error_code_and_message(HttpResponseError(response=response))
            logger.debug("Preflight: identity %s: HTTP %s %s", identity_name, response.status_code, code)
            if code == "SubscriptionNotFound":
                return OTHER_SUBSCRIPTION
            return NOT_FOUND if response.status_code == 404 else FORBIDDEN
        response.raise_for_status()
        page = response.json()
        names.extend(credential.get("name") for credential in page.get("value") or [])
        next_link = page.get("nextLink")
        request = HttpRequest("GET", next_link) if next_link else None
    logger.debug("Preflight: identity %s: %d federated credentials", identity_name, len(names))
    return names


# Checks. Each returns a Problem or None, and logs the warnings of a soft failure.

def _skip_warning(check, permission, scope):
    logger.warning("Skipped the %s check: you may not read %s ('%s'). The service checks it when the binding is "
                   "created.", check, scope, permission)


def check_features(states, subscription_id, warn=True):
    if any(state == "Registered" for state in states.values()):
        return None
    if all(state == NOT_FOUND for state in states.values()):
        logger.debug("Preflight: neither %s is known to the subscription; the preview has probably ended, so the "
                     "feature check passes.", " nor ".join(FEATURE_NAMES))
        return None
    if any(state == FORBIDDEN for state in states.values()):
        if warn:
            _skip_warning("preview feature registration", "Microsoft.Features/providers/features/read",
                          f"the features of subscription {subscription_id}")
        return None

    described = ", ".join(f"{name}: {state}" for name, state in states.items())
    feature_name = FEATURE_NAMES[0]
    register = (f"  az feature register --namespace {FEATURE_NAMESPACE} --name {feature_name}\n"
                f"  az feature show --namespace {FEATURE_NAMESPACE} --name {feature_name} "
                "--query properties.state -o tsv   (repeat until it prints Registered; this takes 10 to 15 minutes)\n"
                f"  az provider register --namespace {FEATURE_NAMESPACE}")
    if any(state in ("Registering", "Pending") for state in states.values()):
        registering_feature = next(name for name, state in states.items() if state in ("Registering", "Pending"))
        return Problem(ValidationError,
                       f"The identity binding preview is still being registered in subscription {subscription_id} "
                       f"({described}). Wait until it is Registered, then register the provider again:\n"
                       f"  az feature show --namespace {FEATURE_NAMESPACE} --name {registering_feature} "
                       "--query properties.state -o tsv\n"
                       f"  az provider register --namespace {FEATURE_NAMESPACE}")
    return Problem(ValidationError,
                   f"The identity binding preview is not registered in subscription {subscription_id} ({described}). "
                   f"Register it with:\n{register}")


def check_cluster(cluster, resource_group_name, cluster_name, warn=True):
    if cluster == NOT_FOUND:
        error = _errors.cluster_not_found(cluster_name, resource_group_name)
        return Problem(ResourceNotFoundError, error.error_msg)
    if cluster == FORBIDDEN:
        if warn:
            _skip_warning("cluster", "Microsoft.ContainerService/managedClusters/read", f"cluster {cluster_name}")
        return None
    if not warn:
        return None

    properties = cluster.get("properties") or {}
    oidc_enabled = bool((properties.get("oidcIssuerProfile") or {}).get("enabled"))
    workload_identity_enabled = bool(
        ((properties.get("securityProfile") or {}).get("workloadIdentity") or {}).get("enabled"))
    missing = []
    if not oidc_enabled:
        missing.append(("the OIDC issuer", "--enable-oidc-issuer"))
    if not workload_identity_enabled:
        missing.append(("workload identity", "--enable-workload-identity"))
    if missing:
        logger.warning("Cluster '%s' has %s turned off: the binding can be created, but pods will get no token. "
                       "Turn it on with:\n  az aks update -g %s -n %s %s",
                       cluster_name, " and ".join(label for label, _ in missing), resource_group_name, cluster_name,
                       " ".join(flag for _, flag in missing))
    return None


def check_identity(credential_names, identity_id, identity_group, identity_name):
    if credential_names == NOT_FOUND:
        return Problem(ResourceNotFoundError,
                       f"Managed identity '{identity_id}' was not found. Check the ID with: "
                       f"az identity show --ids {identity_id}")
    if credential_names == OTHER_SUBSCRIPTION:
        logger.warning("Skipped the identity check: the identity's subscription is not visible to the signed-in "
                       "account ('az account list'). The service checks the identity when the binding is created; "
                       "pass --skip-preflight to skip this check.")
        return None
    if credential_names == FORBIDDEN:
        _skip_warning("identity", "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read",
                      f"identity {identity_name}")
        return None
    if len(credential_names) >= MAX_FEDERATED_CREDENTIALS and FEDERATED_CREDENTIAL_NAME not in credential_names:
        return Problem(ValidationError,
                       f"Managed identity '{identity_name}' already has {len(credential_names)} federated identity "
                       f"credentials, the limit is {MAX_FEDERATED_CREDENTIALS}, and the binding needs one more "
                       f"('{FEDERATED_CREDENTIAL_NAME}'). Remove one you no longer use; list them with:\n"
                       f"  az identity federated-credential list -g {identity_group} --identity-name {identity_name} "
                       "-o table")
    return None
