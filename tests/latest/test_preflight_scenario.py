"""Recorded scenarios for create's checks: feature registration, cluster and identity."""

from azure.cli.core.azclierror import BadRequestError, ResourceNotFoundError, ValidationError

from .base import CLUSTER, IDENTITY, RESOURCE_GROUP, IdentityBindingScenarioTest, with_scenario

CREATE = ("aks identity-binding create -g {rg} --cluster-name {cluster} -n my-first-ib "
          "--managed-identity-resource-id {identity_id}")
LOGGER = "cli.azext_identity_binding"
FEATURE_403 = {"method": "GET", "path": "/features/IdentityBinding", "status": 403, "times": 0,
               "error": {"code": "AuthorizationFailed",
                         "message": "The client does not have authorization to read features."}}


def credentials(count, include_binding_credential=False):
    names = ["credential-{}".format(index) for index in range(count)]
    if include_binding_credential:
        names[-1] = "aks-identity-binding"
    return [{"name": name} for name in names]


class FeatureRegistrationTest(IdentityBindingScenarioTest):

    @with_scenario(features={"IdentityBindingPreview": "Registered", "IdentityBinding": "Registered"})
    def test_both_names_registered(self):
        self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])

    @with_scenario(features={"IdentityBindingPreview": "NotRegistered", "IdentityBinding": "Registered"})
    def test_old_name_registered(self):
        self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])

    @with_scenario(features={"IdentityBindingPreview": "NotRegistered", "IdentityBinding": "NotRegistered"})
    def test_neither_registered(self):
        with self.assertRaises(ValidationError) as raised:
            self.cmd(CREATE)
        message = str(raised.exception)
        self.assertIn("IdentityBindingPreview: NotRegistered, IdentityBinding: NotRegistered", message)
        self.assertIn("az feature register --namespace Microsoft.ContainerService --name IdentityBindingPreview",
                      message)
        self.assertIn("az provider register --namespace Microsoft.ContainerService", message)
        self.assertLess(message.index("az feature register"), message.index("az feature show"))
        self.assertLess(message.index("az feature show"), message.index("az provider register"))
        self.assert_no_put()

    @with_scenario(features={"IdentityBindingPreview": "Registering", "IdentityBinding": "NotRegistered"},
                   featureRegistrationSeconds=600)
    def test_registering(self):
        with self.assertRaisesRegex(ValidationError, "still being registered.*Wait until it is Registered"):
            self.cmd(CREATE)
        self.assert_no_put()

    @with_scenario(features={})
    def test_retired_feature_passes(self):
        self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])

    @with_scenario(faults=[FEATURE_403])
    def test_feature_read_forbidden(self):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])
        self.assertTrue(any("Skipped the preview feature registration check" in line for line in logs.output))

    @with_scenario(features={"IdentityBindingPreview": "NotRegistered"})
    def test_skip_preflight(self):
        self.cmd(CREATE + " --skip-preflight", checks=[self.check("properties.provisioningState", "Succeeded")])
        self.assertEqual([path for _, path in self.sent_requests("GET") if "/features/" in path], [])


class ClusterCheckTest(IdentityBindingScenarioTest):

    def test_cluster_missing(self):
        with self.assertRaisesRegex(ResourceNotFoundError, "cluster 'other-cluster' was not found in resource group "
                                                           "'ib-rg'"):
            self.cmd(CREATE.replace("{cluster}", "other-cluster"))
        self.assert_no_put()

    @with_scenario(clusters=[{"resourceGroup": RESOURCE_GROUP, "name": CLUSTER, "oidcIssuer": False,
                              "workloadIdentity": True}])
    def test_oidc_issuer_off_warns(self):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])
        warning = next(line for line in logs.output if "turned off" in line)
        self.assertIn("the OIDC issuer", warning)
        self.assertIn("az aks update -g ib-rg -n ib-cluster --enable-oidc-issuer", warning)

    @with_scenario(clusters=[{"resourceGroup": RESOURCE_GROUP, "name": CLUSTER, "oidcIssuer": True,
                              "workloadIdentity": False}])
    def test_workload_identity_off_warns(self):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])
        warning = next(line for line in logs.output if "turned off" in line)
        self.assertIn("--enable-workload-identity", warning)


