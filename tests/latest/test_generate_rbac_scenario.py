"""Recorded scenarios for `generate-rbac` when it reads the binding from the service."""

from azure.cli.core.azclierror import AzureResponseError

from .base import IDENTITY_ID, IdentityBindingScenarioTest, with_scenario

EXISTING_BINDING = [{"resourceGroup": "ib-rg", "clusterName": "ib-cluster", "name": "my-first-ib",
                     "identity": IDENTITY_ID}]
BINDING_ARGS = "-g {rg} --cluster-name {cluster} -n my-first-ib"


class GenerateRbacTest(IdentityBindingScenarioTest):

    @with_scenario(bindings=EXISTING_BINDING)
    def test_rbac_from_binding(self):
        binding = self.cmd("aks identity-binding show " + BINDING_ARGS).get_output_in_json()
        client_id = binding["properties"]["managedIdentity"]["clientId"]

        manifests = self.cmd("aks identity-binding generate-rbac " + BINDING_ARGS +
                             " --name-prefix my-first-ib").get_output_in_json()

        self.assertEqual(manifests["kind"], "List")
        role, role_binding = manifests["items"]
        self.assertEqual(role["metadata"]["name"], "my-first-ib-cr")
        self.assertEqual(role["rules"][0]["resources"], [client_id])
        self.assertEqual(role_binding["metadata"]["name"], "my-first-ib-crb")
        self.assertEqual(role_binding["subjects"], [{"kind": "ServiceAccount", "name": "default",
                                                     "namespace": "default"}])

    @with_scenario(bindings=EXISTING_BINDING)
    def test_rbac_with_service_accounts(self):
        binding = self.cmd("aks identity-binding show " + BINDING_ARGS).get_output_in_json()
        identity = binding["properties"]["managedIdentity"]

        manifests = self.cmd("aks identity-binding generate-rbac " + BINDING_ARGS + " --service-account team-a/api "
                             "--service-account team-b/worker --with-service-account").get_output_in_json()

        kinds = [item["kind"] for item in manifests["items"]]
        self.assertEqual(kinds, ["ClusterRole", "ClusterRoleBinding", "ServiceAccount", "ServiceAccount"])
        account = manifests["items"][2]
        self.assertEqual(account["metadata"]["namespace"], "team-a")
        self.assertEqual(account["metadata"]["annotations"]["azure.workload.identity/client-id"],
                         identity["clientId"])
        self.assertEqual(account["metadata"]["annotations"]["azure.workload.identity/tenant-id"],
                         identity["tenantId"])
        self.assertEqual(manifests["items"][0]["metadata"]["name"], "use-mi-" + identity["clientId"])

    @with_scenario(bindings=EXISTING_BINDING)
    def test_rbac_by_ids(self):
        binding = self.cmd("aks identity-binding show " + BINDING_ARGS).get_output_in_json()
        self.kwargs["binding_id"] = binding["id"]

        manifests = self.cmd("aks identity-binding generate-rbac --ids {binding_id}").get_output_in_json()

        self.assertEqual(manifests["items"][0]["rules"][0]["resources"],
                         [binding["properties"]["managedIdentity"]["clientId"]])

    @with_scenario(operationDurationSeconds=120)
    def test_rbac_binding_still_creating(self):
        self.cmd("aks identity-binding create " + BINDING_ARGS + " --managed-identity-resource-id {identity_id} "
                 "--no-wait")
        with self.assertRaisesRegex(AzureResponseError, "has no client ID yet .provisioningState 'Creating'.*"
                                                        "az aks identity-binding wait .* --created"):
            self.cmd("aks identity-binding generate-rbac " + BINDING_ARGS)

    def test_create_prints_next_step(self):
        with self.assertLogs("cli.azext_identity_binding", "WARNING") as logs:
            self.cmd("aks identity-binding create " + BINDING_ARGS + " --managed-identity-resource-id {identity_id}")
        next_step = next(line for line in logs.output if "generate-rbac" in line)
        self.assertIn("az aks identity-binding generate-rbac -g ib-rg --cluster-name ib-cluster -n my-first-ib", next_step)
        self.assertIn('azure.workload.identity/use: "true"', next_step)
        self.assertIn('azure.workload.identity/use-identity-binding: "true"', next_step)

    @with_scenario(faults=[{"method": "PUT", "path": "/identityBindings/my-first-ib$", "action": "failOperation",
                            "error": {"code": "InternalOperationError", "message": "Reconciling failed."}}])
    def test_rbac_failed_binding(self):
        with self.assertRaises(AzureResponseError):
            self.cmd("aks identity-binding create " + BINDING_ARGS + " --managed-identity-resource-id {identity_id}")
        with self.assertRaisesRegex(AzureResponseError, "in state 'Failed', so it grants nothing.*delete it and "
                                                        "create it again"):
            self.cmd("aks identity-binding generate-rbac " + BINDING_ARGS)
