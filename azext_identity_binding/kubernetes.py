"""Build the Kubernetes objects that let service accounts use a managed identity through an
identity binding.

Inside the cluster, Kubernetes RBAC decides which service accounts may use the identity. AKS
checks whether the service account may use the verb `use-managed-identity` on the resource
`<client-id>` in the API group `cid.wi.aks.azure.com`. The objects are plain dicts wrapped in a
`v1` `List`, so the CLI prints them as JSON or YAML and `kubectl apply -f -` accepts the output.

This module imports only the standard library, so commands can import it at run time cheaply.
"""

import re

# Pods opt in to identity bindings with this label and this annotation (key, value).
POD_LABEL = ("azure.workload.identity/use", "true")
POD_ANNOTATION = ("azure.workload.identity/use-identity-binding", "true")

CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id"

RBAC_API_GROUP = "rbac.authorization.k8s.io"
RBAC_API_VERSION = f"{RBAC_API_GROUP}/v1"

# AKS matches the identity's client ID against the rule's `resources`, not `resourceNames`.
USE_IDENTITY_API_GROUP = "cid.wi.aks.azure.com"
USE_IDENTITY_VERB = "use-managed-identity"

DEFAULT_NAME_PREFIX = "use-mi-"
CLUSTER_ROLE_SUFFIX = "-cr"
CLUSTER_ROLE_BINDING_SUFFIX = "-crb"

SERVICE_ACCOUNT_FORM = "NAMESPACE/NAME, for example default/default"

# Kubernetes validates namespaces as DNS-1123 labels and the names of service accounts,
# cluster roles and cluster role bindings as DNS-1123 subdomains.
DNS1123_LABEL_MAX_LENGTH = 63
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1123_LABEL_RULE = (
    "a valid DNS-1123 label, which has at most 63 characters of lowercase letters, digits "
    "and '-' and starts and ends with a letter or digit"
)
_DNS1123_SUBDOMAIN_RULE = (
    "a valid DNS-1123 subdomain, which has at most 253 characters of lowercase letters, "
    "digits, '-' and '.', and in which each part between dots starts and ends with a letter "
    "or digit"
)

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_dns1123_label(value):
    return len(value) <= DNS1123_LABEL_MAX_LENGTH and _DNS1123_LABEL.fullmatch(value) is not None


def is_dns1123_subdomain(value):
    return (len(value) <= DNS1123_SUBDOMAIN_MAX_LENGTH
            and _DNS1123_SUBDOMAIN.fullmatch(value) is not None)


def parse_service_account(value: str) -> tuple[str, str]:
    """Parse `NAMESPACE/NAME` into a (namespace, name) tuple.

    Raises ValueError when the form is wrong, the namespace is not a DNS-1123 label or the name
    is not a DNS-1123 subdomain.
    """
    text = value.strip()

    namespace, separator, name = text.partition("/")
    if not separator or not namespace or not name or "/" in name:
        raise ValueError(
            f"Invalid service account '{text}'. Use the form {SERVICE_ACCOUNT_FORM}.")

    check_service_account(namespace, name)
    return namespace, name


def check_service_account(namespace: str, name: str) -> None:
    """Raise ValueError unless `namespace` and `name` are valid for a Kubernetes service account."""
    value = f"{namespace}/{name}"

    if not is_dns1123_label(namespace):
        raise ValueError(
            f"Invalid service account '{value}'. The namespace '{namespace}' is not "
            f"{_DNS1123_LABEL_RULE}. Use the form {SERVICE_ACCOUNT_FORM}.")

    if not is_dns1123_subdomain(name):
        raise ValueError(
            f"Invalid service account '{value}'. The name '{name}' is not "
            f"{_DNS1123_SUBDOMAIN_RULE}. Use the form {SERVICE_ACCOUNT_FORM}.")


def validate_client_id(value: str) -> str:
    """Return the identity's client ID lower-cased, or raise ValueError if it is not a GUID."""
    return _identity_guid(value, "client ID", "clientId")


def validate_tenant_id(value: str) -> str:
    """Return the identity's tenant ID lower-cased, or raise ValueError if it is not a GUID."""
    return _identity_guid(value, "tenant ID", "tenantId")