class IdentityCheckTest(IdentityBindingScenarioTest):

    @with_scenario(identities=[])
    def test_identity_missing(self):
        with self.assertRaisesRegex(ResourceNotFoundError, "Managed identity '/subscriptions/.*/ib-identity' was "
                                                           "not found"):
            self.cmd(CREATE)
        self.assert_no_put()

    @with_scenario(identities=[{"resourceGroup": RESOURCE_GROUP, "name": IDENTITY,
                                "federatedCredentials": credentials(20)}])
    def test_identity_credential_limit(self):
        with self.assertRaises(ValidationError) as raised:
            self.cmd(CREATE)
        message = str(raised.exception)
        self.assertIn("already has 20 federated identity credentials", message)
        self.assertIn("az identity federated-credential list -g ib-rg --identity-name ib-identity", message)
        self.assert_no_put()

    @with_scenario(identities=[{"resourceGroup": RESOURCE_GROUP, "name": IDENTITY,
                                "federatedCredentials": credentials(20, include_binding_credential=True)}])
    def test_identity_limit_with_binding_credential(self):
        self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])


class PreviewGateTest(IdentityBindingScenarioTest):

    @with_scenario(featureGate=True, features={"IdentityBindingPreview": "NotRegistered"})
    def test_list_not_found_hint(self):
        with self.assertRaises(ValidationError) as raised:
            self.cmd("aks identity-binding list -g {rg} --cluster-name {cluster}")
        message = str(raised.exception)
        self.assertIn("InvalidResourceType", message)
        self.assertIn("not registered", message)
        self.assertIn("az feature register --namespace Microsoft.ContainerService --name IdentityBindingPreview",
                      message)

    @with_scenario(featureGate=True, features={"IdentityBindingPreview": "NotRegistered"})
    def test_show_not_found_hint(self):
        with self.assertRaisesRegex(ValidationError, "not registered"):
            self.cmd("aks identity-binding show -g {rg} --cluster-name {cluster} -n my-first-ib")

    @with_scenario(featureGate=True, features={"IdentityBindingPreview": "NotRegistered"}, bindings=[
        {"resourceGroup": RESOURCE_GROUP, "clusterName": CLUSTER, "name": "my-first-ib",
         "identity": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ib-rg/providers/"
                     "Microsoft.ManagedIdentity/userAssignedIdentities/ib-identity"}])
    def test_delete_gated_binding_explained(self):
        with self.assertRaisesRegex(ValidationError, "not registered"):
            self.cmd("aks identity-binding delete -g {rg} --cluster-name {cluster} -n my-first-ib --yes")
        self.assertEqual(self.sent_requests("DELETE"), [])

    @with_scenario(featureGate=True, features={"IdentityBindingPreview": "NotRegistered"})
    def test_wait_deleted_gated_explained(self):
        with self.assertRaisesRegex(ValidationError, "not registered"):
            self.cmd("aks identity-binding wait -g {rg} --cluster-name {cluster} -n my-first-ib --deleted "
                     "--interval 1 --timeout 2")

    @with_scenario(featureGate=True, features={})
    def test_list_gated_retired_names_hint(self):
        with self.assertRaisesRegex(ValidationError, "InvalidResourceType.*az feature show --namespace "
                                                     "Microsoft.ContainerService --name IdentityBindingPreview"):
            self.cmd("aks identity-binding list -g {rg} --cluster-name {cluster}")


class OtherSubscriptionIdentityTest(IdentityBindingScenarioTest):

    def test_identity_other_subscription_skipped(self):
        self.kwargs["other_id"] = self.kwargs["identity_id"].replace(
            "00000000-0000-0000-0000-000000000000", "11111111-2222-3333-4444-555555555555")
        with self.assertLogs(LOGGER, "WARNING") as logs:
            # The emulator has no identity in that subscription, so the PUT itself fails.
            with self.assertRaisesRegex(BadRequestError, "ManagedIdentityNotFound"):
                self.cmd("aks identity-binding create -g {rg} --cluster-name {cluster} -n my-first-ib "
                         "--managed-identity-resource-id {other_id}")
        self.assertTrue(any("Skipped the identity check" in line for line in logs.output))
