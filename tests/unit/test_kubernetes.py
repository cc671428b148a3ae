"""Tests for the Kubernetes RBAC objects that let service accounts use an identity binding.

Each generated object is checked against the models of the official `kubernetes` Python client
(pydantic models generated from the Kubernetes OpenAPI schema), which reject missing required
fields and wrong types. A round trip back to a dict catches fields the schema does not have,
because deserialization drops unknown fields.
"""

import json

import pytest
from kubernetes.client import ApiClient, Configuration
from pydantic import ValidationError

from azext_identity_binding import kubernetes as k8s

CLIENT_ID = "5B0C7A46-3E1F-4C2D-9A8B-7E6F5D4C3B2A"
CLIENT_ID_LOWER = CLIENT_ID.lower()
TENANT_ID = "72F988BF-86F1-41AF-91AB-2D7CD011DB47"
TENANT_ID_LOWER = TENANT_ID.lower()

MODEL_BY_KIND = {
    "ClusterRole": "V1ClusterRole",
    "ClusterRoleBinding": "V1ClusterRoleBinding",
    "ServiceAccount": "V1ServiceAccount",
}


def deserialize(obj, model):
    """Deserialize `obj` the way the client reads an API server response."""
    configuration = Configuration()
    # NOTE: models of kubernetes 37.x validate through pydantic whatever this flag is set to. The flag
    # only matters for older clients.
    configuration.client_side_validation = True
    api_client = ApiClient(configuration)
    return api_client, api_client.deserialize(json.dumps(obj), model, "application/json")


def assert_valid_kubernetes_object(obj):
    api_client, model = deserialize(obj, MODEL_BY_KIND[obj["kind"]])
    assert api_client.sanitize_for_serialization(model) == obj


def items_of_kind(manifests, kind):
    return [item for item in manifests["items"] if item["kind"] == kind]


# Schema checks


@pytest.mark.parametrize("with_service_accounts", [False, True])
def test_schema_round_trip(with_service_accounts):
    manifests = k8s.build_manifests(
        CLIENT_ID, [("default", "default"), ("team-a", "app.worker")],
        tenant_id=TENANT_ID, with_service_accounts=with_service_accounts)

    for item in manifests["items"]:
        assert_valid_kubernetes_object(item)


def test_schema_rejects_missing_role_ref():
    manifests = k8s.build_manifests(CLIENT_ID, [("default", "default")])
    binding = items_of_kind(manifests, "ClusterRoleBinding")[0]
    del binding["roleRef"]

    with pytest.raises(ValidationError, match="roleRef"):
        deserialize(binding, "V1ClusterRoleBinding")


def test_schema_rejects_rule_without_verbs():
    manifests = k8s.build_manifests(CLIENT_ID, [("default", "default")])
    role = items_of_kind(manifests, "ClusterRole")[0]
    del role["rules"][0]["verbs"]

    with pytest.raises(ValidationError, match="verbs"):
        deserialize(role, "V1ClusterRole")


def test_round_trip_catches_unknown_field():
    manifests = k8s.build_manifests(CLIENT_ID, [("default", "default")])
    role = items_of_kind(manifests, "ClusterRole")[0]
    role["rules"][0]["resourceName"] = [CLIENT_ID_LOWER]

    with pytest.raises(AssertionError):
        assert_valid_kubernetes_object(role)


def test_list_wrapper():
    manifests = k8s.build_manifests(CLIENT_ID, [("default", "default")])

    assert manifests["apiVersion"] == "v1"
    assert manifests["kind"] == "List"
    assert [item["kind"] for item in manifests["items"]] == ["ClusterRole", "ClusterRoleBinding"]


# The AKS walkthrough: prefix my-first-ib and the default service account default/default


def test_walkthrough_example():
    manifests = k8s.build_manifests(CLIENT_ID, [("default", "default")], name_prefix="my-first-ib")
    role = items_of_kind(manifests, "ClusterRole")[0]
    binding = items_of_kind(manifests, "ClusterRoleBinding")[0]

    assert role == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "my-first-ib-cr"},
        "rules": [
            {
                "verbs": ["use-managed-identity"],
                "apiGroups": ["cid.wi.aks.azure.com"],
                "resources": [CLIENT_ID_LOWER],
            },
        ],
    }
    assert binding == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "my-first-ib-crb"},
        "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "ClusterRole",
            "name": "my-first-ib-cr",
        },
        "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "default"}],
    }


# Names


