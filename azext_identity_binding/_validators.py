"""Checks and normalisation of user input, before any request is sent.

Validators raise ValueError: the CLI hands any exception other than a CLIError raised by a
validator to the parser, which prints it and exits with code 2 (invalid arguments).
"""

import re

from knack.log import get_logger

logger = get_logger(__name__)

IDENTITY_ID_FORM = ("/subscriptions/<subscription-id>/resourceGroups/<resource-group>"
                    "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<identity-name>")
IDENTITY_ID_HINT = "az identity show -g <resource-group> -n <identity-name> --query id -o tsv"

BINDING_NAME_RULE = ("1 to 63 characters: lowercase letters, digits and '-', starting with a letter "
                     "(the AKS walkthrough uses '-'; the API specification's pattern has no '-', so the service "
                     "may reject it)")
CLUSTER_NAME_RULE = ("1 to 63 characters: letters, digits, '-' and '_', starting and ending with a "
                     "letter or digit")

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_GIT_BASH_PREFIX = re.compile(r"^[A-Za-z]:/.*?/(?=subscriptions/)", re.IGNORECASE)
_RESOURCE_ID = re.compile(
    r"^/subscriptions/(?P<subscription>[^/]+)/resourceGroups/(?P<group>[^/]+)"
    r"/providers/(?P<namespace>[^/]+)/(?P<type>[^/]+)/(?P<name>[^/]+)(?P<child>/.*)?$",
    re.IGNORECASE)
# Resource group and identity names: ARM allows letters (Unicode included), digits and _ . ( ) -
_ARM_NAME = re.compile(r"^[\w.()-]+$")
_BINDING_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_CLUSTER_NAME = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$")


def is_guid(value):
    return bool(_GUID.fullmatch(value or ""))


def _strip(value, option):
    """Drop surrounding whitespace and carriage returns (from Windows files and `$(...)`)."""
    stripped = value.strip()
    if stripped != value:
        logger.debug("Removed surrounding whitespace from %s %r.", option, value)
    return stripped


def parse_identity_resource_id(value):
    """Return the identity ID in its canonical form, or raise ValueError that shows the fix."""
    option = "--managed-identity-resource-id"
    value = _strip(value or "", option)
    expected = f"Expected the identity's resource ID, {IDENTITY_ID_FORM}. Get it with: {IDENTITY_ID_HINT}"

    if not value:
        raise ValueError(f"{option} is empty. {expected}")
    if _GIT_BASH_PREFIX.match(value):
        raise ValueError(
            f"{option} value '{value}' looks like a path that Git Bash rewrote: it turned the leading '/' into a "
            "Windows folder. Run 'export MSYS_NO_PATHCONV=1' (or start the ID with '//') and run the "
            f"command again. {expected}")
    if is_guid(value):
        raise ValueError(
            f"{option} value '{value}' is a GUID, probably the identity's client ID or principal ID, not its "
            f"resource ID. {expected}")
    if value.startswith("//"):
        # Git Bash leaves a path that starts with '//' alone; the ID itself starts with one '/'.
        value = value[1:]
    if value.lower().startswith("subscriptions/"):
        raise ValueError(f"{option} value '{value}' is missing the leading '/'. {expected}")

    match = _RESOURCE_ID.fullmatch(value.rstrip("/"))
    if not match:
        raise ValueError(f"{option} value '{value}' is not a resource ID. {expected}")

    resource_type = f"{match.group('namespace')}/{match.group('type')}"
    if resource_type.lower() != "microsoft.managedidentity/userassignedidentities" or match.group("child"):
        found = resource_type + (match.group("child") or "")
        raise ValueError(
            f"{option} value '{value}' is the ID of a {found} resource, not of a user-assigned managed identity. "
            f"{expected}")
    subscription = match.group("subscription")
    if not is_guid(subscription):
        raise ValueError(f"{option} value '{value}' has subscription '{subscription}', which is not a GUID. {expected}")
    for part, label in (("group", "resource group"), ("name", "identity name")):
        if not _ARM_NAME.fullmatch(match.group(part)):
            raise ValueError(f"{option} value '{value}' has an invalid {label} '{match.group(part)}': use letters, "
                             f"digits and _ . ( ) -. {expected}")

    return (f"/subscriptions/{subscription.lower()}/resourceGroups/{match.group('group')}"
            f"/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{match.group('name')}")


