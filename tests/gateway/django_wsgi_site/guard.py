import os

from status_guard import Guard

guard = Guard.default(audit=os.environ["SG_TEST_AUDIT"])