def test_names_default():
    role_name, binding_name = k8s.rbac_object_names(CLIENT_ID)

    assert role_name == "use-mi-" + CLIENT_ID_LOWER
    assert binding_name == "use-mi-" + CLIENT_ID_LOWER


def test_names_with_prefix():
    assert k8s.rbac_object_names(CLIENT_ID, "my-first-ib") == ("my-first-ib-cr", "my-first-ib-crb")


def test_names_longest_prefix():
    prefix = "a" * 249

    assert k8s.rbac_object_names(CLIENT_ID, prefix) == (prefix + "-cr", prefix + "-crb")


def test_manifest_default_names():
    manifests = k8s.build_manifests(CLIENT_ID, [("default", "default")])
    role = items_of_kind(manifests, "ClusterRole")[0]
    binding = items_of_kind(manifests, "ClusterRoleBinding")[0]

    assert role["metadata"]["name"] == "use-mi-" + CLIENT_ID_LOWER
    assert binding["metadata"]["name"] == "use-mi-" + CLIENT_ID_LOWER
    assert binding["roleRef"]["name"] == "use-mi-" + CLIENT_ID_LOWER


@pytest.mark.parametrize("prefix", [
    "",
    "My-IB",
    "-ib",
    "ib.",
    "ib_1",
    "my ib",
    "a" * 250,
])
def test_names_bad_prefix(prefix):
    with pytest.raises(ValueError) as error:
        k8s.rbac_object_names(CLIENT_ID, prefix)

    assert f"'{prefix}'" in str(error.value)
    assert "DNS-1123 subdomain" in str(error.value)


def test_manifest_bad_prefix():
    with pytest.raises(ValueError, match="Invalid name prefix 'IB'"):
        k8s.build_manifests(CLIENT_ID, [("default", "default")], name_prefix="IB")


# Manifest contents


def test_manifest_deterministic():
    service_accounts = [("default", "default"), ("team-a", "worker")]
    first = k8s.build_manifests(CLIENT_ID, service_accounts, tenant_id=TENANT_ID,
                                with_service_accounts=True)
    second = k8s.build_manifests(CLIENT_ID, service_accounts, tenant_id=TENANT_ID,
                                 with_service_accounts=True)

    assert first == second
    assert json.dumps(first) == json.dumps(second)


def test_manifest_client_id_case():
    upper = k8s.build_manifests(CLIENT_ID, [("default", "default")])
    lower = k8s.build_manifests(CLIENT_ID_LOWER, [("default", "default")])

    assert upper == lower


def test_manifest_multiple_subjects():
    manifests = k8s.build_manifests(
        CLIENT_ID, [("team-b", "worker"), ("team-a", "api"), ("default", "default")])
    binding = items_of_kind(manifests, "ClusterRoleBinding")[0]

    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "worker", "namespace": "team-b"},
        {"kind": "ServiceAccount", "name": "api", "namespace": "team-a"},
        {"kind": "ServiceAccount", "name": "default", "namespace": "default"},
    ]


def test_manifest_duplicates_removed():
    manifests = k8s.build_manifests(
        CLIENT_ID,
        [("team-a", "api"), ("default", "default"), ("team-a", "api"), ("default", "default")],
        tenant_id=TENANT_ID, with_service_accounts=True)
    binding = items_of_kind(manifests, "ClusterRoleBinding")[0]
    accounts = items_of_kind(manifests, "ServiceAccount")

    assert [(s["namespace"], s["name"]) for s in binding["subjects"]] == [
        ("team-a", "api"), ("default", "default")]
    assert [(a["metadata"]["namespace"], a["metadata"]["name"]) for a in accounts] == [
        ("team-a", "api"), ("default", "default")]


def test_manifest_one_cluster_role():
    manifests = k8s.build_manifests(CLIENT_ID, [("default", "default"), ("team-a", "api")])

    assert len(items_of_kind(manifests, "ClusterRole")) == 1
    assert len(items_of_kind(manifests, "ClusterRoleBinding")) == 1


def test_manifest_no_service_accounts_by_default():
    manifests = k8s.build_manifests(CLIENT_ID, [("default", "default")], tenant_id=TENANT_ID)

    assert items_of_kind(manifests, "ServiceAccount") == []


