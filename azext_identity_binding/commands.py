"""Registration of the `az aks identity-binding` commands."""

from azext_identity_binding._client_factory import cf_identity_bindings
from azext_identity_binding._format import transform_binding_list_table, transform_binding_table


def confirm_delete(command_args):
    """Ask before deleting; without a terminal, fail with the --yes hint instead of hanging."""
    from knack.prompting import NoTTYException, prompt_y_n
    from azure.cli.core.azclierror import NoTTYError

    binding_name = command_args.get("binding_name")
    cluster_name = command_args.get("cluster_name")
    resource_group_name = command_args.get("resource_group_name")
    message = (f"Delete identity binding '{binding_name}' from cluster '{cluster_name}' (resource group "
               f"'{resource_group_name}')? Pods that use it lose access to the identity.")
    try:
        return prompt_y_n(message, default="n")
    except NoTTYException as error:
        raise NoTTYError(
            "Cannot ask for confirmation without a terminal. Add --yes to delete without asking.") from error


def load_command_table(loader, _):
    with loader.command_group("aks identity-binding", client_factory=cf_identity_bindings, is_preview=True) as g:
        g.custom_command("create", "create_identity_binding", supports_no_wait=True,
                         table_transformer=transform_binding_table)
        g.custom_command("list", "list_identity_bindings", table_transformer=transform_binding_list_table)
        g.custom_show_command("show", "show_identity_binding", table_transformer=transform_binding_table)
        g.custom_command("delete", "delete_identity_binding", supports_no_wait=True, confirmation=confirm_delete)
        g.custom_command("wait", "wait_identity_binding")

    with loader.command_group("aks identity-binding", is_preview=True) as g:
        g.custom_command("generate-rbac", "generate_rbac")
