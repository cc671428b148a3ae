"""Run the emulator as a server until SIGTERM or SIGINT.

When it is ready it prints one JSON line on stdout (url, port, ca_bundle, pid) and, with
--ready-file, writes the same JSON to that file.
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading

from .faults import FaultError
from .scenario import ScenarioError
from .server import Emulator

logger = logging.getLogger("tests.emulator")


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m tests.emulator",
        description="Serve a local Azure Resource Manager and login emulator on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0,
                        help="TCP port on 127.0.0.1 to listen on. 0 (the default) picks a free one.")
    parser.add_argument("--scenario", help="JSON scenario file to start from.")
    parser.add_argument("--ready-file",
                        help="File to write the ready JSON to once the server accepts requests.")
    parser.add_argument("--workdir",
                        help="Folder for the generated certificates (default: a new temporary "
                             "folder, removed on exit).")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="Level of the log on stderr. DEBUG logs every request line.")
    return parser.parse_args(argv)


def write_ready_file(path, info):
    # Written to a temporary name and renamed, so a reader never sees half a file.
    partial = f"{path}.partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(info, handle)
    os.replace(partial, path)


def main(argv=None):
    arguments = parse_arguments(argv)
    logging.basicConfig(level=arguments.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    try:
        emulator = Emulator(arguments.scenario, port=arguments.port, workdir=arguments.workdir)
        emulator.start()
    except (ScenarioError, FaultError, OSError) as error:
        logger.error("Cannot start the emulator: %s", error)
        return 1

    stop_requested = threading.Event()

    def request_stop(signal_number, _frame):
        logger.info("Received signal %s, stopping", signal_number)
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    info = emulator.ready_info
    if arguments.ready_file:
        write_ready_file(arguments.ready_file, info)
    print(json.dumps(info), flush=True)

    try:
        while not stop_requested.wait(1):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
