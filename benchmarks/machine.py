"""Which machine a benchmark ran on, and what else was running on it.

``describe()`` names the CPU, the cores, the memory and the package
versions; ``host_id()`` is a short, stable, anonymous name for the machine;
``Monitor`` samples, in a background thread, the CPU that processes *outside*
the benchmark use, so a result can say whether it measured contention.
"""

import datetime
import hashlib
import os
import platform
import socket
import threading
import time
from pathlib import Path

import psutil


def cpu_model():
    """The ``model name`` line of /proc/cpuinfo (else ``platform.processor()``)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def host_id():
    """8 hex digits: sha256 of /etc/machine-id (else the host name), shortened.

    Stable for one machine, says nothing about it."""
    try:
        seed = Path("/etc/machine-id").read_text().strip()
    except OSError:
        seed = ""
    seed = seed or socket.gethostname()
    return hashlib.sha256(seed.encode()).hexdigest()[:8]


def versions():
    """``{package: version}``: the lessons' versions plus what the bench uses."""
    from helpers.session import versions as lesson_versions

    found = lesson_versions()
    for name in ("psutil", "papermill"):
        try:
            found[name] = __import__(name).__version__
        except ImportError:
            found[name] = None
    return found


def describe():
    """CPU model, logical/physical cores, memory (GiB), OS, host id."""
    return {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "affinity_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "host_id": host_id(),
    }


def utc_now():
    """Current UTC time, ISO 8601 to the second."""
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def cpu_times():
    """``(steal, total)`` jiffies of all CPUs from /proc/stat, or None.

    Steal is time the hypervisor ran something else while this VM wanted
    the CPU: contention no process list shows."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    steal = fields[7] if len(fields) > 7 else 0
    return steal, sum(fields[:8])


def _own_tree():
    """PIDs of this process and all its descendants (workers, kernels)."""
    me = psutil.Process()
    pids = {me.pid}
    try:
        pids.update(child.pid for child in me.children(recursive=True))
    except psutil.Error:
        pass
    return pids


class Monitor:
    """Samples, every ``interval`` seconds, the 1-minute load average and the
    CPU used by processes outside this benchmark's own process tree.

    CPU is in percent of one core (200 = both cores of a 2-core machine).
    ``summary()`` gives mean/max of the outside CPU and the outside
    processes that used the most CPU seconds (by name only).
    """

    def __init__(self, interval=5.0):
        self.interval = interval
        self.samples = []  # (seconds since start, load1, outside cpu %)
        self.outside_cpu_seconds = {}  # process name -> CPU seconds while sampled
        self._processes = {}
        self._stop = threading.Event()
        self._thread = None
        self._start = None

    def __enter__(self):
        self._start = time.monotonic()
        self._cpu_times_start = cpu_times()
        self._sample(prime=True)
        self._thread = threading.Thread(target=self._run, name="bench-monitor", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()
        self._cpu_times_end = cpu_times()
        return False

    def steal_percent(self):
        """Share of CPU time the hypervisor stole between enter and exit."""
        start, end = getattr(self, "_cpu_times_start", None), getattr(self, "_cpu_times_end", None)
        if not start or not end or end[1] == start[1]:
            return None
        return 100 * (end[0] - start[0]) / (end[1] - start[1])

    def _run(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self, prime=False):
        own = _own_tree()
        outside = 0.0
        alive = set()
        for proc in psutil.process_iter(["name"]):
            alive.add(proc.pid)
            known = self._processes.setdefault(proc.pid, proc)
            try:
                percent = known.cpu_percent(None)  # since this object's previous call
            except psutil.Error:
                continue
            if prime or proc.pid in own:
                continue
            outside += percent
            name = proc.info.get("name") or "?"
            seconds = percent / 100 * self.interval
            self.outside_cpu_seconds[name] = self.outside_cpu_seconds.get(name, 0.0) + seconds
        for pid in set(self._processes) - alive:
            del self._processes[pid]
        if not prime:
            self.samples.append((round(time.monotonic() - self._start, 1), os.getloadavg()[0], outside))

    def summary(self):
        """Load, CPU used outside this benchmark (mean, max, busiest names), steal."""
        if not self.samples:
            return {"samples": 0}
        cpu = [s[2] for s in self.samples]
        busiest = sorted(self.outside_cpu_seconds.items(), key=lambda kv: -kv[1])[:5]
        steal = self.steal_percent()
        return {
            "samples": len(self.samples),
            "interval_seconds": self.interval,
            "steal_percent": None if steal is None else round(steal, 2),
            "load1_max": round(max(s[1] for s in self.samples), 2),
            "outside_cpu_mean_percent": round(sum(cpu) / len(cpu), 1),
            "outside_cpu_max_percent": round(max(cpu), 1),
            "busiest_outside": [
                {"name": name, "cpu_seconds": round(seconds, 1)} for name, seconds in busiest if seconds >= 0.5
            ],
        }
