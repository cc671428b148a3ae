"""Tab completion for names that only the service can list."""

from azure.cli.core.decorators import Completer


@Completer
def get_binding_name_completion_list(cmd, prefix, namespace, **kwargs):  # pylint: disable=unused-argument
    """List the names of the bindings on the cluster named so far on the command line."""
    resource_group_name = getattr(namespace, "resource_group_name", None)
    cluster_name = getattr(namespace, "cluster_name", None)
    if not resource_group_name or not cluster_name:
        return []
    from azext_identity_binding._client_factory import cf_identity_bindings
    client = cf_identity_bindings(cmd.cli_ctx)
    return [binding["name"] for binding in client.list_by_managed_cluster(resource_group_name, cluster_name)
            if binding.get("name", "").startswith(prefix or "")]
