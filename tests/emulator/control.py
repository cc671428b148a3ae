"""The control endpoints under /_emulator/: scenario, reset, faults and the request log.

They need no authorization, are not logged, and no fault rule applies to them.
"""

import json

from .faults import FaultError
from .responses import Response
from .scenario import ScenarioError

# Invalid JSON in any control request is reported as a ScenarioError: the same 400 reply.


def handle(emulator, request):
    """Return the response to one control request."""
    route = request.path.rstrip("/").lower()
    method = request.method

    try:
        if route == "/_emulator" and method == "GET":
            return Response(200, emulator.ready_info)
        if route == "/_emulator/scenario":
            if method == "GET":
                return Response(200, emulator.scenario())
            if method == "POST":
                return Response(200, emulator.configure(read_json(request)))
        if route == "/_emulator/reset" and method == "POST":
            document = read_json(request) if request.body.strip() else None
            return Response(200, emulator.reset(document))
        if route == "/_emulator/faults":
            if method == "GET":
                return Response(200, {"value": emulator.faults()})
            if method == "POST":
                return Response(201, {"value": emulator.fault_book.add(read_json(request))})
            if method == "DELETE":
                emulator.clear_faults()
                return Response(204)
        if route == "/_emulator/requests":
            if method == "GET":
                return Response(200, {"value": emulator.requests()})
            if method == "DELETE":
                emulator.clear_requests()
                return Response(204)
    except (ScenarioError, FaultError) as error:
        return control_error(400, "InvalidControlRequest", str(error))

    return control_error(404, "ControlRouteNotFound",
                         f"No control endpoint for {method} '{request.path}'. See docs/emulator.md.")


def read_json(request):
    try:
        return json.loads(request.body or b"{}")
    except ValueError as error:
        raise ScenarioError(f"The request body is not valid JSON: {error}") from error


def control_error(status, code, message):
    return Response(status, {"error": {"code": code, "message": message}})
