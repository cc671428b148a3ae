"""Fault rules: scripted failures that replace or alter the emulator's normal response.

A rule matches requests by method and by a case-insensitive regular expression searched in the
path (without the query). Each rule counts its own matching requests and applies to the
`occurrence`-th one and the `times - 1` after it (`times: 0` means every one from then on).
When several rules are due for one request, the rule added first applies.
"""

import itertools
import re
import threading

RESPOND = "respond"
MALFORMED_BODY = "malformedBody"
DROP_CONNECTION = "dropConnection"
HANG = "hang"
FAIL_OPERATION = "failOperation"
CANCEL_OPERATION = "cancelOperation"

ACTIONS = (RESPOND, MALFORMED_BODY, DROP_CONNECTION, HANG, FAIL_OPERATION, CANCEL_OPERATION)
OPERATION_ACTIONS = (FAIL_OPERATION, CANCEL_OPERATION)

RULE_KEYS = {"id", "method", "path", "occurrence", "times", "action", "status", "headers",
             "error", "body", "holdSeconds"}

# A held request is released after this long even if the server keeps running.
DEFAULT_HOLD_SECONDS = 300.0


class FaultError(ValueError):
    """An invalid fault rule. The message names the key."""


class FaultRule:
    """One validated fault rule and the number of requests it has matched so far."""

    def __init__(self, spec, rule_id):
        if not isinstance(spec, dict):
            raise FaultError("A fault rule must be a JSON object.")
        unknown = set(spec) - RULE_KEYS
        if unknown:
            raise FaultError(
                f"Unknown fault rule keys: {', '.join(sorted(unknown))}. "
                f"Accepted keys: {', '.join(sorted(RULE_KEYS))}."
            )

        self.id = str(spec.get("id") or rule_id)
        self.action = spec.get("action", RESPOND)
        if self.action not in ACTIONS:
            raise FaultError(
                f"Fault action '{self.action}' is not valid. Use one of: {', '.join(ACTIONS)}."
            )

        self.method = (spec.get("method") or "*").upper()
        if self.action in OPERATION_ACTIONS and self.method not in ("PUT", "DELETE"):
            raise FaultError(f"Fault action '{self.action}' needs 'method' PUT or DELETE.")

        self.path = spec.get("path") or ""
        try:
            self.pattern = re.compile(self.path, re.IGNORECASE)
        except re.error as error:
            raise FaultError(f"Fault 'path' {self.path!r} is not a valid regular expression: "
                             f"{error}.") from error

        self.occurrence = _integer(spec, "occurrence", 1, minimum=1)
        self.times = _integer(spec, "times", 1, minimum=0)
        self.status = _integer(spec, "status", _default_status(self.action), minimum=100)
        if self.status > 599:
            raise FaultError(f"Fault 'status' must be an HTTP status code, not {self.status}.")

        self.headers = spec.get("headers") or {}
        if not isinstance(self.headers, dict):
            raise FaultError("Fault 'headers' must be an object of header names and values.")
        self.error = spec.get("error") or _default_error(self.action)
        if not isinstance(self.error, dict):
            raise FaultError("Fault 'error' must be an object with 'code' and 'message'.")
        self.body = spec.get("body")

        hold = spec.get("holdSeconds", DEFAULT_HOLD_SECONDS)
        if not isinstance(hold, (int, float)) or isinstance(hold, bool) or hold < 0:
            raise FaultError("Fault 'holdSeconds' must be a number of 0 or more.")
        self.hold_seconds = float(hold)

        self.seen = 0
        self.applied = 0

    def matches(self, method, path):
        if self.method not in ("*", method.upper()):
            return False
        return self.pattern.search(path) is not None

    def count_and_check_due(self):
        """Count one more matching request and return whether this rule applies to it."""
        self.seen += 1
        if self.seen < self.occurrence:
            return False
        return self.times == 0 or self.seen < self.occurrence + self.times

    def summary(self):
        """Return the rule as the control endpoint and the request log show it."""
        return {
            "id": self.id,
            "action": self.action,
            "method": self.method,
            "path": self.path,
            "occurrence": self.occurrence,
            "times": self.times,
            "status": self.status,
            "headers": dict(self.headers),
            "error": dict(self.error),
            "body": self.body,
            "holdSeconds": self.hold_seconds,
            "seen": self.seen,
            "applied": self.applied,
        }


class FaultBook:
    """The active fault rules, safe to use from several request threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._ids = itertools.count(1)

    def add(self, spec):
        """Validate and add one rule or a list of rules, and return their summaries."""
        specs = spec if isinstance(spec, list) else [spec]
        with self._lock:
            rules = [FaultRule(item, f"fault-{next(self._ids)}") for item in specs]
            self._rules.extend(rules)
            return [rule.summary() for rule in rules]

    def clear(self):
        with self._lock:
            self._rules.clear()

    def list(self):
        with self._lock:
            return [rule.summary() for rule in self._rules]

    def take(self, method, path):
        """Return the rule that applies to this request, or None.

        Every matching rule counts the request, whether or not it is the one that applies.
        """
        chosen = None
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                if rule.count_and_check_due() and chosen is None:
                    chosen = rule
            if chosen is not None:
                chosen.applied += 1
        return chosen


def _integer(spec, key, default, minimum):
    value = spec.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise FaultError(f"Fault '{key}' must be an integer of {minimum} or more, not {value!r}.")
    return value


def _default_status(action):
    # NOTE: how the real service reports a failed operation on its Location URL was not
    # observed. 400 with the error body is a guess, chosen because azure-core raises on it
    # without retrying.
    if action in OPERATION_ACTIONS:
        return 400
    return 500


def _default_error(action):
    if action == FAIL_OPERATION:
        return {"code": "InternalOperationError",
                "message": "The operation failed because of an internal error."}
    if action == CANCEL_OPERATION:
        return {"code": "OperationCanceled", "message": "The operation was canceled."}
    return {"code": "InternalServerError",
            "message": "The server encountered an internal error. Retry the request."}
