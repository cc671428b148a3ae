"""Scenario documents: the settings and resources the emulator starts from.

A scenario is a JSON object with camelCase keys. `docs/emulator.md` describes every key. This
module checks a document and fills in defaults, and `state.py` turns it into resources.
"""

import copy
import json
import os

# The Azure CLI test SDK replaces subscription and tenant IDs with these values in recordings.
MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
MOCK_TENANT_ID = "00000000-0000-0000-0000-000000000000"

DEFAULT_SETTINGS = {
    "subscriptionId": MOCK_SUBSCRIPTION_ID,
    "subscriptionName": "Emulator Subscription",
    "tenantId": MOCK_TENANT_ID,
    "servicePrincipal": {
        "clientId": "11111111-1111-1111-1111-111111111111",
        "secret": "emulator-secret",
    },
    "location": "eastus2",
    # The real create took 55 s. A short default keeps tests quick.
    "operationDurationSeconds": 2.0,
    # None sends no Retry-After header, as the real service did.
    "retryAfterSeconds": None,
    "featureRegistrationSeconds": 0.0,
    "latencyMs": 0,
    "pageSize": None,
    "featureGate": False,
    "requireIssuedToken": False,
}

RESOURCE_KEYS = ("features", "resourceGroups", "clusters", "identities", "bindings", "faults")

CLUSTER_KEYS = {"resourceGroup", "name", "location", "kubernetesVersion", "oidcIssuer",
                "workloadIdentity"}
IDENTITY_KEYS = {"resourceGroup", "name", "location", "federatedCredentials"}
CREDENTIAL_KEYS = {"name", "issuer", "subject", "audiences"}
# provisioningState and eTag appear in snapshots and are ignored when a snapshot is loaded.
BINDING_KEYS = {"resourceGroup", "clusterName", "name", "identity", "allowedSubjects",
                "managedBy", "provisioningState", "eTag"}


class ScenarioError(ValueError):
    """An invalid scenario document. The message names the key and the expected value."""


def load_scenario(source):
    """Return a scenario dict from a mapping, a JSON file path, or None (an empty scenario)."""
    if source is None:
        return {}
    if isinstance(source, dict):
        return copy.deepcopy(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, encoding="utf-8") as handle:
                document = json.load(handle)
        except OSError as error:
            raise ScenarioError(f"Cannot read scenario file '{source}': {error}") from error
        except json.JSONDecodeError as error:
            raise ScenarioError(f"Scenario file '{source}' is not valid JSON: {error}") from error
        if not isinstance(document, dict):
            raise ScenarioError(f"Scenario file '{source}' must contain a JSON object.")
        return document
    raise ScenarioError(f"A scenario must be a dict or a file path, not {type(source).__name__}.")


def split_scenario(document):
    """Validate a scenario document and split it into settings and resource sections.

    Returns `(settings, resources)`. `settings` holds only the keys the document sets, so a merge
    can tell them from defaults. Raises ScenarioError on an unknown key or a value of the
    wrong type.
    """
    if not isinstance(document, dict):
        raise ScenarioError("A scenario must be a JSON object.")
    unknown = set(document) - set(DEFAULT_SETTINGS) - set(RESOURCE_KEYS)
    if unknown:
        raise ScenarioError(
            f"Unknown scenario keys: {', '.join(sorted(unknown))}. "
            f"Accepted keys: {', '.join(sorted(set(DEFAULT_SETTINGS) | set(RESOURCE_KEYS)))}."
        )

    settings = {key: document[key] for key in DEFAULT_SETTINGS if key in document}
    _check_settings(settings)

    resources = {
        "features": _check_features(document.get("features", {})),
        "resourceGroups": _check_list(document, "resourceGroups", None),
        "clusters": _check_list(document, "clusters", CLUSTER_KEYS),
        "identities": _check_list(document, "identities", IDENTITY_KEYS),
        "bindings": _check_list(document, "bindings", BINDING_KEYS),
        "faults": _check_list(document, "faults", None),
    }
    for identity in resources["identities"]:
        _check_credentials(identity)
    return settings, resources


