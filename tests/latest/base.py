"""Scenario test base: recorded against the local ARM emulator, played back offline.

Live (``AZURE_TEST_RUN_LIVE=true``, see scripts/record.sh): each test starts the emulator
in-process with its own scenario, points the CLI's resource manager endpoint at it and records
every request; a processor rewrites the emulator's address to https://management.azure.com.
Playback: the CLI talks to management.azure.com and vcrpy answers from the recording.

azure-cli-testsdk 0.3.0 predates azure-cli 2.91 and Python 3.11 in three places, fixed here:
its LRO delay patch imports msrestazure (no longer installed), its preparers call
inspect.getargspec (removed in 3.11), and its credential mock lacks ``acquire_token``.
"""

import inspect
import os
import re
import threading
import time

from azure.cli.testsdk import ScenarioTest
from azure.cli.testsdk.patches import (
    patch_load_cached_subscriptions,
    patch_main_exception_handler,
    patch_progress_controller,
)
from azure.cli.testsdk.scenario_tests import mock_in_unit_test
from azure.cli.testsdk.scenario_tests.base import ReplayableTest
from azure.cli.testsdk.scenario_tests.patches import patch_time_sleep_api
from azure.cli.testsdk.scenario_tests.recording_processors import (
    RecordingProcessor,
    SubscriptionRecordingProcessor,
)

if not hasattr(inspect, "getargspec"):
    def _getargspec(func):
        spec = inspect.getfullargspec(func)
        return spec.args, spec.varargs, spec.varkw, spec.defaults
    inspect.getargspec = _getargspec

ARM_ENDPOINT = "https://management.azure.com"
MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
MOCK_TENANT = "00000000-0000-0000-0000-000000000000"
RESOURCE_GROUP = "ib-rg"
CLUSTER = "ib-cluster"
IDENTITY = "ib-identity"
IDENTITY_ID = ("/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{}"
               .format(MOCK_SUBSCRIPTION, RESOURCE_GROUP, IDENTITY))


def patch_long_running_operation_delay(unit_test):
    mock_in_unit_test(unit_test, "azure.cli.core.commands.LongRunningOperation._delay", lambda *_: None)


def patch_user_credential(unit_test):
    """Replace the signed-in user's credential with one that hands out a fixed, fake token."""

    class FakeUserCredential:  # pylint: disable=too-few-public-methods
        def __init__(self, *_, **__):
            pass

        def acquire_token(self, scopes, **_):  # pylint: disable=unused-argument,no-self-use
            return {"access_token": "fake-token-for-tests", "token_type": "Bearer", "expires_in": 3600}

        def get_token(self, *_, **__):  # pylint: disable=no-self-use
            from azure.core.credentials import AccessToken
            return AccessToken("fake-token-for-tests", int(time.time()) + 3600)

    mock_in_unit_test(unit_test, "azure.cli.core.auth.identity.Identity.get_user_credential",
                      lambda *_, **__: FakeUserCredential())


_SEND_LOCK = threading.Lock()


def patch_serial_transport(unit_test):
    """Send one HTTP request at a time.

    vcrpy 9.4 is not thread-safe: of requests sent at the same moment from several threads (as
    create's checks are), some bypass the cassette, so they are neither recorded nor played
    back. The product still sends from its threads; only the wire is taken in turn.
    """
    from azure.core.pipeline.transport import RequestsTransport
    original_send = RequestsTransport.send

    def send(self, request, **kwargs):
        with _SEND_LOCK:
            return original_send(self, request, **kwargs)

    mock_in_unit_test(unit_test, "azure.core.pipeline.transport.RequestsTransport.send", send)


class EmulatorAddressReplacer(RecordingProcessor):
    """Rewrite the emulator's https://127.0.0.1:PORT to the public ARM endpoint."""

    def __init__(self):
        self.base_url = None

    def _replace(self, text):
        if self.base_url and text:
            return text.replace(self.base_url, ARM_ENDPOINT)
        return text

    def process_request(self, request):
        request.uri = self._replace(request.uri)
        return request

    def process_response(self, response):
        body = response["body"].get("string")
        if isinstance(body, str):
            response["body"]["string"] = self._replace(body)
        for name, values in response["headers"].items():
            response["headers"][name] = [self._replace(value) for value in values]
        return response


class LoginRequestFilter(RecordingProcessor):
    """Leave token and discovery requests out of recordings."""

    _LOGIN_PATH = re.compile(r"/oauth2/|/\.well-known/|/common/discovery/", re.IGNORECASE)

    def process_request(self, request):
        return None if self._LOGIN_PATH.search(request.uri) else request


