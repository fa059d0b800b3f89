"""Bytes allocated between the first and the last jdk.ThreadAllocationStatistics sample of a
recording, summed over the server's threads (JFR's own and the attach listener left out).

    jfr print --json --events jdk.ThreadAllocationStatistics FILE | python3 allocation.py
"""
import json
import sys

events = json.load(sys.stdin)["recording"]["events"]
first, last = {}, {}
for event in events:
    values = event["values"]
    thread = values["thread"]
    name = thread.get("javaName") or thread.get("osName") or ""
    if name.startswith("JFR") or name in ("Attach Listener",):
        continue
    key = thread.get("javaThreadId")
    allocated = values["allocated"]
    first.setdefault(key, allocated)
    first[key] = min(first[key], allocated)
    last[key] = max(last.get(key, 0), allocated)
print(sum(last[k] - first[k] for k in last))
