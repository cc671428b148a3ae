"""Compare `az aks identity-binding` of this extension with the Azure CLI's own commands.

Run it on demand from the repository root (it is not part of CI):

    .work/venv/bin/python benchmarks/run.py [--repeat N] [--operation-repeat M] [--quick]

It builds the wheel, starts the local ARM emulator on 127.0.0.1, signs in two isolated `az`
configurations (with and without the extension) and prints median wall times, ratios
(ours / core) and the targets. It asserts nothing. docs/benchmarks.md explains each figure.
"""

import argparse
import datetime
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

import environment  # noqa: E402  pylint: disable=wrong-import-position
from environment import CLUSTER, EXISTING_BINDING, IDENTITY_ID, RESOURCE_GROUP, build_scenario  # noqa: E402

WORK = environment.ROOT / ".work" / "bench"
NEW_BINDING = "ib-bench"
EXTENSION_NAME = "identity-binding"

CREATE_OPERATION_SECONDS = (5, 20, 55)
DELETE_OPERATION_SECONDS = 3
PREFLIGHT_OPERATION_SECONDS = 2
# The target applies at 200 ms. At 0 ms the difference is what the checks cost on the client.
PREFLIGHT_LATENCIES_MS = (0, 200)

HELP_MAX_RATIO = 1.05
SHOW_MAX_RATIO = 1.05
MAX_SLACK_SECONDS = 2.0
# At most one extra round trip plus 10 %.
MAX_PREFLIGHT_ROUND_TRIPS = 1.1

BINDING_PATH = re.compile(r"/identityBindings/([^/]+)$", re.IGNORECASE)
OPERATION_PATH = re.compile(r"/(operations|operationresults)/", re.IGNORECASE)


@dataclass
class Row:
    """One line of the results table: samples for ours and, where it applies, for the core CLI."""

    figure: str
    unit: str
    ours: list = field(default_factory=list)
    core: list = field(default_factory=list)
    target: str = ""
    # Test of the medians (ours, core) that returns True when the target is met.
    check: Optional[Callable[[float, float], bool]] = None
    # Whether the table shows ours / core. False where the two sides measure different work.
    ratio: bool = True


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(samples):
    return statistics.median(samples) if samples else None


def parse_emulator_time(text):
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


def time_az(config, args):
    """Run `az ARGS` and return (wall seconds, end as Unix time)."""
    start = time.perf_counter()
    config.run(*args)
    elapsed = time.perf_counter() - start
    return elapsed, time.time()


def binding_args(name):
    return ["-g", RESOURCE_GROUP, "--cluster-name", CLUSTER, "-n", name]


def warm_up(emulator, ours, core):
    """Run each kind of command once untimed.

    The first command builds the command index, and the first import of each extension module
    writes its bytecode. The core CLI's modules were compiled when pip installed them.
    """
    emulator.reset(build_scenario(with_binding=True))
    for config in (ours, core):
        config.run("aks", "identity-binding", "-h")
        config.run("aks", "identity-binding", "show", *binding_args(EXISTING_BINDING))
    ours.run("aks", "identity-binding", "create", *binding_args(NEW_BINDING),
             "--managed-identity-resource-id", IDENTITY_ID)
    ours.run("aks", "identity-binding", "delete", *binding_args(NEW_BINDING), "--yes")


# Short commands.

def measure_help(ours, core, repeat):
    row = Row("help: az aks identity-binding -h", "s", target=f"<= {HELP_MAX_RATIO} x core",
              check=lambda o, c: o <= HELP_MAX_RATIO * c)
    for _ in range(repeat):
        for config, samples in ((ours, row.ours), (core, row.core)):
            samples.append(time_az(config, ["aks", "identity-binding", "-h"])[0])
    return row


