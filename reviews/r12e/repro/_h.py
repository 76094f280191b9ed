"""Shared setup for r12e repros: SNAP=${SNAP:-/work/review/snap}; builds the harness app."""
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import warnings; warnings.filterwarnings("ignore")
import harness  # noqa: E402  (Starlette app under StatusGuardMiddleware, city/schools/strip routes)

def finish(flaw: bool, msg: str):
    print(msg)
    print("FLAW" if flaw else "OK")
    sys.exit(0)

def run(fn):
    try:
        fn()
    except SystemExit:
        raise
    except Exception as e:  # the promised behaviour could not be shown
        import traceback; traceback.print_exc()
        finish(True, f"exception: {e!r}")
