"""Recorded scenarios for service faults: throttling, server errors, failed operations, refusals."""

from azure.cli.core.azclierror import AzureResponseError, ForbiddenError

from .base import IdentityBindingScenarioTest, with_scenario

CREATE = ("aks identity-binding create -g {rg} --cluster-name {cluster} -n my-first-ib "
          "--managed-identity-resource-id {identity_id}")
SHOW = "aks identity-binding show -g {rg} --cluster-name {cluster} -n my-first-ib"
DELETE = "aks identity-binding delete -g {rg} --cluster-name {cluster} -n my-first-ib --yes"
BINDING = r"/identityBindings/my-first-ib$"
OPERATION = r"/locations/[^/]+/operations/"
EXISTING_BINDING = [{"resourceGroup": "ib-rg", "clusterName": "ib-cluster", "name": "my-first-ib",
                     "identity": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ib-rg/providers/"
                                 "Microsoft.ManagedIdentity/userAssignedIdentities/ib-identity"}]


def fault(method, path, status, code, message, **extra):
    rule = {"method": method, "path": path, "status": status, "error": {"code": code, "message": message}}
    rule.update(extra)
    return rule


THROTTLED = {"headers": {"Retry-After": "1"}}


class TransientFaultTest(IdentityBindingScenarioTest):
    """One failed response, then success: the CLI's retry policy absorbs it."""

    @with_scenario(faults=[fault("PUT", BINDING, 429, "TooManyRequests", "Throttled.", **THROTTLED)])
    def test_put_throttled_then_created(self):
        self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])
        self.assertEqual(len(self.sent_requests("PUT")), 2)

    @with_scenario(faults=[fault("PUT", BINDING, 503, "ServiceUnavailable", "Try again.")])
    def test_put_unavailable_then_created(self):
        self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])

    @with_scenario(faults=[fault("GET", BINDING, 500, "InternalServerError", "Oops.")], bindings=EXISTING_BINDING)
    def test_get_server_error_then_shown(self):
        self.cmd(SHOW, checks=[self.check("name", "my-first-ib")])

    @with_scenario(faults=[fault("GET", BINDING, 429, "TooManyRequests", "Throttled.", **THROTTLED)],
                   bindings=EXISTING_BINDING)
    def test_get_throttled_then_shown(self):
        self.cmd(SHOW, checks=[self.check("name", "my-first-ib")])

    @with_scenario(faults=[fault("DELETE", BINDING, 429, "TooManyRequests", "Throttled.", **THROTTLED)],
                   bindings=EXISTING_BINDING)
    def test_delete_throttled_then_deleted(self):
        self.cmd(DELETE)

    @with_scenario(faults=[fault("DELETE", BINDING, 500, "InternalServerError", "Oops.")], bindings=EXISTING_BINDING)
    def test_delete_server_error_then_deleted(self):
        self.cmd(DELETE)

    @with_scenario(faults=[fault("GET", OPERATION, 503, "ServiceUnavailable", "Try again.")])
    def test_poll_unavailable_then_created(self):
        self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])

    @with_scenario(faults=[fault("GET", OPERATION, 429, "TooManyRequests", "Throttled.", **THROTTLED)])
    def test_poll_throttled_then_created(self):
        self.cmd(CREATE, checks=[self.check("properties.provisioningState", "Succeeded")])