def measure_show(emulator, ours, core, repeat):
    emulator.reset(build_scenario(with_binding=True))
    row = Row("show (existing binding)", "s", target=f"<= {SHOW_MAX_RATIO} x core",
              check=lambda o, c: o <= SHOW_MAX_RATIO * c)
    for _ in range(repeat):
        for config, samples in ((ours, row.ours), (core, row.core)):
            samples.append(time_az(config, ["aks", "identity-binding", "show", *binding_args(EXISTING_BINDING)])[0])
    return row


# Long-running operations.

def find_request(entries, method, binding_name):
    for entry in entries:
        match = BINDING_PATH.search(entry["path"])
        if entry["method"] == method and match and match.group(1).lower() == binding_name.lower():
            return entry
    raise RuntimeError(f"The emulator logged no {method} of binding '{binding_name}'.")


def run_operation(emulator, config, scenario, method, binding_name, args):
    """Run one create or delete and return (wall seconds, slack seconds, number of operation polls).

    The slack is the command's end minus the operation's end. The operation ends
    `operationDurationSeconds` after the emulator received the PUT or DELETE, whose time the
    emulator's request log records.
    """
    emulator.reset(scenario)
    emulator.clear_requests()
    elapsed, end = time_az(config, args)

    entries = emulator.requests()
    request = find_request(entries, method, binding_name)
    operation_end = parse_emulator_time(request["startTime"]) + scenario["operationDurationSeconds"]
    polls = sum(1 for entry in entries if entry["method"] == "GET" and OPERATION_PATH.search(entry["path"]))
    return elapsed, end - operation_end, polls


def measure_create(emulator, ours, core, seconds, repeat):
    scenario = build_scenario(operation_seconds=seconds)
    args = ["aks", "identity-binding", "create", *binding_args(NEW_BINDING),
            "--managed-identity-resource-id", IDENTITY_ID]
    wall = Row(f"create, {seconds} s operation: wall", "s")
    slack = Row(f"create, {seconds} s operation: slack", "s", target=f"< {MAX_SLACK_SECONDS:g} s",
                check=lambda o, c: o < MAX_SLACK_SECONDS)
    polls = Row(f"create, {seconds} s operation: polls", "")
    for index in range(repeat):
        for label, config in (("ours", ours), ("core", core)):
            log(f"create, {seconds} s operation, run {index + 1}/{repeat}, {label}")
            elapsed, late, count = run_operation(emulator, config, scenario, "PUT", NEW_BINDING, args)
            getattr(wall, label).append(elapsed)
            getattr(slack, label).append(late)
            getattr(polls, label).append(count)
    return [wall, slack, polls]


def measure_delete(emulator, ours, core, repeat):
    scenario = build_scenario(operation_seconds=DELETE_OPERATION_SECONDS, with_binding=True)
    args = ["aks", "identity-binding", "delete", *binding_args(EXISTING_BINDING), "--yes"]
    wall = Row(f"delete, {DELETE_OPERATION_SECONDS} s operation: wall", "s")
    slack = Row(f"delete, {DELETE_OPERATION_SECONDS} s operation: slack", "s", target=f"< {MAX_SLACK_SECONDS:g} s",
                check=lambda o, c: o < MAX_SLACK_SECONDS)
    for index in range(repeat):
        for label, config in (("ours", ours), ("core", core)):
            log(f"delete, run {index + 1}/{repeat}, {label}")
            elapsed, late, _ = run_operation(emulator, config, scenario, "DELETE", EXISTING_BINDING, args)
            getattr(wall, label).append(elapsed)
            getattr(slack, label).append(late)
    return [wall, slack]


# Preflight checks of create.

@dataclass
class PreflightResult:
    """Wall times of create with and without its preflight checks, at one emulator latency."""

    latency_ms: int
    checked: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    checked_requests: list = field(default_factory=list)
    skipped_requests: list = field(default_factory=list)


def count_arm_requests(emulator):
    # Login requests go to /{tenant}/..., and ARM paths start with /subscriptions.
    return sum(1 for entry in emulator.requests() if entry["path"].lower().startswith("/subscriptions"))


