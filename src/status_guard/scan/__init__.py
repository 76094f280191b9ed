"""Static scanner and data inventory: find protected fields in templates, migrations, API specs
and models before they ship (run it in CI), and map where each category is collected, stored
and disclosed.

    from status_guard import Guard
    from status_guard.scan import scan_paths, Inventory

    report = scan_paths(Guard.default(audit="memory:"), ["app/"], scope="schools",
                        scope_map={"templates/police/**": "police"})
    report.findings, report.files_scanned, report.errors
    Inventory.from_report(report).render_text()
"""

from __future__ import annotations

from .findings import Candidate, Finding, Kind, Observation, ScanError, ScanReport
from .inventory import Inventory, InventoryEntry
from .scanner import evaluate, scan_paths
from .walk import Limits

__all__ = [
    "Candidate", "Finding", "Inventory", "InventoryEntry", "Kind", "Limits", "Observation", "ScanError",
    "ScanReport", "evaluate", "scan_paths",
]
