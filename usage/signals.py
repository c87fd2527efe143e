"""Signals of the usage import, for apps that keep figures derived from the monthly rollups.

Sent inside the import's transaction, after its rollups are written: a receiver's writes commit or
roll back with the import, and the apps above usage listen without usage knowing them.
"""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: kind (the usage file's kind, a ServiceCode value).
rollups_written = Signal()