def check_binding_name(value):
    """Raise ValueError for a binding name that no known rule allows; return it stripped.

    The API specification allows ``^[a-z][a-z0-9]{0,63}$`` while the AKS walkthrough uses
    ``my-first-ib``, so hyphens pass here and the service has the last word.
    """
    value = _strip(value or "", "--name")
    if not value:
        raise ValueError(f"The identity binding name is empty. Use {BINDING_NAME_RULE}.")
    if len(value) > 63:
        raise ValueError(
            f"Identity binding name '{value}' has {len(value)} characters, more than 63. Use {BINDING_NAME_RULE}.")
    if not _BINDING_NAME.fullmatch(value):
        hint = f" Try '{value.lower()}'." if _BINDING_NAME.fullmatch(value.lower()) else ""
        raise ValueError(f"Identity binding name '{value}' is invalid. Use {BINDING_NAME_RULE}.{hint}")
    return value


def check_cluster_name(value):
    value = _strip(value or "", "--cluster-name")
    if not _CLUSTER_NAME.fullmatch(value):
        raise ValueError(f"Cluster name '{value}' is invalid. Use {CLUSTER_NAME_RULE}.")
    return value


def validate_identity_resource_id(namespace):
    namespace.managed_identity_resource_id = parse_identity_resource_id(namespace.managed_identity_resource_id)


def validate_binding_name(namespace):
    if namespace.binding_name is not None:
        namespace.binding_name = check_binding_name(namespace.binding_name)


def validate_cluster_name(namespace):
    if namespace.cluster_name is not None:
        namespace.cluster_name = check_cluster_name(namespace.cluster_name)


def validate_rbac_arguments(namespace):
    """Check generate-rbac's input: a binding to read or an offline client ID, and the service accounts."""
    from .kubernetes import parse_service_account, rbac_object_names, validate_client_id, validate_tenant_id

    binding_given = any((namespace.resource_group_name, namespace.cluster_name, namespace.binding_name))
    if namespace.client_id is not None:
        if binding_given:
            raise ValueError("Give either the binding (-g, --cluster-name and -n, or --ids) or --client-id, "
                             "not both.")
        namespace.client_id = validate_client_id(namespace.client_id)
    elif not (namespace.resource_group_name and namespace.cluster_name and namespace.binding_name):
        raise ValueError("Name the binding with -g, --cluster-name and -n (or --ids), or give --client-id "
                         "to generate the objects offline.")
    if namespace.tenant_id is not None:
        namespace.tenant_id = validate_tenant_id(namespace.tenant_id)
    if namespace.service_accounts:
        namespace.service_accounts = [parse_service_account(value) for value in namespace.service_accounts]
    if namespace.name_prefix is not None:
        # Any valid client ID will do: only the prefix decides whether the names are valid.
        rbac_object_names("00000000-0000-0000-0000-000000000000", namespace.name_prefix)


def validate_wait_arguments(namespace):
    """Check wait's condition and numbers, so a usage mistake exits 2 before any request."""
    conditions = (namespace.created, namespace.updated, namespace.deleted, namespace.exists, namespace.custom)
    if not any(conditions):
        raise ValueError("Give a condition: --created, --updated, --deleted, --exists or --custom JMESPATH.")
    if namespace.interval <= 0 or namespace.timeout <= 0:
        raise ValueError(f"--interval ({namespace.interval}) and --timeout ({namespace.timeout}) must be positive "
                         "numbers of seconds.")
    if namespace.custom:
        import jmespath
        try:
            jmespath.compile(namespace.custom)
        except jmespath.exceptions.JMESPathError as error:
            raise ValueError(f"--custom '{namespace.custom}' is not a valid JMESPath query: {error}") from error
