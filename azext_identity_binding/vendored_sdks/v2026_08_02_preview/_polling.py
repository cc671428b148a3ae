"""Long-running-operation polling with a short interval that grows slowly."""

from azure.core.polling.base_polling import get_retry_after
from azure.mgmt.core.polling.arm_polling import ARMPolling

# Seconds between polls when the service sends no Retry-After. The real service sends none
# while a binding is created (about 55 s), and ARMPolling's default of 30 s learns of the end
# up to 30 s late. This schedule learns of it at most 2 s late, for about 29 reads in 55 s
# (benchmarks/run.py measures both).
POLL_SCHEDULE = (1.0, 1.0, 1.0, 2.0)


class GrowingIntervalPolling(ARMPolling):
    """ARMPolling that honours Retry-After and otherwise follows POLL_SCHEDULE.

    A fixed ``interval`` replaces the schedule (``--polling-interval`` style callers, tests).
    """

    def __init__(self, interval=None, schedule=POLL_SCHEDULE, **kwargs):
        super().__init__(timeout=interval if interval is not None else schedule[0], **kwargs)
        self._fixed_interval = interval
        self._schedule = schedule
        self._poll_count = 0

    def _extract_delay(self):
        retry_after = get_retry_after(self._pipeline_response)
        if retry_after:
            return retry_after
        if self._fixed_interval is not None:
            return self._fixed_interval
        delay = self._schedule[min(self._poll_count, len(self._schedule) - 1)]
        self._poll_count += 1
        return delay

    def _parse_resource(self, pipeline_response):
        # With final-state-via: location, a Location header on a PUT's 201 makes the poller end on
        # that URL, which may return 204 with no body. The result of a PUT is the resource, so
        # read it from the PUT's own URL then.
        initial_request = self._initial_response.http_response.request
        if not pipeline_response.http_response.body() and initial_request.method == "PUT":
            pipeline_response = self.request_status(initial_request.url)
        return super()._parse_resource(pipeline_response)
