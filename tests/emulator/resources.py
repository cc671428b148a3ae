"""ARM resources around identity bindings: subscription, resource groups, clusters, identities,
federated identity credentials, preview features and the resource provider."""

import re
import time

from .responses import ArmError, Response, paged_response
from .state import MAX_CREDENTIALS, resource_not_found

FEATURE_TYPE = "Microsoft.Features/providers/features"
PROVIDER_NAMESPACE = "Microsoft.ContainerService"


# Subscription and tenants

def subscription_body(store):
    return {
        "id": f"/subscriptions/{store.subscription_id}",
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": store.subscription_id,
        "tenantId": store.tenant_id,
        "displayName": store.settings["subscriptionName"],
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    }


def list_subscriptions(store, request):
    return Response(200, {"value": [subscription_body(store)],
                          "count": {"type": "Total", "value": 1}})


def get_subscription(store, request, sub):
    store.check_subscription(sub)
    return Response(200, subscription_body(store))


def list_tenants(store, request):
    tenant = {
        "id": f"/tenants/{store.tenant_id}",
        "tenantId": store.tenant_id,
        "tenantCategory": "Home",
        "displayName": "Emulator Tenant",
        "defaultDomain": "emulator.example.test",
        "domains": ["emulator.example.test"],
    }
    return Response(200, {"value": [tenant]})


# Resource groups and the generic resource list

def resource_group_body(store, group):
    return {
        "id": store.resource_group_id(group["name"]),
        "name": group["name"],
        "type": "Microsoft.Resources/resourceGroups",
        "location": group["location"],
        "properties": {"provisioningState": "Succeeded"},
    }


def list_resource_groups(store, request, sub):
    store.check_subscription(sub)
    items = [resource_group_body(store, group) for group in store.resource_groups.values()]
    return paged_response(items, request, store.settings["pageSize"])


def get_resource_group(store, request, sub, rg):
    group = store.get_resource_group(sub, rg)
    return Response(200, resource_group_body(store, group))


def check_resource_group(store, request, sub, rg):
    """Return 204 when the group exists, as the HEAD behind `az group exists` expects."""
    store.get_resource_group(sub, rg)
    return Response(204)


# Clauses of `$filter` the generic resource list understands, e.g.
# "resourceType eq 'Microsoft.ContainerService/managedClusters'". Other clauses are rejected.
FILTER_CLAUSE = re.compile(r"^\s*(resourceType|name|resourceGroup)\s+eq\s+'([^']*)'\s*$",
                           re.IGNORECASE)


def list_resources(store, request, sub, rg=None):
    if rg is None:
        store.check_subscription(sub)
    else:
        store.get_resource_group(sub, rg)

    items = []
    for cluster in store.clusters.values():
        items.append((cluster["resourceGroup"], _generic(store.cluster_body(cluster))))
    for identity in store.identities.values():
        items.append((identity["resourceGroup"], _generic(store.identity_body(identity))))

    conditions = parse_filter(request.query.get("$filter"))
    selected = []
    for group, item in items:
        if rg is not None and group.lower() != rg.lower():
            continue
        values = {"resourcetype": item["type"], "name": item["name"], "resourcegroup": group}
        if all(values[field].lower() == wanted.lower() for field, wanted in conditions):
            selected.append(item)
    return paged_response(selected, request, store.settings["pageSize"])


def parse_filter(text):
    """Return `[(field, value)]` from a `$filter` of `eq` clauses joined by `and`."""
    if not text:
        return []
    conditions = []
    for clause in re.split(r"\s+and\s+", text, flags=re.IGNORECASE):
        match = FILTER_CLAUSE.match(clause)
        if match is None:
            raise ArmError(
                400, "InvalidFilterInQueryString",
                f"The $filter '{text}' is not supported by the emulator. It accepts "
                "\"resourceType eq '...'\", \"name eq '...'\" and \"resourceGroup eq '...'\" "
                "joined by 'and'.",
            )
        conditions.append((match[1].lower(), match[2]))
    return conditions


def _generic(body):
    return {key: body[key] for key in ("id", "name", "type", "location")}


# Managed clusters

def list_clusters(store, request, sub, rg=None):
    if rg is None:
        store.check_subscription(sub)
    else:
        store.get_resource_group(sub, rg)
    items = [store.cluster_body(cluster) for cluster in store.clusters.values()
             if rg is None or cluster["resourceGroup"].lower() == rg.lower()]
    return paged_response(items, request, store.settings["pageSize"])


def get_cluster(store, request, sub, rg, name):
    return Response(200, store.cluster_body(store.get_cluster(sub, rg, name)))


# User-assigned identities and their federated identity credentials

def list_identities(store, request, sub, rg=None):
    if rg is None:
        store.check_subscription(sub)
    else:
        store.get_resource_group(sub, rg)
    items = [store.identity_body(identity) for identity in store.identities.values()
             if rg is None or identity["resourceGroup"].lower() == rg.lower()]
    return paged_response(items, request, store.settings["pageSize"])


def get_identity(store, request, sub, rg, name):
    return Response(200, store.identity_body(store.get_identity(sub, rg, name)))


