"""The HTTPS server: reads each request, applies fault rules, dispatches it, and logs it."""

import collections
import copy
import json
import logging
import os
import shutil
import ssl
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from . import bindings, control, faults
from .certs import write_certificates
from .responses import ArmError, Response, format_time
from .routes import arm_router, login_router
from .scenario import load_scenario
from .state import Store

logger = logging.getLogger(__name__)

# Request headers the request log keeps. Authorization is logged only as present or absent.
LOGGED_HEADERS = ("CommandName", "ParameterSetName", "User-Agent", "If-Match", "If-None-Match",
                  "x-ms-client-request-id")

MAX_LOG_ENTRIES = 10000

# An idle keep-alive connection is closed after this many seconds.
IDLE_TIMEOUT_SECONDS = 60


class EmulatorRequest:
    """One parsed request: method, path, query, headers and body."""

    def __init__(self, method, target, headers, body, base_url):
        parts = urlsplit(target)
        self.method = method
        self.raw_path = parts.path
        self.path = unquote(parts.path)
        # ARM reads the first value of a repeated query parameter.
        self.query = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            self.query.setdefault(key, value)
        self.headers = headers
        self.body = body
        self.base_url = base_url
        self.fault = None
        self.fault_used = False
        self._json = None

    def json(self):
        """Return the body parsed as JSON ({} when empty), or raise 400 when it is not JSON."""
        if self._json is None:
            if not self.body.strip():
                self._json = {}
            else:
                try:
                    self._json = json.loads(self.body)
                except ValueError as error:
                    raise ArmError(400, "InvalidRequestContent",
                                   f"The request content is not valid JSON: {error}.") from error
        return self._json