def _identity_guid(value, label, query_field):
    text = value.strip()

    if _GUID.fullmatch(text) is None:
        raise ValueError(
            f"Invalid {label} '{text}'. Expected the managed identity's {label}, a GUID "
            f"such as 'az identity show --resource-group RG --name IDENTITY --query {query_field} "
            "-o tsv' prints.")

    return text.lower()


def rbac_object_names(client_id: str, name_prefix: str | None = None) -> tuple[str, str]:
    """Return the (cluster role, cluster role binding) names for an identity.

    Without a prefix both names are `use-mi-<client-id>`. With prefix P they are `P-cr` and
    `P-crb`. The same input always gives the same names, so `kubectl apply` updates the objects
    it created before instead of adding new ones. Raises ValueError for an invalid client ID or a
    prefix that gives a name Kubernetes rejects.
    """
    client_id = validate_client_id(client_id)

    if name_prefix is None:
        name = DEFAULT_NAME_PREFIX + client_id
        return name, name

    role_name = name_prefix + CLUSTER_ROLE_SUFFIX
    binding_name = name_prefix + CLUSTER_ROLE_BINDING_SUFFIX
    for kind, name in (("ClusterRole", role_name), ("ClusterRoleBinding", binding_name)):
        if not is_dns1123_subdomain(name):
            raise ValueError(
                f"Invalid name prefix '{name_prefix}'. The {kind} name '{name}' would not be "
                f"{_DNS1123_SUBDOMAIN_RULE}. Use a lowercase prefix such as 'my-first-ib'.")

    return role_name, binding_name


def build_manifests(client_id, service_accounts, *, name_prefix=None, tenant_id=None,
                    with_service_accounts=False) -> dict:
    """Build a `v1` `List` with the ClusterRole and ClusterRoleBinding that let the given service
    accounts use the identity, and optionally one annotated ServiceAccount per service account.

    `service_accounts` is a non-empty sequence of (namespace, name) pairs. Duplicates are dropped
    and the first occurrence keeps its place. `with_service_accounts=True` requires `tenant_id`.
    Raises ValueError for any invalid input.
    """
    client_id = validate_client_id(client_id)
    role_name, binding_name = rbac_object_names(client_id, name_prefix)

    if tenant_id is not None:
        tenant_id = validate_tenant_id(tenant_id)
    if with_service_accounts and tenant_id is None:
        raise ValueError(
            "Missing tenant ID. Creating ServiceAccount objects requires the managed identity's "
            "tenant ID for the annotation " + TENANT_ID_ANNOTATION + ".")

    subjects = list(dict.fromkeys(tuple(pair) for pair in service_accounts))
    if not subjects:
        raise ValueError(
            f"Missing service account. Give at least one in the form {SERVICE_ACCOUNT_FORM}.")
    for namespace, name in subjects:
        check_service_account(namespace, name)

    items = [
        build_cluster_role(role_name, client_id),
        build_cluster_role_binding(binding_name, role_name, subjects),
    ]
    if with_service_accounts:
        items.extend(build_service_account(namespace, name, client_id, tenant_id)
                     for namespace, name in subjects)

    return {"apiVersion": "v1", "kind": "List", "items": items}


def build_cluster_role(name, client_id):
    return {
        "apiVersion": RBAC_API_VERSION,
        "kind": "ClusterRole",
        "metadata": {"name": name},
        "rules": [
            {
                "verbs": [USE_IDENTITY_VERB],
                "apiGroups": [USE_IDENTITY_API_GROUP],
                "resources": [client_id],
            },
        ],
    }


def build_cluster_role_binding(name, role_name, subjects):
    return {
        "apiVersion": RBAC_API_VERSION,
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name},
        "roleRef": {"apiGroup": RBAC_API_GROUP, "kind": "ClusterRole", "name": role_name},
        "subjects": [
            {"kind": "ServiceAccount", "name": account_name, "namespace": namespace}
            for namespace, account_name in subjects
        ],
    }


def build_service_account(namespace, name, client_id, tenant_id):
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "annotations": {
                CLIENT_ID_ANNOTATION: client_id,
                TENANT_ID_ANNOTATION: tenant_id,
            },
        },
    }
