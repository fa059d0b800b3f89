"""Reduces `dnsperf -v` output to: qps mean_ms p99_ms p999_ms lost (one line, space separated)."""
import re
import sys

latencies = []
qps = 0.0
lost = 0
for line in sys.stdin:
    if line.startswith("> "):
        # "> NOERROR host1.example. A 0.000123" : the last field is the latency in seconds
        try:
            latencies.append(float(line.rsplit(None, 1)[1]))
        except (ValueError, IndexError):
            pass
        continue
    m = re.search(r"Queries per second:\s+([\d.]+)", line)
    if m:
        qps = float(m.group(1))
    m = re.search(r"Queries lost:\s+(\d+)", line)
    if m:
        lost = int(m.group(1))
latencies.sort()
if not latencies:
    print(f"{qps} 0 0 0 {lost}")
    sys.exit(0)
def pct(p):
    return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
mean = sum(latencies) / len(latencies) * 1000
print(f"{qps} {mean} {pct(0.99)} {pct(0.999)} {lost}")
