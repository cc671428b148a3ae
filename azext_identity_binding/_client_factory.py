"""Clients built with the CLI's factory, so login, cloud, proxy, CA bundle and logging apply."""

# `az config set identity_binding.read_timeout=60` (or AZURE_IDENTITY_BINDING_READ_TIMEOUT=60)
# shortens how long a request waits for a response; azure-core's default is 300 seconds.
CONFIG_SECTION = "identity_binding"


def _transport_settings(cli_ctx):
    read_timeout = cli_ctx.config.get(CONFIG_SECTION, "read_timeout", None)
    if not read_timeout:
        return {}
    try:
        seconds = float(read_timeout)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        from azure.cli.core.azclierror import InvalidArgumentValueError
        raise InvalidArgumentValueError(
            f"The read timeout '{read_timeout}' (identity_binding.read_timeout or AZURE_IDENTITY_BINDING_READ_TIMEOUT) "
            "is not a positive number of seconds. Set it with 'az config set identity_binding.read_timeout=60' or "
            "remove it with 'az config unset identity_binding.read_timeout'.")
    return {"read_timeout": seconds}


def cf_identity_bindings(cli_ctx, *_, subscription_id=None):
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from .vendored_sdks.v2026_08_02_preview import IdentityBindingsClient
    return get_mgmt_service_client(cli_ctx, IdentityBindingsClient, subscription_id=subscription_id,
                                   **_transport_settings(cli_ctx))