class IdentityBindingScenarioTest(ScenarioTest):
    """ScenarioTest with the emulator in live mode and the test SDK fixes in both modes."""

    # The test SDK drops Retry-After from recordings; keep it so throttling plays back as it happened.
    FILTER_HEADERS = [header for header in ReplayableTest.FILTER_HEADERS if header != "retry-after"]

    def __init__(self, method_name):
        # Live, the test SDK deletes the recording as soon as the test object is built, and pytest
        # builds one for every collected test, selected or not. Keep the file until the test runs.
        recording_file = os.path.join(os.path.dirname(inspect.getfile(type(self))), "recordings",
                                      f"{method_name}.yaml")
        saved_recording = None
        if os.path.exists(recording_file):
            with open(recording_file, "rb") as recording:
                saved_recording = recording.read()
        self.address_replacer = EmulatorAddressReplacer()
        patches = [patch_main_exception_handler, patch_time_sleep_api, patch_long_running_operation_delay,
                   patch_load_cached_subscriptions, patch_user_credential, patch_progress_controller,
                   patch_serial_transport]
        super().__init__(method_name, recording_processors=[self.address_replacer, LoginRequestFilter()],
                         recording_patches=[patch_main_exception_handler, patch_load_cached_subscriptions,
                                            patch_user_credential, patch_progress_controller,
                                            patch_serial_transport],
                         replay_patches=patches)
        # The test SDK's own list includes its broken msrestazure patch; use ours alone.
        self.replay_patches = patches
        # The emulator already uses the mock subscription. The test SDK's processor would also
        # rewrite any other subscription a test names on purpose, so IDs stay as they are.
        self.recording_processors = [processor for processor in self.recording_processors
                                     if not isinstance(processor, SubscriptionRecordingProcessor)]
        if saved_recording is not None and not os.path.exists(recording_file):
            with open(recording_file, "wb") as recording:
                recording.write(saved_recording)
        self.emulator = None
        self.kwargs.update({"rg": RESOURCE_GROUP, "cluster": CLUSTER, "identity_id": IDENTITY_ID})

    def setUp(self):
        if self.is_live and os.path.exists(self.recording_file):
            # vcrpy appends to an existing cassette in record mode "all": start from an empty one.
            os.remove(self.recording_file)
        super().setUp()
        if self.in_recording:
            self._start_emulator()

    def _start_emulator(self):
        from tests.emulator import Emulator
        self.emulator = Emulator(scenario=self.build_scenario())
        self.emulator.start()
        self.addCleanup(self.emulator.stop)
        self.address_replacer.base_url = self.emulator.url.rstrip("/")
        os.environ["REQUESTS_CA_BUNDLE"] = self.emulator.ca_bundle
        self.cli_ctx.cloud.endpoints.resource_manager = self.emulator.url.rstrip("/") + "/"

    def build_scenario(self):
        """Return the scenario the emulator starts with: the default, with the test's @with_scenario changes."""
        test_method = getattr(self, self._testMethodName)
        return default_scenario(**getattr(test_method, "scenario_changes", {}))

    def use_scenario(self, changes):
        """Merge changes (resources, settings, faults) into the running emulator; nothing in playback."""
        if self.emulator is not None:
            self.emulator.configure(changes)

    # Helpers for assertions that hold in both modes.

    def sent_requests(self, method=None):
        """Return (method, path) of the requests sent: from the emulator live, from the recording in playback."""
        if self.emulator is not None:
            sent = [(entry["method"], entry["path"]) for entry in self.emulator.requests()]
        else:
            from urllib.parse import urlparse
            sent = [(request.method, urlparse(request.uri).path)
                    for index, request in enumerate(self.cassette.requests) if self.cassette.play_counts[index]]
        return [item for item in sent if method is None or item[0] == method]

    def assert_no_put(self):
        puts = [path for method, path in self.sent_requests("PUT") if "/identityBindings/" in path]
        self.assertEqual(puts, [], "a PUT was sent: {}".format(puts))


def with_scenario(**changes):
    """Start the emulator of the decorated test with these top-level scenario keys replaced."""
    def decorate(test_method):
        test_method.scenario_changes = changes
        return test_method
    return decorate


def default_scenario(**overrides):
    """Return the walkthrough's world: one cluster with OIDC and workload identity, one identity."""
    scenario = {
        "subscriptionId": MOCK_SUBSCRIPTION,
        "tenantId": MOCK_TENANT,
        "operationDurationSeconds": 2,
        "features": {"IdentityBindingPreview": "Registered"},
        "clusters": [{"resourceGroup": RESOURCE_GROUP, "name": CLUSTER, "oidcIssuer": True,
                      "workloadIdentity": True}],
        "identities": [{"resourceGroup": RESOURCE_GROUP, "name": IDENTITY}],
    }
    scenario.update(overrides)
    return scenario
