"""The one write every capability shares: the append-only audit log.

Each capability's own writes live in its package (``surveys/<capability>/services``).
"""

from .audit import audit_log

__all__ = [
    "audit_log",
]
