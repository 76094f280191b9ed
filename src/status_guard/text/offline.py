"""Keep Presidio's dependencies off the network.

``tldextract`` (used by Presidio's EMAIL recognizer) fetches the public-suffix list from the
internet on first use, with no timeout (presidio #1205).  :func:`pin_tldextract` makes its
module-level extractor use the snapshot bundled in the wheel and never write a disk cache.  It is
called before Presidio is imported by :mod:`status_guard.text.engine` and by the benchmark.
"""

from __future__ import annotations

import os
import sys


def pin_tldextract() -> None:
    """Pin tldextract to its bundled suffix list (no HTTP, no cache dir).  Idempotent."""
    if "tldextract" not in sys.modules:
        # Read by every TLDExtract() built without explicit URLs (an operator's value is kept).
        os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    try:
        import tldextract
        import tldextract.tldextract as impl
    except ImportError:  # tldextract is only needed by Presidio's EMAIL recognizer
        return
    current = getattr(impl, "TLD_EXTRACTOR", None)
    if getattr(current, "_status_guard_pinned", False):
        return
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    extractor._status_guard_pinned = True  # type: ignore[attr-defined]
    impl.TLD_EXTRACTOR = extractor
