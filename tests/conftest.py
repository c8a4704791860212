import os
import pathlib

import pytest
from hypothesis import HealthCheck, settings

import support

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"

# Property tests: a quick profile while developing, a thorough one in CI
# (.ci/run sets HYPOTHESIS_PROFILE=ci). Tests that set their own count use
# support.examples(n), which scales n by max_examples / 100. docs/testing.md.
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=400, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from the current output instead of comparing with it")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def engine():
    import shequn
    return shequn.Engine()


@pytest.fixture(scope="session")
def ruleset_path(tmp_path_factory):
    """The report tests' small ruleset (support.RULESET) as a file."""
    path = tmp_path_factory.mktemp("rulesets") / "report-tests.yaml"
    path.write_text(support.RULESET, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def rengine(ruleset_path):
    """An Engine with only the report tests' ruleset."""
    from shequn.diagnose.engine import Engine
    return Engine([ruleset_path], builtin=False)
