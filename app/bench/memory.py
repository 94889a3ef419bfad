"""Peak resident memory of this process, in MB (None where the platform cannot tell).

On Linux the peak comes from ``VmHWM`` in ``/proc/self/status``: ``ru_maxrss`` would carry the
parent's peak over into a freshly started child (the kernel keeps it across fork and exec), so a
GUI started by a big benchmark process would seem as big as its parent.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _linux_peak_mb() -> float | None:
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return None


def peak_rss_mb() -> float | None:
    if sys.platform.startswith("linux"):
        peak = _linux_peak_mb()
        if peak is not None:
            return peak
    try:
        import resource
    except ImportError:  # Windows: psutil's peak working set, where psutil happens to be installed
        try:
            import psutil
        except ImportError:
            return None
        info = psutil.Process().memory_info()
        return getattr(info, "peak_wset", info.rss) / 1_048_576
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1_048_576 if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def _linux_status_mb(field: str) -> float | None:
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    return None


def reset_peak() -> float | None:
    """Start measuring a new peak from now (Linux: ``5`` to ``/proc/self/clear_refs`` resets
    ``VmHWM``); returns the resident memory now, or None where that cannot be done."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return None
    return _linux_status_mb("VmRSS")
