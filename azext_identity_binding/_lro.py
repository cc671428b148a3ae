"""Waiting for a long-running operation in the command itself.

The CLI's own LongRunningOperation would drive a returned poller, but it treats a 404 while
polling as success for any delete and prints a generic message on Ctrl-C. Driving the poller
here lets a failed, canceled or interrupted operation report the state the binding is in.
"""

from azure.cli.core.azclierror import AzureResponseError, ManualInterrupt
from azure.core.exceptions import AzureError, HttpResponseError
from knack.log import get_logger

from ._errors import error_code_and_message, from_polling_error, from_transport_error

logger = get_logger(__name__)

_FAILED_STATES = ("failed", "canceled", "cancelled")


def operation_status(error):
    """Return the operation's status ('Failed', 'Canceled') if the error came from one, else None."""
    response = getattr(error, "response", None)
    try:
        body = response.json() if response is not None else None
    except (ValueError, TypeError, AttributeError):
        return None
    if isinstance(body, dict):
        status = body.get("status") or (body.get("properties") or {}).get("provisioningState")
        if isinstance(status, str) and status.lower() in _FAILED_STATES:
            return status
    return None


def _failed_location_poll(error):
    """Return 'Failed' if a Location poll returned a client error, which ends the operation.

    An operation followed through its Location URL reports failure with a 4xx status and an ARM
    error body instead of a status field. 404, 408 and 429 tell nothing about the operation.
    """
    status_code = getattr(error, "status_code", None) or 0
    request = getattr(getattr(error, "response", None), "request", None)
    if 400 <= status_code < 500 and status_code not in (404, 408, 429) and request is not None \
            and request.method == "GET" and "/operationresults/" in request.url.lower():
        return "Failed"
    return None


def wait_for(cli_ctx, poller, *, description, follow_command, inspect_command):
    """Wait for ``poller`` with a progress indicator and return its result.

    ``description`` names the operation ("creating identity binding 'x' on cluster 'c'").
    ``follow_command`` is the command that follows the operation after Ctrl-C, and
    ``inspect_command`` shows the binding after a failure.
    """
    from azure.cli.core.commands.progress import IndeterminateProgressBar

    progress = IndeterminateProgressBar(cli_ctx, message="Running")
    if cli_ctx.only_show_errors:
        progress = None
    try:
        if progress:
            progress.begin()
        while not poller.done():
            if progress:
                progress.update_progress()
            poller.wait(0.2)
        result = poller.result()
    except KeyboardInterrupt as interrupt:
        if progress:
            progress.stop()
        raise ManualInterrupt(
            f"Stopped waiting, but the operation goes on in Azure: {description}. Follow it with: {follow_command}"
        ) from interrupt
    except HttpResponseError as error:
        if progress:
            progress.stop()
        status = operation_status(error) or _failed_location_poll(error)
        if status:
            code, message = error_code_and_message(error)
            capitalized_description = description[:1].upper() + description[1:]
            raise AzureResponseError(
                f"{capitalized_description} ended in state '{status}': {message} ({code or 'no error code'}). "
                f"Inspect the binding with: {inspect_command}") from error
        raise from_polling_error(error, description, inspect_command) from error
    except AzureError as error:
        if progress:
            progress.stop()
        raise from_transport_error(error, f"Following the operation {description}", inspect_command,
                                   check_reason="The operation may have finished or may still be running") from error
    if progress:
        progress.end()
    return result
