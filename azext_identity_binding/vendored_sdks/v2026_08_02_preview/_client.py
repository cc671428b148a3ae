"""A small ARM client for managedClusters/identityBindings.

Hand-written instead of generated: a generated SDK is thousands of lines of models and
serializers per api-version and slow to import. This one returns the JSON the service sent,
so fields it does not know yet (``allowedSubjects``, ``managedBy`` and later ones) reach the
user unchanged.
"""

from urllib.parse import quote

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
    ResourceNotModifiedError,
    map_error,
)
from azure.core.paging import ItemPaged
from azure.core.pipeline import policies
from azure.core.polling import LROPoller, NoPolling
from azure.core.rest import HttpRequest
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy, ARMHttpLoggingPolicy

from ._polling import GrowingIntervalPolling

API_VERSION = "2026-08-02-preview"

_ERROR_MAP = {
    401: ClientAuthenticationError,
    404: ResourceNotFoundError,
    409: ResourceExistsError,
    304: ResourceNotModifiedError,
}


class IdentityBindingsClient:
    """Client for ``Microsoft.ContainerService/managedClusters/identityBindings``.

    The constructor has the signature that the Azure CLI's ``get_mgmt_service_client`` expects
    of a current-generation SDK client, with ``credential`` positional. The pipeline uses the
    policies the CLI passes in (headers, user agent, logging, custom hook), so requests carry the
    CLI's ``CommandName`` and ``ParameterSetName`` headers and honour ``--debug``.
    """

    def __init__(self, credential, subscription_id, base_url="https://management.azure.com", **kwargs):
        self.subscription_id = subscription_id
        self.api_version = kwargs.pop("api_version", API_VERSION)
        self.polling_interval = kwargs.pop("polling_interval", None)
        credential_scopes = kwargs.pop("credential_scopes", ["https://management.azure.com/.default"])
        authentication_policy = kwargs.pop("authentication_policy", None)
        if authentication_policy is None and credential is not None:
            authentication_policy = ARMChallengeAuthenticationPolicy(credential, *credential_scopes)

        pipeline_policies = [
            policies.RequestIdPolicy(**kwargs),
            kwargs.get("headers_policy") or policies.HeadersPolicy(**kwargs),
            kwargs.get("user_agent_policy") or policies.UserAgentPolicy(
                sdk_moniker=f"identity-binding-vendored/{self.api_version}", **kwargs),
            policies.ProxyPolicy(**kwargs),
            policies.ContentDecodePolicy(**kwargs),
            policies.RedirectPolicy(**kwargs),
            kwargs.get("retry_policy") or policies.RetryPolicy(**kwargs),
            authentication_policy,
            kwargs.get("custom_hook_policy") or policies.CustomHookPolicy(**kwargs),
            kwargs.get("logging_policy") or policies.NetworkTraceLoggingPolicy(**kwargs),
            policies.DistributedTracingPolicy(**kwargs),
            policies.SensitiveHeaderCleanupPolicy(**kwargs),
            kwargs.get("http_logging_policy") or ARMHttpLoggingPolicy(**kwargs),
        ]
        self._client = ARMPipelineClient(
            base_url=base_url.rstrip("/"),
            policies=[policy for policy in pipeline_policies if policy is not None],
            **kwargs,
        )

    def close(self):
        self._client.close()

    def __enter__(self):
        self._client.__enter__()
        return self

    def __exit__(self, *exc_details):
        self._client.__exit__(*exc_details)

    # URLs

    def cluster_path(self, resource_group_name, cluster_name):
        return "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters/{}".format(
            quote(self.subscription_id, safe=""),
            quote(resource_group_name, safe=""),
            quote(cluster_name, safe=""),
        )

    def binding_path(self, resource_group_name, cluster_name, binding_name=None):
        path = f"{self.cluster_path(resource_group_name, cluster_name)}/identityBindings"
        if binding_name is not None:
            path += f"/{quote(binding_name, safe='')}"
        return path

    def _request(self, method, path, *, api_version=None, json=None, headers=None):
        request = HttpRequest(
            method,
            self._client.format_url(path),
            params={"api-version": api_version or self.api_version},
            headers={"Accept": "application/json", **(headers or {})},
            json=json,
        )
        return request

    def _send(self, request, expected_status):
        pipeline_response = self._client._pipeline.run(request, stream=False)  # pylint: disable=protected-access
        response = pipeline_response.http_response
        if response.status_code not in expected_status:
            map_error(status_code=response.status_code, response=response, error_map=_ERROR_MAP)
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        return pipeline_response

    @staticmethod
    def _json_or_none(pipeline_response):
        response = pipeline_response.http_response
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    # Operations

    def send_request(self, request, **kwargs):
        """Send a raw request through the client's pipeline (login, retries, logging).

        A relative URL such as ``/subscriptions/...`` is resolved against the client's endpoint.
        """
        from copy import deepcopy
        request_copy = deepcopy(request)
        request_copy.url = self._client.format_url(request_copy.url)
        return self._client.send_request(request_copy, **kwargs)

    def get(self, resource_group_name, cluster_name, binding_name):
        """Return one identity binding as the service's JSON."""
        request = self._request("GET", self.binding_path(resource_group_name, cluster_name, binding_name))
        return self._send(request, (200,)).http_response.json()

    def list_by_managed_cluster(self, resource_group_name, cluster_name):
        """Return an ItemPaged over the cluster's identity bindings, following nextLink."""

        def prepare_request(next_link=None):
            if next_link is None:
                return self._request("GET", self.binding_path(resource_group_name, cluster_name))
            # The service's nextLink already carries api-version and any skip token.
            return HttpRequest("GET", next_link, headers={"Accept": "application/json"})

        def extract_data(pipeline_response):
            page = pipeline_response.http_response.json()
            return page.get("nextLink") or None, iter(page.get("value") or [])

        def get_next(next_link=None):
            return self._send(prepare_request(next_link), (200,))

        return ItemPaged(get_next, extract_data)

    def begin_create_or_update(self, resource_group_name, cluster_name, binding_name, parameters, *,
                               if_match=None, if_none_match=None, polling=True, polling_interval=None):
        """Create or replace a binding; return an LROPoller whose result is the binding's JSON.

        The service returns 201 (created) or 200 (replaced) and reports progress through any of
        Azure-AsyncOperation, Location and Retry-After. The final state is read from the binding
        itself (final-state-via: location, and a PUT's response has no Location header).
        """
        headers = {"Content-Type": "application/json"}
        if if_match:
            headers["If-Match"] = if_match
        if if_none_match:
            headers["If-None-Match"] = if_none_match
        request = self._request("PUT", self.binding_path(resource_group_name, cluster_name, binding_name),
                                json=parameters, headers=headers)
        initial_response = self._send(request, (200, 201))
        return self._poller(initial_response, self._json_or_none, polling, polling_interval)

    def begin_delete(self, resource_group_name, cluster_name, binding_name, *,
                     if_match=None, polling=True, polling_interval=None):
        """Delete a binding; return an LROPoller whose result is None.

        The service returns 202 with a Location to poll (202 while running, 204 with no body
        when done), or 204 when the binding did not exist.
        """
        headers = {"If-Match": if_match} if if_match else None
        request = self._request("DELETE", self.binding_path(resource_group_name, cluster_name, binding_name),
                                headers=headers)
        initial_response = self._send(request, (200, 202, 204))
        return self._poller(initial_response, lambda _: None, polling, polling_interval)

    def _poller(self, initial_response, deserialize, polling, polling_interval):
        if polling is True:
            interval = polling_interval if polling_interval is not None else self.polling_interval
            polling_method = GrowingIntervalPolling(interval=interval,
                                                    lro_options={"final-state-via": "location"})
        elif polling is False:
            polling_method = NoPolling()
        else:
            polling_method = polling
        return LROPoller(self._client, initial_response, deserialize, polling_method)

    def get_managed_cluster(self, resource_group_name, cluster_name, api_version="2026-08-02-preview"):
        """Return the managed cluster's JSON (used to tell a missing cluster from a missing binding)."""
        request = self._request("GET", self.cluster_path(resource_group_name, cluster_name),
                                api_version=api_version)
        return self._send(request, (200,)).http_response.json()
