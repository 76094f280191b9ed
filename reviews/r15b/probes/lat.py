# measure latency of /ping while something else runs; usage: python lat.py port seconds
import sys, time, http.client, statistics
port=int(sys.argv[1]); secs=float(sys.argv[2])
lat=[]; end=time.time()+secs
c=http.client.HTTPConnection("127.0.0.1",port)
while time.time()<end:
    t=time.perf_counter(); c.request("GET","/ping",headers={"x-test-requester":"local"}); r=c.getresponse(); r.read(); lat.append(time.perf_counter()-t)
lat.sort()
print(f"n={len(lat)} median={statistics.median(lat)*1000:.1f}ms p95={lat[int(len(lat)*.95)]*1000:.1f}ms max={lat[-1]*1000:.0f}ms")