class PersistentFaultTest(IdentityBindingScenarioTest):
    """Faults that outlast the retries or end the operation: a clear error, exit code 1."""

    @with_scenario(faults=[fault("PUT", BINDING, 503, "ServiceUnavailable", "Try again.", times=0)])
    def test_put_unavailable_exhausts_retries(self):
        with self.assertRaises(AzureResponseError) as raised:
            self.cmd(CREATE)
        message = str(raised.exception)
        self.assertIn("still failed after the retries", message)
        # The host is the emulator's while recording and management.azure.com in playback.
        self.assertRegex(message, "PUT https://[^/ ]+/subscriptions/")
        self.assertIn("/identityBindings/my-first-ib", message)
        self.assertEqual(len(self.sent_requests("PUT")), 4)

    @with_scenario(faults=[fault("GET", BINDING, 429, "TooManyRequests", "Throttled.", times=0, **THROTTLED)],
                   bindings=EXISTING_BINDING)
    def test_get_throttled_exhausts_retries(self):
        with self.assertRaisesRegex(AzureResponseError, "TooManyRequests.*GET https://[^/ ]+/subscriptions/"):
            self.cmd(SHOW)

    @with_scenario(faults=[{"method": "PUT", "path": BINDING, "action": "failOperation",
                            "error": {"code": "InternalOperationError", "message": "Reconciling failed."}}])
    def test_create_operation_failed(self):
        with self.assertRaises(AzureResponseError) as raised:
            self.cmd(CREATE)
        message = str(raised.exception)
        self.assertIn("identity binding 'my-first-ib'", message)
        self.assertIn("ended in state 'Failed': Reconciling failed. (InternalOperationError)", message)
        self.assertIn("az aks identity-binding show -g ib-rg --cluster-name ib-cluster -n my-first-ib", message)

    @with_scenario(faults=[{"method": "PUT", "path": BINDING, "action": "cancelOperation",
                            "error": {"code": "OperationCanceled", "message": "Canceled by a newer request."}}])
    def test_operation_canceled(self):
        with self.assertRaisesRegex(AzureResponseError, "ended in state 'Canceled': Canceled by a newer request."):
            self.cmd(CREATE)

    @with_scenario(faults=[{"method": "DELETE", "path": BINDING, "action": "failOperation",
                            "error": {"code": "DeleteFailed", "message": "The binding could not be deleted."}}],
                   bindings=EXISTING_BINDING)
    def test_delete_operation_failed(self):
        with self.assertRaisesRegex(AzureResponseError, "Deleting identity binding 'my-first-ib' from cluster "
                                                        "'ib-cluster' ended in state 'Failed': The binding could not "
                                                        r"be deleted. \(DeleteFailed\)"):
            self.cmd(DELETE)

    @with_scenario(faults=[{"method": "DELETE", "path": BINDING, "action": "cancelOperation",
                            "error": {"code": "OperationCanceled", "message": "Canceled."}}],
                   bindings=EXISTING_BINDING)
    def test_delete_operation_canceled(self):
        with self.assertRaisesRegex(AzureResponseError, "ended in state 'Failed': Canceled."):
            self.cmd(DELETE)

    @with_scenario(faults=[fault("GET", OPERATION, 404, "NotFound", "Operation not found.", times=0)])
    def test_poll_not_found(self):
        with self.assertRaisesRegex(AzureResponseError, "Lost track of the operation creating identity binding "
                                                        "'my-first-ib'.*may still be running"):
            self.cmd(CREATE)

    @with_scenario(faults=[{"method": "GET", "path": OPERATION, "action": "malformedBody", "times": 0}])
    def test_poll_malformed_json(self):
        with self.assertRaisesRegex(AzureResponseError, "Lost track of the operation creating identity binding"):
            self.cmd(CREATE)

    @with_scenario(faults=[fault("PUT", BINDING, 403, "AuthorizationFailed",
                                 "The client does not have authorization to perform action "
                                 "'Microsoft.ContainerService/managedClusters/identityBindings/write'.")])
    def test_put_forbidden_names_permissions(self):
        with self.assertRaises(ForbiddenError) as raised:
            self.cmd(CREATE)
        message = str(raised.exception)
        self.assertIn("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write", message)
        self.assertIn("Microsoft.ContainerService/managedClusters/write", message)
        self.assertIn("cluster 'ib-cluster' in resource group 'ib-rg'", message)
        self.assertIn("/userAssignedIdentities/ib-identity", message)

    @with_scenario(faults=[fault("PUT", BINDING, 409, "OperationNotAllowed",
                                 "Operation is not allowed: Another operation (Updating) is in progress.")])
    def test_put_cluster_busy(self):
        with self.assertRaisesRegex(AzureResponseError, "az aks wait -g ib-rg -n ib-cluster --updated"):
            self.cmd(CREATE)
