"""Clients built with the CLI's factory, so login, cloud, proxy, CA bundle and logging apply."""


def cf_identity_bindings(cli_ctx, *_, subscription_id=None):
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from .vendored_sdks.v2026_08_02_preview import IdentityBindingsClient
    return get_mgmt_service_client(cli_ctx, IdentityBindingsClient, subscription_id=subscription_id)


def cf_managed_identities(cli_ctx, subscription_id=None):
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    return get_mgmt_service_client(cli_ctx, ResourceType.MGMT_MSI, subscription_id=subscription_id)
