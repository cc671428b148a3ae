"""Recorded scenarios for `az aks identity-binding`: the walkthrough and what goes wrong around it."""

from azure.cli.core.azclierror import AzureResponseError, BadRequestError, ResourceNotFoundError
from azure.cli.testsdk import NoneCheck

from .base import IdentityBindingScenarioTest, default_scenario



class IdentityBindingWalkthroughTest(IdentityBindingScenarioTest):

    def test_walkthrough(self):
        self.cmd("aks identity-binding create -g {rg} --cluster-name {cluster} -n my-first-ib "
                 "--managed-identity-resource-id {identity_id}", checks=[
                     self.check("name", "my-first-ib"),
                     self.check("properties.provisioningState", "Succeeded"),
                     self.check("properties.managedIdentity.resourceId", "{identity_id}"),
                 ])

        bindings = self.cmd("aks identity-binding list -g {rg} --cluster-name {cluster}").get_output_in_json()
        self.assertEqual([binding["name"] for binding in bindings], ["my-first-ib"])

        binding = self.cmd("aks identity-binding show -g {rg} --cluster-name {cluster} -n my-first-ib").get_output_in_json()
        client_id = binding["properties"]["managedIdentity"]["clientId"]
        issuer = self.cmd("aks identity-binding show -g {rg} --cluster-name {cluster} -n my-first-ib "
                          "--query properties.oidcIssuer.oidcIssuerUrl -o tsv").output
        self.assertEqual(issuer.strip(), binding["properties"]["oidcIssuer"]["oidcIssuerUrl"])

        table = self.cmd("aks identity-binding list -g {rg} --cluster-name {cluster} -o table").output
        self.assertIn("OidcIssuerUrl", table)
        self.assertIn(client_id, table)

        self.cmd("aks identity-binding delete -g {rg} --cluster-name {cluster} -n my-first-ib --yes",
                 checks=[NoneCheck()])
        self.cmd("aks identity-binding list -g {rg} --cluster-name {cluster}", checks=[self.check("length(@)", 0)])

    def test_create_twice_returns_binding(self):
        create = ("aks identity-binding create -g {rg} --cluster-name {cluster} -n my-first-ib "
                  "--managed-identity-resource-id {identity_id}")
        first = self.cmd(create).get_output_in_json()
        second = self.cmd(create).get_output_in_json()
        self.assertEqual(second["properties"]["managedIdentity"]["clientId"],
                         first["properties"]["managedIdentity"]["clientId"])
        self.assertEqual(second["properties"]["provisioningState"], "Succeeded")

    def test_create_other_identity_rejected(self):
        self.use_scenario({"identities": [{"resourceGroup": "ib-rg", "name": "ib-identity"},
                                        {"resourceGroup": "ib-rg", "name": "other-identity"}]})
        self.cmd("aks identity-binding create -g {rg} --cluster-name {cluster} -n my-first-ib "
                 "--managed-identity-resource-id {identity_id}")
        self.kwargs["other_id"] = self.kwargs["identity_id"].replace("ib-identity", "other-identity")
        with self.assertRaisesRegex(BadRequestError, "cannot change its managed identity.*delete"):
            self.cmd("aks identity-binding create -g {rg} --cluster-name {cluster} -n my-first-ib "
                     "--managed-identity-resource-id {other_id}")

    def test_no_wait_then_wait_created(self):
        self.cmd("aks identity-binding create -g {rg} --cluster-name {cluster} -n my-first-ib "
                 "--managed-identity-resource-id {identity_id} --no-wait", checks=[NoneCheck()])
        self.cmd("aks identity-binding wait -g {rg} --cluster-name {cluster} -n my-first-ib --created --interval 1")
        self.cmd("aks identity-binding show -g {rg} --cluster-name {cluster} -n my-first-ib",
                 checks=[self.check("properties.provisioningState", "Succeeded")])

    def test_wait_deleted(self):
        self.cmd("aks identity-binding create -g {rg} --cluster-name {cluster} -n my-first-ib "
                 "--managed-identity-resource-id {identity_id}")
        self.cmd("aks identity-binding delete -g {rg} --cluster-name {cluster} -n my-first-ib --yes --no-wait")
        self.cmd("aks identity-binding wait -g {rg} --cluster-name {cluster} -n my-first-ib --deleted --interval 1")

    def test_wait_timeout_fails(self):
        with self.assertRaisesRegex(AzureResponseError, "Timed out after 2 seconds"):
            self.cmd("aks identity-binding wait -g {rg} --cluster-name {cluster} -n my-first-ib --created "
                     "--interval 1 --timeout 2")

    def test_show_missing_binding(self):
        with self.assertRaisesRegex(ResourceNotFoundError, "'my-first-ib' was not found in cluster 'ib-cluster' "
                                                           r"\(resource group 'ib-rg'\)"):
            self.cmd("aks identity-binding show -g {rg} --cluster-name {cluster} -n my-first-ib")

    def test_list_missing_cluster(self):
        with self.assertRaisesRegex(ResourceNotFoundError, "cluster 'no-such-cluster' was not found in resource "
                                                           "group 'ib-rg'"):
            self.cmd("aks identity-binding list -g {rg} --cluster-name no-such-cluster")

    def test_delete_missing_binding_sends_no_delete(self):
        self.cmd("aks identity-binding delete -g {rg} --cluster-name {cluster} -n my-first-ib --yes")
        self.assertEqual(self.sent_requests("DELETE"), [])


class IdentityBindingPagingTest(IdentityBindingScenarioTest):

    def build_scenario(self):
        bindings = [{"resourceGroup": "ib-rg", "clusterName": "ib-cluster", "name": "ib{}".format(index),
                     "identity": self.kwargs["identity_id"]} for index in range(5)]
        return default_scenario(pageSize=2, bindings=bindings)

    def test_list_follows_next_link(self):
        self.cmd("aks identity-binding list -g {rg} --cluster-name {cluster}", checks=[self.check("length(@)", 5)])
