"""Tests for tab completion of binding names."""

import argparse
from types import SimpleNamespace

import pytest

import azext_identity_binding._client_factory as client_factory
from azext_identity_binding._completers import get_binding_name_completion_list

from .canned import CLUSTER, GROUP, LIST_PATH, Reply, binding, make_client

PAGE = {"value": [binding(name="ib-web"), binding(name="ib-worker"), binding(name="other")]}


def complete(prefix, **values):
    """Call the completer the way argcomplete does, through the Completer decorator."""
    cli_ctx = SimpleNamespace(name="az")
    namespace = argparse.Namespace(_cmd=SimpleNamespace(cli_ctx=cli_ctx), **values)
    return get_binding_name_completion_list(prefix=prefix, action=None, parsed_args=namespace)


@pytest.fixture(name="transport")
def fixture_transport(monkeypatch):
    """Serve one list page to the client that the completer builds, and return the transport."""
    client, transport = make_client([Reply(200, PAGE)])
    factory_calls = []

    def fake_factory(cli_ctx, *args, **kwargs):
        factory_calls.append(cli_ctx)
        return client

    monkeypatch.setattr(client_factory, "cf_identity_bindings", fake_factory)
    transport.factory_calls = factory_calls
    return transport


@pytest.mark.parametrize("values", [
    {},
    {"resource_group_name": GROUP},
    {"cluster_name": CLUSTER},
    {"resource_group_name": GROUP, "cluster_name": None},
    {"resource_group_name": "", "cluster_name": CLUSTER},
], ids=["nothing", "group-only", "cluster-only", "cluster-none", "group-empty"])
def test_missing_scope(transport, values):
    assert complete("", **values) == []
    assert transport.requests == []


def test_prefix_filters(transport):
    names = complete("ib-", resource_group_name=GROUP, cluster_name=CLUSTER)

    assert names == ["ib-web", "ib-worker"]
    assert transport.summary() == ["GET " + LIST_PATH]


def test_empty_prefix(transport):
    names = complete("", resource_group_name=GROUP, cluster_name=CLUSTER)

    assert names == ["ib-web", "ib-worker", "other"]


def test_no_match(transport):
    assert complete("zzz", resource_group_name=GROUP, cluster_name=CLUSTER) == []


def test_uses_cli_context(transport):
    complete("", resource_group_name=GROUP, cluster_name=CLUSTER)

    assert transport.factory_calls[0].name == "az"

