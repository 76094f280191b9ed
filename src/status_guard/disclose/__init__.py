"""Disclosure: what a response may carry to one requester, decided per leaf.

A response (JSON, NDJSON, CSV, an HTML table, XML) is reduced to leaves and keys, and every pass
below works on those two lists, whatever the format — so a promise made for JSON holds for a CSV
column, a table cell or an XML element the same way. Each pass is a module of its own:

1. ``leaves``          — flatten: scalar leaves (with their names and exact location) and keys;
2. ``classify_leaves`` — categories per leaf (name path + value), public-record patterns
                          (``paths``), carve-out eligibility (``values.status_like``);
3. ``keys``            — mapping keys / headers / element names that are values themselves;
4. ``pipeline``        — one decision over all of them (``status_guard.decide``), then
5. ``free_text``       — spans of protected categories inside what stays visible;
6. ``apply_json``      — the redacted copy (the middleware's body modules apply the other formats).

``audience`` computes, once per (scope, requester, purpose, declarations), what the policy
withholds. Pure core: no adapter is imported here.
"""

from .audience import Audience
from .leaves import Flat, KeyRef, Leaf, json_leaves
from .paths import NOTHING, PathPatterns, compile_patterns, parse_pattern

__all__ = ["Audience", "Flat", "KeyRef", "Leaf", "NOTHING", "PathPatterns", "compile_patterns", "json_leaves",
           "parse_pattern"]
