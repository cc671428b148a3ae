"""Tests for the input checks that run before any request is sent."""

import argparse

import pytest

from azext_identity_binding._validators import (
    IDENTITY_ID_FORM,
    check_binding_name,
    check_cluster_name,
    parse_identity_resource_id,
    validate_rbac_arguments,
)

SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
CLIENT_ID = "5b0c7a46-3e1f-4c2d-9a8b-7e6f5d4c3b2a"
IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities"


def identity_id(group="rg1", name="id1", subscription=SUBSCRIPTION, groups_segment="resourceGroups",
                resource_type=IDENTITY_TYPE):
    return "/subscriptions/{}/{}/{}/providers/{}/{}".format(subscription, groups_segment, group, resource_type, name)


CANONICAL = identity_id()


# parse_identity_resource_id: accepted forms


def test_identity_canonical():
    assert parse_identity_resource_id(CANONICAL) == CANONICAL


def test_identity_lowercase_segments():
    # `az identity show --query id -o tsv` prints resourcegroups in lower case.
    value = identity_id(groups_segment="resourcegroups", resource_type=IDENTITY_TYPE.lower())

    assert parse_identity_resource_id(value) == CANONICAL


def test_identity_uppercase_subscription():
    value = identity_id(subscription=SUBSCRIPTION.upper())

    assert parse_identity_resource_id(value) == CANONICAL


@pytest.mark.parametrize("group, name", [
    ("my_rg.prod(1)", "id1"),
    ("rg1", "my_identity.v2(a)"),
    ("rg-with-hyphens", "id-with-hyphens"),
])
def test_identity_name_characters(group, name):
    value = identity_id(group=group, name=name)

    assert parse_identity_resource_id(value) == value


@pytest.mark.parametrize("suffix", [" ", "  \t", "\r", "\r\n", "/", "/\r\n"])
def test_identity_trailing_noise(suffix):
    assert parse_identity_resource_id(CANONICAL + suffix) == CANONICAL


def test_identity_leading_whitespace():
    assert parse_identity_resource_id("  " + CANONICAL) == CANONICAL


# parse_identity_resource_id: rejected forms


REJECTED = {
    "missing-slash": CANONICAL[1:],
    "bare-guid": CLIENT_ID,
    "cluster-id": identity_id(resource_type="Microsoft.ContainerService/managedClusters", name="cluster1"),
    "federated-credential": CANONICAL + "/federatedIdentityCredentials/aks-identity-binding",
    "system-identity-parent": identity_id(resource_type="Microsoft.Compute/virtualMachines", name="vm1"),
    "non-guid-subscription": identity_id(subscription="my-subscription"),
    "space-in-name": identity_id(name="id 1"),
    "no-name": identity_id(name=""),
    "garbage": "not an id at all",
    "url": "https://management.azure.com" + CANONICAL,
}


@pytest.mark.parametrize("value", REJECTED.values(), ids=REJECTED.keys())
def test_identity_rejected(value):
    with pytest.raises(ValueError) as raised:
        parse_identity_resource_id(value)

    assert value.strip() in str(raised.value)
    assert IDENTITY_ID_FORM in str(raised.value)


@pytest.mark.parametrize("value", ["", "   ", "\r\n", None])
def test_identity_empty(value):
    with pytest.raises(ValueError) as raised:
        parse_identity_resource_id(value)

    assert "empty" in str(raised.value)
    assert IDENTITY_ID_FORM in str(raised.value)


def test_identity_git_bash_rewrite():
    value = "C:/Program Files/Git" + CANONICAL

    with pytest.raises(ValueError) as raised:
        parse_identity_resource_id(value)

    assert value in str(raised.value)
    assert "MSYS_NO_PATHCONV=1" in str(raised.value)
    assert IDENTITY_ID_FORM in str(raised.value)


def test_identity_guid_hint():
    with pytest.raises(ValueError) as raised:
        parse_identity_resource_id(CLIENT_ID)

    assert "client ID" in str(raised.value)


def test_identity_wrong_type_named():
    value = identity_id(resource_type="Microsoft.ContainerService/managedClusters", name="cluster1")

    with pytest.raises(ValueError) as raised:
        parse_identity_resource_id(value)

    assert "Microsoft.ContainerService/managedClusters" in str(raised.value)


def test_identity_child_named():
    with pytest.raises(ValueError) as raised:
        parse_identity_resource_id(CANONICAL + "/federatedIdentityCredentials/aks-identity-binding")

    assert "federatedIdentityCredentials" in str(raised.value)


@pytest.mark.parametrize("value", [
    identity_id(group="rg1\n"),
    identity_id(subscription=SUBSCRIPTION + "\n"),
], ids=["group", "subscription"])
def test_identity_embedded_newline(value):
    with pytest.raises(ValueError):
        parse_identity_resource_id(value)


# check_binding_name


@pytest.mark.parametrize("name", ["my-first-ib", "ib1", "a", "a" * 63, "identity1-ib"])
def test_binding_name_accepted(name):
    assert check_binding_name(name) == name


def test_binding_name_stripped():
    assert check_binding_name(" ib1\r\n") == "ib1"


