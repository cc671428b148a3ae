"""Arguments of the `az aks identity-binding` commands."""

from azure.cli.core.commands.parameters import (
    get_resource_name_completion_list,
    get_three_state_flag,
    resource_group_name_type,
)

from azext_identity_binding._completers import get_binding_name_completion_list
from azext_identity_binding._validators import (
    validate_binding_name,
    validate_cluster_name,
    validate_identity_resource_id,
    validate_rbac_arguments,
    validate_wait_arguments,
)

_WAIT_GROUP = "Wait Condition"


def load_arguments(loader, _):
    with loader.argument_context("aks identity-binding") as c:
        c.argument("resource_group_name", resource_group_name_type)
        c.argument("cluster_name", options_list=["--cluster-name"], id_part="name",
                   completer=get_resource_name_completion_list("Microsoft.ContainerService/ManagedClusters"),
                   validator=validate_cluster_name,
                   help="Name of the managed cluster (AKS) that the binding belongs to.")
        c.argument("binding_name", options_list=["--name", "-n"], id_part="child_name_1",
                   completer=get_binding_name_completion_list, validator=validate_binding_name,
                   help="Name of the identity binding: lowercase letters, digits and '-', starting with a letter, "
                        "at most 63 characters.")

    with loader.argument_context("aks identity-binding list") as c:
        # A list names no single resource, so it takes no --ids.
        c.argument("cluster_name", id_part=None)

    with loader.argument_context("aks identity-binding create") as c:
        c.argument("managed_identity_resource_id", options_list=["--managed-identity-resource-id"],
                   validator=validate_identity_resource_id,
                   help="Resource ID of the user-assigned managed identity to bind, as printed by "
                        "`az identity show -g MyResourceGroup -n MyIdentity --query id -o tsv`. "
                        "It cannot be changed later.")
        c.argument("skip_preflight", options_list=["--skip-preflight"], arg_type=get_three_state_flag(),
                   help="Send the request without first checking the preview feature registration, the cluster "
                        "and the identity. Use it when you lack read access to those, or in scripts that have "
                        "checked them already.")

    with loader.argument_context("aks identity-binding wait") as c:
        c.argument("timeout", options_list=["--timeout"], type=int, arg_group=_WAIT_GROUP,
                   validator=validate_wait_arguments, help="Maximum wait in seconds.")
        c.argument("interval", options_list=["--interval"], type=int, arg_group=_WAIT_GROUP,
                   help="Polling interval in seconds.")
        c.argument("created", options_list=["--created"], action="store_true", arg_group=_WAIT_GROUP,
                   help="Wait until created with provisioningState 'Succeeded'.")
        c.argument("updated", options_list=["--updated"], action="store_true", arg_group=_WAIT_GROUP,
                   help="Wait until updated with provisioningState 'Succeeded'.")
        c.argument("deleted", options_list=["--deleted"], action="store_true", arg_group=_WAIT_GROUP,
                   help="Wait until deleted.")
        c.argument("exists", options_list=["--exists"], action="store_true", arg_group=_WAIT_GROUP,
                   help="Wait until the binding exists.")
        c.argument("custom", options_list=["--custom"], arg_group=_WAIT_GROUP,
                   help="Wait until the binding's JSON satisfies a JMESPath query, e.g. "
                        "\"properties.provisioningState!='Creating'\".")

    with loader.argument_context("aks identity-binding generate-rbac") as c:
        c.argument("resource_group_name", resource_group_name_type, required=False,
                   validator=validate_rbac_arguments)
        c.argument("client_id", options_list=["--client-id"], arg_group="Offline",
                   help="Client ID of the managed identity. With it, no binding is read and nothing is sent.")
        c.argument("tenant_id", options_list=["--tenant-id"], arg_group="Offline",
                   help="Tenant ID for the ServiceAccount annotation. Default: the binding's tenant, or offline "
                        "the signed-in account's tenant.")
        c.argument("service_accounts", options_list=["--service-account"], action="append",
                   help="Service account that may use the identity, as NAMESPACE/NAME. Repeat for each one. "
                        "The binding lists exactly the accounts given, so pass all of them every time. "
                        "Default: default/default.")
        c.argument("name_prefix", options_list=["--name-prefix"],
                   help="Name the objects PREFIX-cr and PREFIX-crb. Default: use-mi-CLIENT_ID for both.")
        c.argument("with_service_account", options_list=["--with-service-account"],
                   arg_type=get_three_state_flag(),
                   help="Also emit the ServiceAccount objects with the azure.workload.identity/client-id and "
                        "tenant-id annotations.")
