"""A local stand-in for Azure Resource Manager and the login endpoints, for tests of the
identity-binding extension. It shares no code with the extension: it plays the service.

    from tests.emulator import Emulator

    with Emulator(scenario={"clusters": [...], "identities": [...]}) as emulator:
        ...  # send requests to emulator.url, trusting emulator.ca_bundle

Run `python -m tests.emulator --help` for the command-line server. docs/emulator.md describes
the scenario format, the control endpoints and how to log the real `az` in.
"""

from .faults import FaultError
from .scenario import ScenarioError
from .server import Emulator

__all__ = ["Emulator", "FaultError", "ScenarioError"]
