"""In-memory resources of one emulated subscription, and how a scenario fills them.

Every lookup compares names case-insensitively, as ARM compares resource IDs. Callers hold
`Store.lock` while they read or change anything here.
"""

import copy
import re
import threading
import time
import uuid

from .responses import ArmError
from .scenario import DEFAULT_SETTINGS, ScenarioError, split_scenario

CLUSTER_TYPE = "Microsoft.ContainerService/ManagedClusters"
IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities"
CREDENTIAL_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"
BINDING_TYPE = "Microsoft.ContainerService/managedClusters/identityBindings"

BINDING_CREDENTIAL_NAME = "aks-identity-binding"
TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
DEFAULT_KUBERNETES_VERSION = "1.33.2"

# A user-assigned identity can have at most this many federated identity credentials.
MAX_CREDENTIALS = 20

IDENTITY_ID_PATTERN = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/"
    r"microsoft\.managedidentity/userassignedidentities/(?P<name>[^/]+)/?$",
    re.IGNORECASE,
)


def stable_guid(*parts):
    """Return a GUID derived from the parts, so re-recordings see the same IDs."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(part.lower() for part in parts)))


def new_etag():
    return str(uuid.uuid4())


class Store:
    """Settings, resources and running operations of the emulated subscription."""

    def __init__(self, document=None):
        self.lock = threading.RLock()
        self.issued_tokens = set()
        self.settings = copy.deepcopy(DEFAULT_SETTINGS)
        self.resource_groups = {}
        self.clusters = {}
        self.identities = {}
        self.features = {}
        self.bindings = {}
        self.operations = {}
        if document:
            self.reset(document)

    # Scenario loading

    def reset(self, document):
        """Replace every setting and resource with the scenario's, and return its fault rules."""
        settings, resources = split_scenario(document)
        with self.lock:
            self.settings = copy.deepcopy(DEFAULT_SETTINGS)
            self.resource_groups = {}
            self.clusters = {}
            self.identities = {}
            self.features = {}
            self.bindings = {}
            self.operations = {}
            self._apply(settings, resources)
        return resources["faults"]

    def merge(self, document):
        """Merge a scenario into the current state, and return its fault rules.

        Settings replace the current ones, features merge by name (null removes one), and
        resources are added or replaced by resource group and name.
        """
        settings, resources = split_scenario(document)
        with self.lock:
            self._apply(settings, resources)
        return resources["faults"]

    def _apply(self, settings, resources):
        principal = settings.pop("servicePrincipal", None)
        self.settings.update(settings)
        if principal:
            self.settings["servicePrincipal"] = {**self.settings["servicePrincipal"], **principal}

        for name, state in resources["features"].items():
            if state is None:
                self.features.pop(name.lower(), None)
            else:
                self.features[name.lower()] = {"name": name, "state": state, "since": time.time()}

        for entry in resources["resourceGroups"]:
            self._add_resource_group(entry)
        for entry in resources["clusters"]:
            self._add_cluster(entry)
        for entry in resources["identities"]:
            self._add_identity(entry)
        for entry in resources["bindings"]:
            self._add_binding(entry)

    def _add_resource_group(self, entry):
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
            raise ScenarioError("Each 'resourceGroups' entry must be a name or an object with 'name'.")
        unknown = set(entry) - {"name", "location"}
        if unknown:
            raise ScenarioError(f"'resourceGroups' entry has unknown keys: {', '.join(sorted(unknown))}.")
        self.resource_groups[entry["name"].lower()] = {
            "name": entry["name"],
            "location": entry.get("location") or self.settings["location"],
        }

    def _ensure_resource_group(self, name):
        if name.lower() not in self.resource_groups:
            self._add_resource_group(name)

    def _add_cluster(self, entry):
        self._ensure_resource_group(entry["resourceGroup"])
        key = (entry["resourceGroup"].lower(), entry["name"].lower())
        self.clusters[key] = {
            "resourceGroup": entry["resourceGroup"],
            "name": entry["name"],
            "location": entry.get("location") or self.settings["location"],
            "kubernetesVersion": entry.get("kubernetesVersion", DEFAULT_KUBERNETES_VERSION),
            "oidcIssuer": bool(entry.get("oidcIssuer", True)),
            "workloadIdentity": bool(entry.get("workloadIdentity", True)),
        }

    def _add_identity(self, entry):
        self._ensure_resource_group(entry["resourceGroup"])
        key = (entry["resourceGroup"].lower(), entry["name"].lower())
        previous = self.identities.get(key)
        identity = {
            "resourceGroup": entry["resourceGroup"],
            "name": entry["name"],
            "location": entry.get("location") or self.settings["location"],
            "credentials": previous["credentials"] if previous else {},
        }
        if "federatedCredentials" in entry:
            identity["credentials"] = self._scenario_credentials(entry["federatedCredentials"])
        self.identities[key] = identity

    def _scenario_credentials(self, spec):
        if isinstance(spec, int):
            spec = [{"name": f"credential{index + 1}"} for index in range(spec)]
        credentials = {}
        for index, item in enumerate(spec):
            credentials[item["name"].lower()] = {
                "name": item["name"],
                "issuer": item.get("issuer", f"https://issuer.example.test/{index + 1}"),
                "subject": item.get("subject", f"system:serviceaccount:default:workload{index + 1}"),
                "audiences": list(item.get("audiences", [TOKEN_EXCHANGE_AUDIENCE])),
            }
        return credentials

    def _add_binding(self, entry):
        cluster_name = entry.get("clusterName")
        if not isinstance(cluster_name, str) or not isinstance(entry.get("identity"), str):
            raise ScenarioError(
                f"Binding '{entry['name']}' needs 'clusterName' and 'identity' (a resource ID or "
                "'resourceGroup/name')."
            )
        cluster = self.clusters.get((entry["resourceGroup"].lower(), cluster_name.lower()))
        if cluster is None:
            raise ScenarioError(
                f"Binding '{entry['name']}' names cluster '{entry['resourceGroup']}/{cluster_name}', "
                "which the scenario does not define."
            )
        identity_id = entry["identity"]
        if not identity_id.startswith("/"):
            group, _, name = identity_id.partition("/")
            identity_id = self.identity_id(group, name)
        identity = self.find_identity_by_id(identity_id)
        if identity is None:
            raise ScenarioError(
                f"Binding '{entry['name']}' names identity '{entry['identity']}', which the "
                "scenario does not define."
            )
        if not self.ensure_binding_credential(identity):
            raise ScenarioError(
                f"Binding '{entry['name']}' needs a federated credential slot on identity "
                f"'{identity['name']}', which already has 20."
            )

        extra = {}
        if "allowedSubjects" in entry:
            extra["allowedSubjects"] = entry["allowedSubjects"]
        key = (cluster["resourceGroup"].lower(), cluster["name"].lower(), entry["name"].lower())
        self.bindings[key] = {
            "resourceGroup": cluster["resourceGroup"],
            "clusterName": cluster["name"],
            "name": entry["name"],
            "identityId": identity_id,
            "managedBy": entry.get("managedBy"),
            "extraProperties": extra,
            "state": "Succeeded",
            "eTag": new_etag(),
            "resolved": self.identity_profile(identity),
            "issuerUrl": self.identity_issuer_url(identity),
            "operationId": None,
        }

    # IDs and bodies

    @property
    def subscription_id(self):
        return self.settings["subscriptionId"]

    @property
    def tenant_id(self):
        return self.settings["tenantId"]

    def resource_group_id(self, group):
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{group}"

    def cluster_id(self, cluster):
        return (f"{self.resource_group_id(cluster['resourceGroup'])}/providers/"
                f"Microsoft.ContainerService/managedClusters/{cluster['name']}")

    def identity_id(self, group, name):
        return (f"{self.resource_group_id(group)}/providers/"
                f"Microsoft.ManagedIdentity/userAssignedIdentities/{name}")

    def listed_identity_id(self, identity):
        """Return the identity's ID as Microsoft.ManagedIdentity returns it.

        That service writes `resourcegroups` in lower case, so `az identity show --query id`
        prints it that way. Clients must compare resource IDs case-insensitively.
        """
        return (f"/subscriptions/{self.subscription_id}/resourcegroups/{identity['resourceGroup']}"
                f"/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{identity['name']}")

    def identity_profile(self, identity):
        """Return the clientId, objectId and tenantId a binding reports for an identity."""
        resource_id = self.identity_id(identity["resourceGroup"], identity["name"])
        return {
            "clientId": stable_guid("client", resource_id),
            "objectId": stable_guid("principal", resource_id),
            "tenantId": self.tenant_id,
        }

    def identity_issuer_url(self, identity):
        """Return the OIDC issuer URL the service gives every binding of this identity."""
        profile = self.identity_profile(identity)
        return f"https://ib.oic.prod-aks.azure.com/{profile['tenantId']}/{profile['clientId']}"

    def cluster_body(self, cluster):
        cluster_id = self.cluster_id(cluster)
        issuer_profile = {"enabled": cluster["oidcIssuer"]}
        if cluster["oidcIssuer"]:
            issuer_profile["issuerURL"] = (
                f"https://{cluster['location']}.oic.prod-aks.azure.com/{self.tenant_id}/"
                f"{stable_guid('issuer', cluster_id)}/"
            )
        dns_prefix = f"{cluster['name'][:45]}-dns"
        return {
            "id": cluster_id,
            "name": cluster["name"],
            "type": CLUSTER_TYPE,
            "location": cluster["location"],
            "sku": {"name": "Base", "tier": "Free"},
            "identity": {
                "type": "SystemAssigned",
                "principalId": stable_guid("cluster-principal", cluster_id),
                "tenantId": self.tenant_id,
            },
            "properties": {
                "provisioningState": "Succeeded",
                "powerState": {"code": "Running"},
                "kubernetesVersion": cluster["kubernetesVersion"],
                "currentKubernetesVersion": cluster["kubernetesVersion"],
                "dnsPrefix": dns_prefix,
                "fqdn": f"{dns_prefix}.hcp.{cluster['location']}.azmk8s.io",
                "nodeResourceGroup": f"MC_{cluster['resourceGroup']}_{cluster['name']}_{cluster['location']}",
                "oidcIssuerProfile": issuer_profile,
                "securityProfile": {"workloadIdentity": {"enabled": cluster["workloadIdentity"]}},
            },
        }

    def identity_body(self, identity):
        profile = self.identity_profile(identity)
        return {
            "id": self.listed_identity_id(identity),
            "name": identity["name"],
            "type": IDENTITY_TYPE,
            "location": identity["location"],
            "tags": {},
            "properties": {
                "tenantId": profile["tenantId"],
                "principalId": profile["objectId"],
                "clientId": profile["clientId"],
            },
        }

    def credential_body(self, identity, credential):
        identity_id = self.listed_identity_id(identity)
        return {
            "id": f"{identity_id}/federatedIdentityCredentials/{credential['name']}",
            "name": credential["name"],
            "type": CREDENTIAL_TYPE,
            "properties": {
                "issuer": credential["issuer"],
                "subject": credential["subject"],
                "audiences": list(credential["audiences"]),
            },
        }

    # Lookups that raise ARM's errors

    def check_subscription(self, subscription_id):
        if subscription_id.lower() != self.subscription_id.lower():
            raise ArmError(404, "SubscriptionNotFound",
                           f"The subscription '{subscription_id}' could not be found.")

    def get_resource_group(self, subscription_id, group):
        self.check_subscription(subscription_id)
        found = self.resource_groups.get(group.lower())
        if found is None:
            raise ArmError(404, "ResourceGroupNotFound", f"Resource group '{group}' could not be found.")
        return found

    def get_cluster(self, subscription_id, group, name):
        self.get_resource_group(subscription_id, group)
        found = self.clusters.get((group.lower(), name.lower()))
        if found is None:
            raise resource_not_found("Microsoft.ContainerService/managedClusters", name, group)
        return found

    def get_identity(self, subscription_id, group, name):
        self.get_resource_group(subscription_id, group)
        found = self.identities.get((group.lower(), name.lower()))
        if found is None:
            raise resource_not_found("Microsoft.ManagedIdentity/userAssignedIdentities", name, group)
        return found

    def find_identity_by_id(self, resource_id):
        """Return the identity a resource ID names, or None when it names no identity here."""
        match = IDENTITY_ID_PATTERN.match(resource_id or "")
        if match is None or match["sub"].lower() != self.subscription_id.lower():
            return None
        return self.identities.get((match["rg"].lower(), match["name"].lower()))

    def ensure_binding_credential(self, identity):
        """Add the shared `aks-identity-binding` credential unless it exists.

        Returns False when the identity has no free slot for it.
        """
        credentials = identity["credentials"]
        if BINDING_CREDENTIAL_NAME in credentials:
            return True
        if len(credentials) >= MAX_CREDENTIALS:
            return False
        credentials[BINDING_CREDENTIAL_NAME] = {
            "name": BINDING_CREDENTIAL_NAME,
            "issuer": self.identity_issuer_url(identity),
            # NOTE: the subject AKS writes into this credential was not observed. This is a
            # placeholder of the usual service-account form.
            "subject": "system:serviceaccount:aks-identity-binding:aks-identity-binding",
            "audiences": [TOKEN_EXCHANGE_AUDIENCE],
        }
        return True

    def identity_binding_enabled(self):
        """Return whether the feature gate lets identityBindings calls through."""
        if not self.settings["featureGate"]:
            return True
        for name in ("identitybindingpreview", "identitybinding"):
            feature = self.features.get(name)
            if feature is not None and feature["state"] == "Registered":
                return True
        return False

    def settle_features(self, now):
        """Move features from Registering to Registered once the registration time has passed."""
        delay = self.settings["featureRegistrationSeconds"]
        for feature in self.features.values():
            if feature["state"] == "Registering" and now >= feature["since"] + delay:
                feature["state"] = "Registered"
                feature["since"] = now

    # Snapshot

    def snapshot(self):
        """Return the current settings and resources in scenario form."""
        with self.lock:
            document = copy.deepcopy(self.settings)
            document["features"] = {item["name"]: item["state"] for item in self.features.values()}
            document["resourceGroups"] = [dict(item) for item in self.resource_groups.values()]
            document["clusters"] = [dict(item) for item in self.clusters.values()]
            document["identities"] = [
                {
                    "resourceGroup": item["resourceGroup"],
                    "name": item["name"],
                    "location": item["location"],
                    "federatedCredentials": copy.deepcopy(list(item["credentials"].values())),
                }
                for item in self.identities.values()
            ]
            document["bindings"] = []
            for item in self.bindings.values():
                entry = {
                    "resourceGroup": item["resourceGroup"],
                    "clusterName": item["clusterName"],
                    "name": item["name"],
                    "identity": item["identityId"],
                    "provisioningState": item["state"],
                    "eTag": item["eTag"],
                }
                if item["managedBy"]:
                    entry["managedBy"] = item["managedBy"]
                if "allowedSubjects" in item["extraProperties"]:
                    entry["allowedSubjects"] = copy.deepcopy(item["extraProperties"]["allowedSubjects"])
                document["bindings"].append(entry)
            return document



def resource_not_found(resource_type, name, group):
    return ArmError(
        404, "ResourceNotFound",
        f"The Resource '{resource_type}/{name}' under resource group '{group}' was not found.",
    )
