"""Shared test set-up: Keras on TensorFlow, quiet, and never the network."""

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def keras():
    """Keras configured exactly as the lessons configure it."""
    from helpers.session import configure_backend

    return configure_backend()
