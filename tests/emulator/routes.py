"""The route table: which handler serves each method and path.

Literal path segments match case-insensitively, as ARM matches resource IDs, so
`resourcegroups` and `resourceGroups` reach the same handler.
"""

import re

from . import bindings, login, resources
from .responses import ArmError

SUBSCRIPTION = "/subscriptions/{sub}"
GROUP = SUBSCRIPTION + "/resourceGroups/{rg}"
CLUSTERS = "/providers/Microsoft.ContainerService/managedClusters"
CLUSTER = GROUP + CLUSTERS + "/{cluster}"
IDENTITIES = "/providers/Microsoft.ManagedIdentity/userAssignedIdentities"
IDENTITY = GROUP + IDENTITIES + "/{name}"
OPERATIONS = SUBSCRIPTION + "/providers/Microsoft.ContainerService/locations/{location}"
FEATURES = SUBSCRIPTION + "/providers/Microsoft.Features/providers/{namespace}/features"

ARM_ROUTES = [
    ("GET", "/subscriptions", resources.list_subscriptions),
    ("GET", "/tenants", resources.list_tenants),
    ("GET", SUBSCRIPTION, resources.get_subscription),
    ("GET", SUBSCRIPTION + "/resourceGroups", resources.list_resource_groups),
    ("GET", GROUP, resources.get_resource_group),
    ("HEAD", GROUP, resources.check_resource_group),
    ("GET", SUBSCRIPTION + "/resources", resources.list_resources),
    ("GET", GROUP + "/resources", resources.list_resources),

    ("GET", SUBSCRIPTION + CLUSTERS, resources.list_clusters),
    ("GET", GROUP + CLUSTERS, resources.list_clusters),
    ("GET", GROUP + CLUSTERS + "/{name}", resources.get_cluster),

    ("GET", CLUSTER + "/identityBindings", bindings.list_bindings),
    ("GET", CLUSTER + "/identityBindings/{name}", bindings.get_binding),
    ("PUT", CLUSTER + "/identityBindings/{name}", bindings.put_binding),
    ("DELETE", CLUSTER + "/identityBindings/{name}", bindings.delete_binding),
    ("GET", OPERATIONS + "/operations/{operation_id}", bindings.get_operation_status),
    ("GET", OPERATIONS + "/operationresults/{operation_id}", bindings.get_operation_result),

    ("GET", SUBSCRIPTION + IDENTITIES, resources.list_identities),
    ("GET", GROUP + IDENTITIES, resources.list_identities),
    ("GET", IDENTITY, resources.get_identity),
    ("GET", IDENTITY + "/federatedIdentityCredentials", resources.list_credentials),
    ("GET", IDENTITY + "/federatedIdentityCredentials/{credential}", resources.get_credential),
    ("PUT", IDENTITY + "/federatedIdentityCredentials/{credential}", resources.put_credential),
    ("DELETE", IDENTITY + "/federatedIdentityCredentials/{credential}",
     resources.delete_credential),

    ("GET", FEATURES, resources.list_features),
    ("GET", FEATURES + "/{name}", resources.get_feature),
    ("POST", FEATURES + "/{name}/register", resources.register_feature),
    ("POST", FEATURES + "/{name}/unregister", resources.unregister_feature),
    ("GET", SUBSCRIPTION + "/providers/{namespace}", resources.get_provider),
    ("POST", SUBSCRIPTION + "/providers/{namespace}/register", resources.register_provider),
]

LOGIN_ROUTES = [
    ("GET", "/{tenant}/v2.0/.well-known/openid-configuration", login.openid_configuration),
    ("POST", "/{tenant}/oauth2/v2.0/token", login.issue_token),
]


class Router:
    """Resolve a method and an unquoted path to a handler and its path parameters."""

    def __init__(self, routes):
        self._routes = [(method, compile_template(template), handler)
                        for method, template, handler in routes]

    def resolve(self, method, path):
        """Return `(handler, params)`, or raise ArmError 404 or 405 when no route fits."""
        allowed = []
        for route_method, pattern, handler in self._routes:
            match = pattern.match(path)
            if match is None:
                continue
            if route_method == method:
                return handler, match.groupdict()
            allowed.append(route_method)

        if allowed:
            raise ArmError(405, "MethodNotAllowed",
                           f"The emulator does not support {method} on '{path}'. Allowed: "
                           f"{', '.join(sorted(set(allowed)))}.",
                           headers={"Allow": ", ".join(sorted(set(allowed)))})
        raise ArmError(404, "EmulatorRouteNotFound",
                       f"The emulator has no route for {method} '{path}'.")


def compile_template(template):
    parts = []
    for segment in template.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("^/" + "/".join(parts) + "/?$", re.IGNORECASE)


arm_router = Router(ARM_ROUTES)
login_router = Router(LOGIN_ROUTES)
