"""Shared pytest fixtures, and the route-coverage check that ends a full run.

Every call of ``check_access_matrix`` records the route it exercised (ronda.testing). When
the whole suite ran (no paths, no ``-k``/``-m``, nothing deselected, not stopped early), the
session compares the routes exercised against every route and method of the URLconf, minus
``EXEMPT_ROUTES``, and fails the run listing what no matrix covers. Under pytest-xdist each worker
hands its routes to the controller, which checks the union. ``RONDA_ROUTE_COVERAGE=0`` turns the
check off; ``=1`` forces it on for a partial run (to see what a set of files covers).
"""

from __future__ import annotations

import os

import pytest

from ronda import testing
from ronda.testing import World, build_world

ROUTES_KEY = "ronda_routes"
PARTIAL_KEY = "ronda_partial"
_state: dict[str, object] = {"deselected": 0, "worker_partial": False, "worker_lost": False, "problems": None}


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Browser tests share one Chromium and one live server: under xdist (--dist loadgroup) they all
    # go to the same worker instead of starting a browser on every core.
    if not config.pluginmanager.hasplugin("xdist"):
        return  # -p no:xdist: no such marker (and --strict-markers would refuse it)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_deselected(items: list[pytest.Item]) -> None:
    _state["deselected"] = int(str(_state["deselected"])) + len(items)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """xdist controller: a worker finished; keep what its matrices exercised."""
    output = getattr(node, "workeroutput", {})
    if error is not None or ROUTES_KEY not in output:
        _state["worker_lost"] = True  # a crashed worker's tests were rerun elsewhere or lost: no verdict
        return
    testing.EXERCISED_ROUTES.update(output[ROUTES_KEY])
    if output.get(PARTIAL_KEY):
        _state["worker_partial"] = True


def _full_run(session: pytest.Session) -> bool:
    config = session.config
    option = config.option
    return (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not option.keyword
        and not option.markexpr
        and not option.collectonly
        and not _state["deselected"]
        and not _state["worker_partial"]
        and not session.shouldstop
        and not session.shouldfail
    )


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller decides
        workeroutput[ROUTES_KEY] = sorted(testing.EXERCISED_ROUTES)
        workeroutput[PARTIAL_KEY] = bool(_state["deselected"])
        return
    wanted = os.environ.get("RONDA_ROUTE_COVERAGE", "")
    if wanted == "0" or exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR):
        return
    if wanted != "1" and (not _full_run(session) or _state["worker_lost"]):
        return
    problems = testing.route_coverage_problems(testing.EXERCISED_ROUTES)
    _state["problems"] = problems
    if problems and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    problems = _state["problems"]
    if problems is None:
        return
    assert isinstance(problems, list)
    if not problems:
        terminalreporter.write_line("route coverage: every route is exercised by an access matrix or exempt")
        return
    terminalreporter.section("route coverage", sep="=", red=True, bold=True)
    for problem in problems:
        terminalreporter.write_line(problem, red=True)
    terminalreporter.write_line(
        f"{len(problems)} problem(s). Add a check_access_matrix test for each route and method, or declare the "
        "route in EXEMPT_ROUTES (ronda/testing.py) with the reason."
    )
