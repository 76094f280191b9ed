import re, json
def norm(b):
    s = b.decode("utf-8","replace") if isinstance(b,(bytes,bytearray)) else str(b)
    s = re.sub(r'"request_id":\s*"[^"]*"', '"request_id":"X"', s)
    s = re.sub(r'\b[a-p]{32}\b', 'RID', s)
    return s