def measure_preflight(emulator, ours, repeat, latency_ms):
    scenario = build_scenario(operation_seconds=PREFLIGHT_OPERATION_SECONDS, latency_ms=latency_ms)
    args = ["aks", "identity-binding", "create", *binding_args(NEW_BINDING),
            "--managed-identity-resource-id", IDENTITY_ID]
    result = PreflightResult(latency_ms)
    for index in range(repeat):
        log(f"preflight, {latency_ms} ms latency, run {index + 1}/{repeat}")
        for extra, samples, counts in (([], result.checked, result.checked_requests),
                                       (["--skip-preflight"], result.skipped, result.skipped_requests)):
            elapsed, _, _ = run_operation(emulator, ours, scenario, "PUT", NEW_BINDING, args + extra)
            samples.append(elapsed)
            counts.append(count_arm_requests(emulator))
    return result


# Import time of the extension's loader and of its command table.

def importtime_microseconds(config, code, module):
    """Run `python -X importtime -c CODE` and return the cumulative microseconds of MODULE's line."""
    result = subprocess.run([str(environment.PYTHON), "-X", "importtime", "-c", code], env=loader_env(config),
                            cwd=WORK, capture_output=True, text=True, check=True)
    for line in result.stderr.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"python -X importtime printed no line for {module}:\n{result.stderr[-2000:]}")


def loader_env(config):
    """Return an environment where `import azext_identity_binding` finds the installed copy."""
    env = dict(config.env)
    env["PYTHONPATH"] = str(config.extension_dir / EXTENSION_NAME)
    return env


# A row of the CLI's own table of loaded modules, printed with --debug:
# "DEBUG: cli.azure.cli.core: acs    0.237    22    109" (name, seconds, groups, commands).
LOADED_MODULE_LINE = re.compile(r"^DEBUG: cli\.azure\.cli\.core: (\S+)\s+(\d+\.\d+)\s+\d+\s+\d+")


def command_table_seconds(config, module_name):
    """Return the seconds `az` reports for loading MODULE_NAME's command table for `az aks identity-binding -h`."""
    result = config.run("aks", "identity-binding", "-h", "--debug")
    for line in result.stderr.splitlines():
        match = LOADED_MODULE_LINE.match(line)
        if match and match.group(1) == module_name:
            return float(match.group(2))
    raise RuntimeError(f"az --debug reported no load time for '{module_name}'.")


def measure_loading(ours, core, repeat):
    ours_module = "azext_identity_binding"
    core_module = "azure.cli.command_modules.acs"
    cold = Row("import of the loader, alone", "ms")
    warm = Row("import of the loader, after azure.cli.core", "ms")
    # The core module registers every `az aks` command (109 in azure-cli 2.91.0), and ours registers six.
    table = Row("command table load (az --debug)", "ms", ratio=False)
    for _ in range(repeat):
        for module, label in ((ours_module, "ours"), (core_module, "core")):
            getattr(cold, label).append(importtime_microseconds(ours, f"import {module}", module) / 1000)
            getattr(warm, label).append(
                importtime_microseconds(ours, f"import azure.cli.core; import {module}", module) / 1000)
        table.ours.append(command_table_seconds(ours, EXTENSION_NAME) * 1000)
        table.core.append(command_table_seconds(core, "acs") * 1000)
    return [cold, warm, table]


# Output.

def format_value(value, unit):
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:g}"


def print_table(rows):
    header = ("figure", "ours", "core", "ours/core", "target", "result")
    lines = []
    for row in rows:
        ours, core = median(row.ours), median(row.core)
        ratio = f"{ours / core:.2f}" if row.ratio and ours is not None and core else "-"
        verdict = ""
        if row.check is not None and ours is not None:
            verdict = "met" if row.check(ours, core) else "MISSED"
        lines.append((row.figure, format_value(ours, row.unit), format_value(core, row.unit), ratio, row.target,
                      verdict))
    widths = [max(len(line[index]) for line in [header, *lines]) for index in range(len(header))]
    for line in [header, tuple("-" * width for width in widths), *lines]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


