"""Fixtures of the runner's tests (the functions live in runner_fixtures)."""

import pytest
from runner_fixtures import write_lesson


@pytest.fixture
def make_lesson():
    """``make_lesson(folder, name, parameters_source, *cells, quick=None)``: see ``runner_fixtures.write_lesson``."""
    return write_lesson
