"""Tests for the `-o table` transformers."""

from azext_identity_binding._format import binding_row, transform_binding_list_table, transform_binding_table

from .canned import CLIENT_ID, ISSUER_URL, binding

COLUMNS = ["Name", "Identity", "ClientId", "OidcIssuerUrl", "ProvisioningState"]


def test_row_columns():
    assert list(binding_row(binding())) == COLUMNS


def test_row_succeeded():
    row = binding_row(binding())

    assert row["Name"] == "ib1"
    assert row["Identity"] == "id1"
    assert row["ClientId"] == CLIENT_ID
    assert row["OidcIssuerUrl"] == ISSUER_URL
    assert row["ProvisioningState"] == "Succeeded"


def test_row_creating():
    row = binding_row(binding("Creating"))

    assert row["ClientId"] == ""
    assert row["OidcIssuerUrl"] == ""
    assert row["ProvisioningState"] == "Creating"


def test_row_null_properties():
    row = binding_row({"name": "ib1", "properties": None})

    assert list(row.values()) == ["ib1", "", "", "", ""]


def test_row_identity_trailing_slash():
    body = binding()
    body["properties"]["managedIdentity"]["resourceId"] += "/"

    assert binding_row(body)["Identity"] == "id1"


def test_list_empty():
    assert transform_binding_list_table([]) == []


def test_list_none():
    assert transform_binding_list_table(None) == []


def test_list_rows():
    rows = transform_binding_list_table([binding(name="ib1"), binding("Creating", name="ib2")])

    assert [row["Name"] for row in rows] == ["ib1", "ib2"]
    assert [row["ProvisioningState"] for row in rows] == ["Succeeded", "Creating"]


def test_show_one_row():
    rows = transform_binding_table(binding())

    assert rows == [binding_row(binding())]


def test_show_none():
    assert transform_binding_table(None) == []


def test_show_several_ids():
    # show with several --ids returns a list, which the show transformer must accept too.
    assert transform_binding_table([binding(), binding("Creating")]) == [binding_row(binding()),
                                                                         binding_row(binding("Creating"))]