class RequestLog:
    """The requests the server handled, with the headers tests check.

    It keeps the newest MAX_LOG_ENTRIES entries, so a long-running server stays bounded.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = collections.deque(maxlen=MAX_LOG_ENTRIES)

    def append(self, entry):
        with self._lock:
            self._entries.append(entry)

    def entries(self):
        with self._lock:
            return copy.deepcopy(list(self._entries))

    def clear(self):
        with self._lock:
            self._entries.clear()


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Closing must not wait for daemon threads, which may keep a `hang` request open.
    block_on_close = False

    def __init__(self, address, emulator, ssl_context):
        self.emulator = emulator
        self.ssl_context = ssl_context
        super().__init__(address, EmulatorHandler)

    def handle_error(self, request, client_address):
        # Typical causes: a client that does not trust the CA, or one that hung up early.
        logger.info("Connection from %s failed: %r", client_address, sys.exc_info()[1])
        logger.debug("Traceback of the failed connection", exc_info=True)


class EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ARMEmulator/1.0"
    timeout = IDLE_TIMEOUT_SECONDS

    def setup(self):
        # TLS is set up here, in the request's own thread, so that a client which never
        # finishes the handshake cannot block the accept loop.
        self.request.settimeout(IDLE_TIMEOUT_SECONDS)
        self.request = self.server.ssl_context.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def dispatch(self):
        emulator = self.server.emulator
        started = time.time()
        request = EmulatorRequest(self.command, self.path, self.headers, self.read_body(),
                                  self.base_url())

        if request.path.startswith("/_emulator"):
            try:
                response = control.handle(emulator, request)
            except Exception as error:  # pylint: disable=broad-except
                logger.exception("Unexpected error in control request %s %s", request.method,
                                 request.path)
                response = control.control_error(500, "InternalServerError",
                                                 f"The control request failed: {error!r}.")
            self.send(response)
            return

        entry = self.new_log_entry(request, started)
        rule = emulator.fault_book.take(request.method, request.path)
        if rule is not None:
            request.fault = rule
            entry["fault"] = {"id": rule.id, "action": rule.action}
            logger.info("Fault %s (%s) applies to %s %s", rule.id, rule.action, request.method,
                        request.path)

        if rule is not None and rule.action == faults.DROP_CONNECTION:
            self.finish_log_entry(emulator, entry, started, None)
            self.close_connection = True
            return

        if rule is not None and rule.action == faults.HANG:
            # The entry is logged before the wait, so a test can see the held request.
            emulator.request_log.append(entry)
            emulator.stopping.wait(rule.hold_seconds)
            entry["durationMs"] = round((time.time() - started) * 1000, 1)
            self.close_connection = True
            return

        if rule is not None and rule.action == faults.RESPOND:
            response = fault_response(rule)
        else:
            response = emulator.handle(request)

        if rule is not None and rule.action in faults.OPERATION_ACTIONS:
            entry["fault"]["applied"] = request.fault_used

        if rule is not None and rule.action == faults.MALFORMED_BODY:
            response = truncate(response)

        latency = emulator.store.settings["latencyMs"]
        if latency:
            time.sleep(latency / 1000)

        self.send(response)
        self.finish_log_entry(emulator, entry, started, response.status)
        if response.status >= 400:
            logger.info("%s %s returned %s %s", request.method, request.path, response.status,
                        error_code(response))

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self.read_chunked_body()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def read_chunked_body(self):
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # Skip trailers up to the blank line that ends the body.
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def base_url(self):
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        return f"https://{host}"

    def new_log_entry(self, request, started):
        headers = {name: request.headers.get(name) for name in LOGGED_HEADERS
                   if request.headers.get(name) is not None}
        entry = {
            "method": request.method,
            "path": request.path,
            "query": dict(request.query),
            "headers": headers,
            "authorization": request.headers.get("Authorization") is not None,
            "status": None,
            "startTime": format_time(started),
            "durationMs": None,
            "fault": None,
        }
        # Login bodies carry the client secret, so only ARM request bodies are kept.
        if is_arm_path(request.path) and request.body:
            try:
                entry["body"] = json.loads(request.body)
            except ValueError:
                entry["body"] = request.body.decode("utf-8", "replace")
        return entry

    def finish_log_entry(self, emulator, entry, started, status):
        entry["status"] = status
        entry["durationMs"] = round((time.time() - started) * 1000, 1)
        emulator.request_log.append(entry)

    def send(self, response):
        body = response.encode_body()
        self.send_response(response.status)
        if body:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        if response.status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))

        request_id = str(uuid.uuid4())
        self.send_header("x-ms-request-id", request_id)
        self.send_header("x-ms-correlation-request-id", request_id)
        client_request_id = self.headers.get("x-ms-client-request-id")
        if client_request_id:
            self.send_header("x-ms-client-request-id", client_request_id)
        for name, value in response.headers.items():
            self.send_header(name, str(value))
        self.end_headers()

        if body and self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


def is_arm_path(path):
    lowered = path.lower()
    return lowered in ("/subscriptions", "/tenants") or lowered.startswith(("/subscriptions/",
                                                                              "/tenants/"))


def error_code(response):
    """Return the ARM or OAuth error code of a response body, or '' when it has none."""
    error = response.body.get("error") if isinstance(response.body, dict) else None
    if isinstance(error, dict):
        return error.get("code", "")
    return error if isinstance(error, str) else ""


def fault_response(rule):
    body = rule.body if rule.body is not None else {"error": dict(rule.error)}
    return Response(rule.status, body, rule.headers)


def truncate(response):
    """Return a 200 response with the same headers and the JSON body cut in half."""
    body = response.encode_body() or b'{"error": {"code": "InternalServerError"}}'
    return Response(200, body[:max(1, len(body) // 2)], response.headers)


class Emulator:
    """A running emulator: start it, point a client at `url`, and trust `ca_bundle`.

    Use it as a context manager, or call `start()` and `stop()`. `scenario` is a dict, a JSON
    file path, or None for an empty subscription.
    """

    def __init__(self, scenario=None, *, port=0, workdir=None):
        self._initial_scenario = load_scenario(scenario)
        self._requested_port = port
        self._workdir = workdir
        self._owns_workdir = workdir is None
        self.store = Store()
        self.fault_book = faults.FaultBook()
        self.request_log = RequestLog()
        self.stopping = threading.Event()
        self._server = None
        self._thread = None
        self.ca_bundle = None
        self.port = None
        self.url = None

        for rule in self.store.reset(self._initial_scenario):
            self.fault_book.add(rule)

    def start(self):
        if self._workdir is None:
            self._workdir = tempfile.mkdtemp(prefix="arm-emulator-")
        self.ca_bundle, cert_path, key_path = write_certificates(self._workdir)

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert_path, key_path)

        self._server = EmulatorHTTPServer(("127.0.0.1", self._requested_port), self, context)
        self.port = self._server.server_address[1]
        self.url = f"https://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="arm-emulator", daemon=True)
        self._thread.start()
        logger.info("ARM emulator listening on %s (CA bundle %s)", self.url, self.ca_bundle)
        return self

    def stop(self):
        if self._server is None:
            return
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None
        if self._owns_workdir and self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
        logger.info("ARM emulator on port %s stopped", self.port)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def ready_info(self):
        """Return what the start-up line prints: url, port, ca_bundle and pid."""
        return {"url": self.url, "port": self.port, "ca_bundle": self.ca_bundle,
                "pid": os.getpid()}

    # Scenario and fault control

    def configure(self, scenario=None, **settings):
        """Merge a scenario (dict or file) and keyword settings into the running state.

        Keyword names are the scenario's camelCase keys, e.g. `operationDurationSeconds=0.5`.
        Returns the resulting scenario snapshot.
        """
        document = load_scenario(scenario)
        document.update(settings)
        for rule in self.store.merge(document):
            self.fault_book.add(rule)
        return self.store.snapshot()

    def reset(self, scenario=None):
        """Replace the state with a scenario, or with the start-up scenario when None.

        Fault rules are replaced too. Issued tokens and the request log are kept.
        """
        document = self._initial_scenario if scenario is None else load_scenario(scenario)
        rules = self.store.reset(document)
        self.fault_book.clear()
        for rule in rules:
            self.fault_book.add(rule)
        return self.store.snapshot()

    def scenario(self):
        return self.store.snapshot()

    def add_fault(self, rule=None, **fields):
        """Add a fault rule given as a dict and/or keyword fields, and return it with its id."""
        spec = dict(rule or {})
        spec.update(fields)
        return self.fault_book.add(spec)[0]

    def faults(self):
        return self.fault_book.list()

    def clear_faults(self):
        self.fault_book.clear()

    def requests(self):
        """Return a copy of the request log, oldest first."""
        return self.request_log.entries()

    def clear_requests(self):
        self.request_log.clear()

    # Request handling

    def handle(self, request):
        """Return the response to a login or ARM request (faults aside)."""
        try:
            if is_arm_path(request.path):
                return self._handle_arm(request)
            handler, params = login_router.resolve(request.method, request.path)
            with self.store.lock:
                return handler(self.store, request, **params)
        except ArmError as error:
            return error.to_response()
        except Exception as error:  # pylint: disable=broad-except
            logger.exception("Unexpected error in %s %s", request.method, request.path)
            return ArmError(500, "InternalServerError",
                            f"The emulator failed on this request: {error!r}.").to_response()

    def _handle_arm(self, request):
        self._check_authorization(request)
        if not request.query.get("api-version"):
            raise ArmError(400, "MissingApiVersionParameter",
                           "The api-version query parameter (?api-version=) is required for all "
                           "requests.")

        handler, params = arm_router.resolve(request.method, request.path)
        with self.store.lock:
            now = time.time()
            self.store.settle_features(now)
            bindings.settle_operations(self.store, now)
            return handler(self.store, request, **params)

    def _check_authorization(self, request):
        header = request.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        challenge = {"WWW-Authenticate": (
            f'Bearer authorization_uri="{request.base_url}/{self.store.tenant_id}", '
            'error="invalid_token"'
        )}
        if scheme.lower() != "bearer" or not token.strip():
            raise ArmError(401, "AuthenticationFailed",
                           "Authentication failed. The 'Authorization' header is missing or is "
                           "not a bearer token.", headers=challenge)
        if self.store.settings["requireIssuedToken"] and token.strip() not in self.store.issued_tokens:
            raise ArmError(401, "InvalidAuthenticationToken",
                           "The access token was not issued by this emulator. Log in again.",
                           headers=challenge)
