"""The `az aks identity-binding` command group.

This module is imported whenever the CLI loads the extension, so it imports only what
registering commands needs: no client and no azure.mgmt package.
"""

from azure.cli.core import AzCommandsLoader

from azext_identity_binding._help import helps  # pylint: disable=unused-import


class IdentityBindingCommandsLoader(AzCommandsLoader):

    def __init__(self, cli_ctx=None):
        from azure.cli.core.commands import CliCommandType
        custom_command_type = CliCommandType(operations_tmpl="azext_identity_binding.custom#{}")
        super().__init__(cli_ctx=cli_ctx, custom_command_type=custom_command_type)

    def load_command_table(self, args):
        from azext_identity_binding.commands import load_command_table
        load_command_table(self, args)
        return self.command_table

    def load_arguments(self, command):
        from azext_identity_binding._params import load_arguments
        load_arguments(self, command)


COMMAND_LOADER_CLS = IdentityBindingCommandsLoader