def _check_settings(settings):
    numbers = ("operationDurationSeconds", "featureRegistrationSeconds", "latencyMs")
    for key in numbers:
        if key in settings and not _is_number(settings[key], minimum=0):
            raise ScenarioError(f"'{key}' must be a number of 0 or more, not {settings[key]!r}.")

    if "retryAfterSeconds" in settings and settings["retryAfterSeconds"] is not None:
        if not _is_number(settings["retryAfterSeconds"], minimum=0):
            raise ScenarioError("'retryAfterSeconds' must be null or a number of 0 or more.")

    page_size = settings.get("pageSize")
    if page_size is not None and (not isinstance(page_size, int) or isinstance(page_size, bool)
                                  or page_size < 1):
        raise ScenarioError(f"'pageSize' must be null or an integer of 1 or more, not {page_size!r}.")

    for key in ("featureGate", "requireIssuedToken"):
        if key in settings and not isinstance(settings[key], bool):
            raise ScenarioError(f"'{key}' must be true or false, not {settings[key]!r}.")

    for key in ("subscriptionId", "subscriptionName", "tenantId", "location"):
        if key in settings and not (isinstance(settings[key], str) and settings[key]):
            raise ScenarioError(f"'{key}' must be a non-empty string.")

    principal = settings.get("servicePrincipal")
    if principal is not None:
        valid = (isinstance(principal, dict) and not set(principal) - {"clientId", "secret"}
                 and all(isinstance(value, str) and value for value in principal.values()))
        if not valid:
            raise ScenarioError("'servicePrincipal' must be an object with non-empty string "
                                "'clientId' and 'secret'.")


def _check_features(features):
    if not isinstance(features, dict):
        raise ScenarioError("'features' must be an object mapping feature names to states.")
    for name, state in features.items():
        if state is not None and not isinstance(state, str):
            raise ScenarioError(
                f"Feature '{name}' must have a state string such as 'Registered', or null to "
                "remove it."
            )
    return dict(features)


def _check_list(document, key, allowed_keys):
    entries = document.get(key, [])
    if not isinstance(entries, list):
        raise ScenarioError(f"'{key}' must be a list.")
    for index, entry in enumerate(entries):
        if allowed_keys is None:
            continue
        if not isinstance(entry, dict):
            raise ScenarioError(f"'{key}[{index}]' must be an object.")
        unknown = set(entry) - allowed_keys
        if unknown:
            raise ScenarioError(
                f"'{key}[{index}]' has unknown keys: {', '.join(sorted(unknown))}. "
                f"Accepted keys: {', '.join(sorted(allowed_keys))}."
            )
        for required in ("resourceGroup", "name"):
            if not isinstance(entry.get(required), str) or not entry[required]:
                raise ScenarioError(f"'{key}[{index}]' needs a non-empty string '{required}'.")
    return copy.deepcopy(entries)


def _check_credentials(identity):
    credentials = identity.get("federatedCredentials", 0)
    where = f"identity '{identity['resourceGroup']}/{identity['name']}'"
    if isinstance(credentials, bool):
        raise ScenarioError(f"'federatedCredentials' of {where} must be a count or a list.")
    if isinstance(credentials, int):
        if credentials < 0:
            raise ScenarioError(f"'federatedCredentials' of {where} must not be negative.")
        return
    if not isinstance(credentials, list):
        raise ScenarioError(f"'federatedCredentials' of {where} must be a count or a list.")
    for index, credential in enumerate(credentials):
        if not isinstance(credential, dict) or not isinstance(credential.get("name"), str):
            raise ScenarioError(
                f"'federatedCredentials[{index}]' of {where} must be an object with a 'name'."
            )
        unknown = set(credential) - CREDENTIAL_KEYS
        if unknown:
            raise ScenarioError(
                f"'federatedCredentials[{index}]' of {where} has unknown keys: "
                f"{', '.join(sorted(unknown))}."
            )


def _is_number(value, minimum):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= minimum
