"""F02: a gzip-encoded request body is sized for the offload decision by its compressed bytes:
a 257-byte body that inflates to ~100 KB of free text is checked inline on the event loop
(~2 s each, serialised), while the same body sent uncompressed goes to a worker thread.
Prints FLAW if a cheap request on the same uvicorn worker waits > 1 s meanwhile."""
import os, sys, json, gzip, random
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from F01 import main
body = lambda: gzip.compress(json.dumps({"notes": "%d " % random.randrange(10**9) + "12 Elm St " * 9990}).encode(), 9)
mx = main(body, {"content-type": "application/json", "content-encoding": "gzip"})
print("FLAW" if mx > 1.0 else "OK")