def print_preflight(results):
    for result in results:
        checked, skipped = median(result.checked), median(result.skipped)
        difference = checked - skipped
        print(f"{result.latency_ms} ms latency per request:")
        print(f"  create with preflight:   {checked:.2f} s ({median(result.checked_requests):g} ARM requests)")
        print(f"  create --skip-preflight: {skipped:.2f} s ({median(result.skipped_requests):g} ARM requests)")
        if result.latency_ms == 0:
            print(f"  ratio {checked / skipped:.2f}, difference {difference:.2f} s (the client-side cost)")
            continue
        round_trips = difference / (result.latency_ms / 1000)
        verdict = "met" if round_trips <= MAX_PREFLIGHT_ROUND_TRIPS else "MISSED"
        print(f"  ratio {checked / skipped:.2f}, difference {difference:.2f} s = {round_trips:.2f} round trips "
              f"(target <= {MAX_PREFLIGHT_ROUND_TRIPS:g}): {verdict}")


def print_samples(rows, preflight):
    for row in rows:
        for label in ("ours", "core"):
            samples = getattr(row, label)
            if samples:
                print(f"{row.figure} [{label}]: " + ", ".join(format_value(value, row.unit) for value in samples))
    for result in preflight:
        for label in ("checked", "skipped"):
            samples = getattr(result, label)
            print(f"preflight {label}, {result.latency_ms} ms latency: "
                  + ", ".join(f"{value:.2f} s" for value in samples))


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=None,
                        help="Timed runs of each short figure: help, show, import times and the preflight "
                             "pair. Default 10, or 3 with --quick.")
    parser.add_argument("--operation-repeat", type=int, default=None,
                        help="Timed runs of each delete and create, which wait for an operation. "
                             "Default 3, or 1 with --quick.")
    parser.add_argument("--quick", action="store_true",
                        help="Fewer runs, and only the create with a 5 s operation.")
    arguments = parser.parse_args(argv)
    if arguments.repeat is None:
        arguments.repeat = 3 if arguments.quick else 10
    if arguments.operation_repeat is None:
        arguments.operation_repeat = 1 if arguments.quick else 3
    if arguments.repeat < 1 or arguments.operation_repeat < 1:
        parser.error("--repeat and --operation-repeat must be 1 or more.")
    return arguments


def main(argv=None):
    arguments = parse_arguments(argv)
    durations = CREATE_OPERATION_SECONDS[:1] if arguments.quick else CREATE_OPERATION_SECONDS
    started = time.perf_counter()

    emulator, ours, core, source = environment.prepare(WORK, log)
    try:
        log("Warming up")
        warm_up(emulator, ours, core)

        rows = []
        log("help")
        rows.append(measure_help(ours, core, arguments.repeat))
        log("show")
        rows.append(measure_show(emulator, ours, core, arguments.repeat))
        log("import time and command table")
        loading = measure_loading(ours, core, arguments.repeat)
        preflight = [measure_preflight(emulator, ours, arguments.repeat, latency)
                     for latency in PREFLIGHT_LATENCIES_MS]
        rows.extend(measure_delete(emulator, ours, core, arguments.operation_repeat))
        for seconds in durations:
            rows.extend(measure_create(emulator, ours, core, seconds, arguments.operation_repeat))
        rows.extend(loading)
    finally:
        emulator.stop()

    minutes = (time.perf_counter() - started) / 60
    print(f"Machine: {environment.machine_description()}")
    print(f"Extension: {source}")
    print(f"Runs: {arguments.repeat} per short figure, {arguments.operation_repeat} per delete and create; "
          f"medians shown; whole run {minutes:.1f} min.")
    print()
    print_table(rows)
    print()
    print(f"Preflight cost (ours only; create with a {PREFLIGHT_OPERATION_SECONDS} s operation):")
    print_preflight(preflight)
    print()
    print("Samples:")
    print_samples(rows, preflight)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except environment.SetupError as error:
        log(f"Set-up failed: {error}")
        sys.exit(1)