def test_service_account_annotations():
    manifests = k8s.build_manifests(
        CLIENT_ID, [("team-a", "api")], tenant_id=TENANT_ID, with_service_accounts=True)
    accounts = items_of_kind(manifests, "ServiceAccount")

    assert accounts == [{
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": "api",
            "namespace": "team-a",
            "annotations": {
                "azure.workload.identity/client-id": CLIENT_ID_LOWER,
                "azure.workload.identity/tenant-id": TENANT_ID_LOWER,
            },
        },
    }]


def test_service_accounts_need_tenant():
    with pytest.raises(ValueError, match="Missing tenant ID"):
        k8s.build_manifests(CLIENT_ID, [("default", "default")], with_service_accounts=True)


def test_manifest_bad_tenant():
    with pytest.raises(ValueError, match="Invalid tenant ID 'contoso.onmicrosoft.com'"):
        k8s.build_manifests(CLIENT_ID, [("default", "default")],
                            tenant_id="contoso.onmicrosoft.com", with_service_accounts=True)


def test_manifest_no_subjects():
    with pytest.raises(ValueError, match="Missing service account"):
        k8s.build_manifests(CLIENT_ID, [])


def test_manifest_bad_subject():
    with pytest.raises(ValueError, match="Invalid service account 'Team-A/api'"):
        k8s.build_manifests(CLIENT_ID, [("Team-A", "api")])


def test_manifest_bad_client_id():
    with pytest.raises(ValueError, match="Invalid client ID 'identity1'"):
        k8s.build_manifests("identity1", [("default", "default")])


def test_pod_opt_in_constants():
    assert k8s.POD_LABEL == ("azure.workload.identity/use", "true")
    assert k8s.POD_ANNOTATION == ("azure.workload.identity/use-identity-binding", "true")


# parse_service_account


@pytest.mark.parametrize("value, expected", [
    ("default/default", ("default", "default")),
    ("  team-a/api  ", ("team-a", "api")),
    ("kube-system/app.worker-1", ("kube-system", "app.worker-1")),
    ("a" * 63 + "/" + "b" * 253, ("a" * 63, "b" * 253)),
])
def test_parse_valid(value, expected):
    assert k8s.parse_service_account(value) == expected


@pytest.mark.parametrize("value", [
    "default",
    "/default",
    "default/",
    "/",
    "",
    "a/b/c",
])
def test_parse_bad_form(value):
    with pytest.raises(ValueError) as error:
        k8s.parse_service_account(value)

    assert f"'{value}'" in str(error.value)
    assert "NAMESPACE/NAME" in str(error.value)
    assert "default/default" in str(error.value)


@pytest.mark.parametrize("namespace", [
    "Default",
    "team_a",
    "-team",
    "team-",
    "team.a",
    "a" * 64,
])
def test_parse_bad_namespace(namespace):
    value = namespace + "/api"

    with pytest.raises(ValueError) as error:
        k8s.parse_service_account(value)

    assert f"'{value}'" in str(error.value)
    assert f"namespace '{namespace}'" in str(error.value)
    assert "DNS-1123 label" in str(error.value)
    assert "NAMESPACE/NAME" in str(error.value)


@pytest.mark.parametrize("name", [
    "API",
    "my_app",
    "-api",
    "api-",
    "api.",
    "a..b",
    "a.-b",
    "my app",
    "b" * 254,
])
def test_parse_bad_name(name):
    value = "default/" + name

    with pytest.raises(ValueError) as error:
        k8s.parse_service_account(value)

    assert f"'{value}'" in str(error.value)
    assert f"name '{name}'" in str(error.value)
    assert "DNS-1123 subdomain" in str(error.value)
    assert "NAMESPACE/NAME" in str(error.value)


# validate_client_id


def test_client_id_lower_cased():
    assert k8s.validate_client_id(CLIENT_ID) == CLIENT_ID_LOWER


def test_client_id_stripped():
    assert k8s.validate_client_id(f" {CLIENT_ID}\n") == CLIENT_ID_LOWER


@pytest.mark.parametrize("value", [
    "",
    "identity1",
    CLIENT_ID[:-1],
    CLIENT_ID + "0",
    "{" + CLIENT_ID + "}",
    CLIENT_ID.replace("-", ""),
    "g" * 8 + CLIENT_ID[8:],
    "/subscriptions/0/resourceGroups/rg1/providers/Microsoft.ManagedIdentity"
    "/userAssignedIdentities/identity1",
])
def test_client_id_invalid(value):
    with pytest.raises(ValueError) as error:
        k8s.validate_client_id(value)

    assert f"'{value}'" in str(error.value)
    assert "client ID" in str(error.value)
    assert "--query clientId" in str(error.value)
