"""Clients built with the CLI's factory, so login, cloud, proxy, CA bundle and logging apply."""

# `az config set identity_binding.read_timeout=60` (or AZURE_IDENTITY_BINDING_READ_TIMEOUT=60)
# shortens how long a request waits for a response; azure-core's default is 300 seconds.
CONFIG_SECTION = "identity_binding"


def _transport_settings(cli_ctx):
    read_timeout = cli_ctx.config.get(CONFIG_SECTION, "read_timeout", None)
    return {"read_timeout": float(read_timeout)} if read_timeout else {}


def cf_identity_bindings(cli_ctx, *_, subscription_id=None):
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from .vendored_sdks.v2026_08_02_preview import IdentityBindingsClient
    return get_mgmt_service_client(cli_ctx, IdentityBindingsClient, subscription_id=subscription_id,
                                   **_transport_settings(cli_ctx))
