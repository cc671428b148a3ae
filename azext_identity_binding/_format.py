"""Table output for `-o table`."""

from collections import OrderedDict


def _identity_name(resource_id):
    return resource_id.rstrip("/").rsplit("/", 1)[-1] if resource_id else ""


def binding_row(binding):
    """Return one table row; fields the service has not filled in yet (while Creating) stay empty."""
    properties = binding.get("properties") or {}
    identity = properties.get("managedIdentity") or {}
    issuer = properties.get("oidcIssuer") or {}
    return OrderedDict([
        ("Name", binding.get("name", "")),
        ("Identity", _identity_name(identity.get("resourceId"))),
        ("ClientId", identity.get("clientId", "")),
        ("OidcIssuerUrl", issuer.get("oidcIssuerUrl", "")),
        ("ProvisioningState", properties.get("provisioningState", "")),
    ])


def transform_binding_table(result):
    # show with several --ids returns a list of bindings.
    if isinstance(result, list):
        return transform_binding_list_table(result)
    return [binding_row(result)] if result else []


def transform_binding_list_table(result):
    return [binding_row(binding) for binding in result or []]
