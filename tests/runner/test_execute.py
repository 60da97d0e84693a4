"""course.execute: the kernel sampler, and notebooks executed in real
kernels (those tests are ``slow``)."""

import subprocess
import sys
import time

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from course.execute import KernelSampler, execute


def test_sampler_sums_the_whole_process_tree():
    """A parent that holds little starts a child that holds 150 MiB: the
    sampler, given the parent's pid, sees the child's memory and CPU."""
    child = "import time; sum(range(3 * 10**6)); block = bytearray(150 * 2**20); time.sleep(30)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    process = subprocess.Popen([sys.executable, "-c", parent])
    try:
        with KernelSampler(lambda: process.pid, interval=0.05) as sampler:
            deadline = time.monotonic() + 25  # a busy machine may start Python slowly
            while sampler.peak_rss <= 150 * 2**20 and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        for proc in psutil.Process(process.pid).children(recursive=True) + [psutil.Process(process.pid)]:
            proc.kill()
        process.wait(timeout=30)
    assert sampler.peak_rss > 150 * 2**20
    assert sampler.cpu_seconds > 0.05
    assert KernelSampler(lambda: None).sample() == 0  # no kernel yet: nothing to measure


def test_sampler_blames_code_cells_only():
    sampler = KernelSampler(lambda: None)
    sampler.entered(new_code_cell("x = 1"), 3)
    sampler.entered(new_markdown_cell("# the end"), 4)  # runs no code: the memory is still cell 3's
    assert sampler.cell == 3


@pytest.mark.slow
def test_a_cell_over_the_time_limit_fails_its_lesson(tmp_path, make_lesson):
    source = make_lesson(
        tmp_path, "01_slow", "X = 1", "print('quick')", "import time\ntime.sleep(60)", "print('unreached')"
    )
    started = time.monotonic()
    run = execute(source, tmp_path / "out" / "01_slow.ipynb", progress=False, cell_timeout=3)
    assert time.monotonic() - started < 45
    assert run.status == "failed"
    assert run.failure["cell"] == 4 and "Timeout" in run.failure["exception"], run.failure
    assert "3 seconds" in run.failure["exception"]


@pytest.mark.slow
def test_parameters_are_injected_and_cells_counted_in_the_source(tmp_path, make_lesson):
    source = make_lesson(tmp_path, "01_a", "N = 1", "print(N * 2)", "raise ValueError(f'N={N}')")
    output = tmp_path / "out" / "01_a.ipynb"
    run = execute(source, output, {"N": 21}, progress=False)
    assert run.status == "failed" and run.seconds > 0 and run.peak_rss > 20 * 2**20
    # title, parameters, print, raise: the raise is the 4th cell of the source (injected cell not counted)
    assert run.failure == {"cell": 4, "execution_count": 4, "exception": "ValueError: N=21"}
    (printed,) = [c for c in nbformat.read(str(output), as_version=4).cells if c.source == "print(N * 2)"]
    assert printed.outputs[0]["text"] == "42\n"