def list_credentials(store, request, sub, rg, name):
    identity = store.get_identity(sub, rg, name)
    items = [store.credential_body(identity, credential)
             for credential in identity["credentials"].values()]
    return paged_response(items, request, store.settings["pageSize"])


def get_credential(store, request, sub, rg, name, credential):
    identity = store.get_identity(sub, rg, name)
    found = identity["credentials"].get(credential.lower())
    if found is None:
        raise resource_not_found(
            f"Microsoft.ManagedIdentity/userAssignedIdentities/{identity['name']}/"
            "federatedIdentityCredentials", credential, rg,
        )
    return Response(200, store.credential_body(identity, found))


def put_credential(store, request, sub, rg, name, credential):
    identity = store.get_identity(sub, rg, name)
    body = request.json()
    properties = body.get("properties") if isinstance(body, dict) else None
    if not isinstance(properties, dict):
        raise ArmError(400, "InvalidParameter", "The request body needs a 'properties' object.")
    for field in ("issuer", "subject"):
        if not isinstance(properties.get(field), str) or not properties[field]:
            raise ArmError(400, "InvalidParameter",
                           f"The federated identity credential needs 'properties.{field}'.")
    audiences = properties.get("audiences", ["api://AzureADTokenExchange"])
    if not isinstance(audiences, list) or not all(isinstance(item, str) for item in audiences):
        raise ArmError(400, "InvalidParameter", "'properties.audiences' must be a list of strings.")

    credentials = identity["credentials"]
    existing = credentials.get(credential.lower())
    if existing is None and len(credentials) >= MAX_CREDENTIALS:
        # NOTE: the real Microsoft.ManagedIdentity code for this limit was not observed.
        raise ArmError(
            400, "FederatedIdentityCredentialLimitExceeded",
            f"Identity '{identity['name']}' already has {MAX_CREDENTIALS} federated identity "
            "credentials, the maximum. Delete one before adding another.",
        )

    record = {
        "name": existing["name"] if existing else credential,
        "issuer": properties["issuer"],
        "subject": properties["subject"],
        "audiences": list(audiences),
    }
    credentials[credential.lower()] = record
    return Response(200 if existing else 201, store.credential_body(identity, record))


def delete_credential(store, request, sub, rg, name, credential):
    identity = store.get_identity(sub, rg, name)
    removed = identity["credentials"].pop(credential.lower(), None)
    return Response(200 if removed else 204)


# Preview features and the resource provider

def feature_body(store, feature):
    return {
        "id": (f"/subscriptions/{store.subscription_id}/providers/Microsoft.Features/providers/"
               f"{PROVIDER_NAMESPACE}/features/{feature['name']}"),
        "name": f"{PROVIDER_NAMESPACE}/{feature['name']}",
        "type": FEATURE_TYPE,
        "properties": {"state": feature["state"]},
    }


def find_feature(store, sub, namespace, name):
    store.check_subscription(sub)
    feature = None
    if namespace.lower() == PROVIDER_NAMESPACE.lower():
        feature = store.features.get(name.lower())
    if feature is None:
        raise ArmError(404, "FeatureNotFound", f"The feature '{name}' could not be found.")
    return feature


def list_features(store, request, sub, namespace):
    store.check_subscription(sub)
    items = []
    if namespace.lower() == PROVIDER_NAMESPACE.lower():
        items = [feature_body(store, feature) for feature in store.features.values()]
    return Response(200, {"value": items})


def get_feature(store, request, sub, namespace, name):
    return Response(200, feature_body(store, find_feature(store, sub, namespace, name)))


def register_feature(store, request, sub, namespace, name):
    feature = find_feature(store, sub, namespace, name)
    if feature["state"] != "Registered":
        feature["state"] = "Registering"
        feature["since"] = time.time()
        store.settle_features(time.time())
    return Response(200, feature_body(store, feature))


def unregister_feature(store, request, sub, namespace, name):
    feature = find_feature(store, sub, namespace, name)
    feature["state"] = "Unregistered"
    feature["since"] = time.time()
    return Response(200, feature_body(store, feature))


def provider_body(store, namespace):
    if namespace.lower() != PROVIDER_NAMESPACE.lower():
        raise ArmError(404, "InvalidResourceNamespace",
                       f"The resource namespace '{namespace}' is invalid.")
    return {
        "id": f"/subscriptions/{store.subscription_id}/providers/{PROVIDER_NAMESPACE}",
        "namespace": PROVIDER_NAMESPACE,
        "registrationState": "Registered",
        "registrationPolicy": "RegistrationRequired",
        "resourceTypes": [
            {"resourceType": "managedClusters", "locations": [store.settings["location"]]},
            {"resourceType": "managedClusters/identityBindings",
             "locations": [store.settings["location"]]},
            {"resourceType": "locations/operations", "locations": []},
            {"resourceType": "locations/operationresults", "locations": []},
        ],
    }


def get_provider(store, request, sub, namespace):
    store.check_subscription(sub)
    return Response(200, provider_body(store, namespace))


def register_provider(store, request, sub, namespace):
    return get_provider(store, request, sub, namespace)