REJECTED_NAMES = {
    "empty": "",
    "blank": "   ",
    "too-long": "a" * 64,
    "uppercase": "MyBinding",
    "underscore": "my_binding",
    "leading-digit": "1ib",
    "leading-hyphen": "-ib",
    "dot": "ib.1",
    "space": "my ib",
}


@pytest.mark.parametrize("name", REJECTED_NAMES.values(), ids=REJECTED_NAMES.keys())
def test_binding_name_rejected(name):
    with pytest.raises(ValueError):
        check_binding_name(name)


def test_binding_name_too_long_message():
    with pytest.raises(ValueError) as raised:
        check_binding_name("a" * 64)

    assert "64 characters" in str(raised.value)


def test_binding_name_uppercase_hint():
    with pytest.raises(ValueError) as raised:
        check_binding_name("My-First-IB")

    assert "'My-First-IB'" in str(raised.value)
    assert "Try 'my-first-ib'" in str(raised.value)


def test_binding_name_no_useless_hint():
    # Lower case alone would not fix the underscore, so no lowercase form is offered.
    with pytest.raises(ValueError) as raised:
        check_binding_name("My_IB")

    assert "Try" not in str(raised.value)


# check_cluster_name


@pytest.mark.parametrize("name", ["c", "C", "7", "cluster1", "My_Cluster-01", "a" * 63])
def test_cluster_name_accepted(name):
    assert check_cluster_name(name) == name


def test_cluster_name_stripped():
    assert check_cluster_name("cluster1\r\n") == "cluster1"


REJECTED_CLUSTERS = {
    "empty": "",
    "too-long": "a" * 64,
    "leading-hyphen": "-cluster",
    "trailing-hyphen": "cluster-",
    "leading-underscore": "_cluster",
    "trailing-underscore": "cluster_",
    "dot": "my.cluster",
    "space": "my cluster",
}


@pytest.mark.parametrize("name", REJECTED_CLUSTERS.values(), ids=REJECTED_CLUSTERS.keys())
def test_cluster_name_rejected(name):
    with pytest.raises(ValueError) as raised:
        check_cluster_name(name)

    assert "'{}'".format(name) in str(raised.value)


# validate_rbac_arguments


def rbac_namespace(**values):
    defaults = dict(resource_group_name=None, cluster_name=None, binding_name=None, client_id=None,
                    tenant_id=None, service_accounts=None, name_prefix=None)
    defaults.update(values)
    return argparse.Namespace(**defaults)


def test_rbac_client_id_and_binding():
    namespace = rbac_namespace(client_id=CLIENT_ID, resource_group_name="rg1", cluster_name="cluster1",
                               binding_name="ib1")

    with pytest.raises(ValueError) as raised:
        validate_rbac_arguments(namespace)

    assert "--client-id" in str(raised.value)


def test_rbac_client_id_and_group_only():
    namespace = rbac_namespace(client_id=CLIENT_ID, resource_group_name="rg1")

    with pytest.raises(ValueError):
        validate_rbac_arguments(namespace)


def test_rbac_neither():
    with pytest.raises(ValueError) as raised:
        validate_rbac_arguments(rbac_namespace())

    assert "--client-id" in str(raised.value)


def test_rbac_partial_binding():
    with pytest.raises(ValueError):
        validate_rbac_arguments(rbac_namespace(resource_group_name="rg1", cluster_name="cluster1"))


def test_rbac_binding_only():
    namespace = rbac_namespace(resource_group_name="rg1", cluster_name="cluster1", binding_name="ib1")

    validate_rbac_arguments(namespace)

    assert namespace.client_id is None


def test_rbac_client_id_lowered():
    namespace = rbac_namespace(client_id=CLIENT_ID.upper())

    validate_rbac_arguments(namespace)

    assert namespace.client_id == CLIENT_ID


def test_rbac_invalid_client_id():
    with pytest.raises(ValueError):
        validate_rbac_arguments(rbac_namespace(client_id="not-a-guid"))


def test_rbac_service_accounts_parsed():
    namespace = rbac_namespace(client_id=CLIENT_ID, service_accounts=["default/default", "team-a/app.worker"])

    validate_rbac_arguments(namespace)

    assert namespace.service_accounts == [("default", "default"), ("team-a", "app.worker")]


def test_rbac_invalid_service_account():
    namespace = rbac_namespace(client_id=CLIENT_ID, service_accounts=["no-slash"])

    with pytest.raises(ValueError):
        validate_rbac_arguments(namespace)


def test_rbac_invalid_tenant():
    with pytest.raises(ValueError):
        validate_rbac_arguments(rbac_namespace(client_id=CLIENT_ID, tenant_id="contoso"))


def test_rbac_invalid_name_prefix():
    with pytest.raises(ValueError):
        validate_rbac_arguments(rbac_namespace(client_id=CLIENT_ID, name_prefix="Bad_Prefix"))


def test_identity_double_slash_prefix():
    # Git Bash leaves '//subscriptions/...' alone, and the error message for a rewritten path suggests it.
    assert parse_identity_resource_id("/" + CANONICAL) == CANONICAL
