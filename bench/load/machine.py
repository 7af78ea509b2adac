"""The machine the load benchmark runs on: is it idle, who used its CPUs during the measured phase, what is it."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def cpu_busy() -> float:
    """CPU-seconds the whole machine has spent busy since boot (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / TICK


def busy_share(seconds: float) -> float:
    """Share of all cores busy over the next `seconds`."""
    before = cpu_busy()
    time.sleep(seconds)
    return (cpu_busy() - before) / (seconds * CORES)


def wait_for_idle(limit: float) -> None:
    """Other work on a shared machine would distort the figures: wait (up to `limit` s) for two idle readings."""
    deadline, idle_readings = time.monotonic() + limit, 0
    while idle_readings < 2:
        share = busy_share(3)
        idle_readings = idle_readings + 1 if share <= 0.2 else 0
        if idle_readings == 0:
            if time.monotonic() > deadline:
                print(f"warning: starting on a busy machine ({share:.0%} of the CPUs busy)", flush=True)
                return
            print(f"the machine is busy ({share:.0%} of {CORES} CPUs); waiting for it to settle", flush=True)
            time.sleep(5)


def process_ticks() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, own CPU ticks, ticks of its reaped children), for every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            after_name = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        numbers = [int(v) for v in after_name[11:15]]  # utime, stime, cutime, cstime
        table[int(entry.name)] = (int(after_name[1]), numbers[0] + numbers[1], numbers[2] + numbers[3])
    return table


def descendants(table: dict[int, tuple[int, int, int]], roots: set[int]) -> set[int]:
    mine, grew = set(roots) & set(table), True
    while grew:
        more = {pid for pid, row in table.items() if row[0] in mine} - mine
        grew, mine = bool(more), mine | more
    return mine


def argv_of(pid: int) -> list[str]:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return ["?"]


def command_of(pid: int) -> str:
    return " ".join(arg for arg in argv_of(pid) if arg) or f"pid {pid} (no command line)"


def role_of(pid: int) -> str:
    """Which part of the benchmark a process is, by its program (not by any path in its arguments)."""
    argv = argv_of(pid)
    module = argv[argv.index("-m") + 1] if "-m" in argv[:-1] else ""
    if module == "locust" or pid == os.getpid():  # the wrapper itself mostly waits for Locust
        return "Locust"
    if module == "gunicorn":
        return "gunicorn"
    if "db_worker" in argv:
        return "report worker"
    if Path(argv[0]).name == "postgres" or argv[0].startswith("postgres:"):  # backends retitle themselves
        return "PostgreSQL"
    return "other"


class CpuMeter:
    """CPU used during the measured phase: by the machine, by the benchmark's processes, and by the rest.

    The benchmark's processes are this one and its descendants (serve.sh, gunicorn, the report worker, Locust) and the
    PostgreSQL server (`postmaster_pid`) with its backends."""

    def __init__(self, postmaster_pid: int | None):
        self.roots = {os.getpid()} | ({postmaster_pid} if postmaster_pid else set())
        self.start_busy, self.start_ticks, self.started = cpu_busy(), process_ticks(), time.perf_counter()

    def stop(self) -> dict:
        busy, ticks, wall = cpu_busy() - self.start_busy, process_ticks(), time.perf_counter() - self.started
        capacity = wall * CORES
        mine = descendants(ticks, self.roots)
        roles: dict[str, float] = {}
        for pid in mine:  # own time plus reaped children (PostgreSQL backends that ended are in the postmaster's)
            before = self.start_ticks.get(pid, (0, 0, 0))
            used = (ticks[pid][1] + ticks[pid][2] - before[1] - before[2]) / TICK
            roles[role_of(pid)] = roles.get(role_of(pid), 0.0) + used
        own = sum(roles.values())
        others = sorted(((ticks[pid][1] - self.start_ticks.get(pid, (0, 0, 0))[1]) / TICK, pid)
                        for pid in ticks if pid not in mine)[::-1][:3]
        return {"busy": busy / capacity, "bench": own / capacity, "other": max(0.0, busy - own) / capacity,
                "roles": {name: used / capacity for name, used in sorted(roles.items(), key=lambda kv: -kv[1])},
                "top_others": [f"{command_of(pid)[:60]} ({used:.1f} CPU-s)" for used, pid in others if used > 0.5]}


def cpu_line(cpu: dict) -> str:
    roles = ", ".join(f"{name} {share:.0%}" for name, share in cpu["roles"].items() if name != "other")
    return (f"CPU in the measured phase: {cpu['busy']:.0%} of {CORES} cores busy; the benchmark's processes "
            f"{cpu['bench']:.0%} ({roles}); processes outside the benchmark {cpu['other']:.0%}")


def machine_line(versions: dict[str, str]) -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown")
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    return (f"{CORES} CPUs ({model}), {mem_kb / 1024 / 1024:.1f} GiB RAM, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, PostgreSQL {versions['postgresql']}, Django {versions['django']}, "
            f"gunicorn {versions['gunicorn']}, Locust {versions['locust']}")
