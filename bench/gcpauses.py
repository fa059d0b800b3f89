"""Reduces a unified JVM GC log (-Xlog:gc,gc+phases) to: pauses max_ms p999_ms total_ms (one line).

Counts every stop-the-world pause the collectors log with its duration: "Pause Young ...",
"Pause Full ...", G1's "Pause Remark"/"Pause Cleanup" and ZGC's "Pause Mark Start" etc.
(gc+phases). Concurrent phases ("Concurrent Mark ... 12.3ms") are not pauses and are skipped.
"""
import re
import sys

PAUSE = re.compile(r"\bPause\b.*?(\d+(?:\.\d+)?)ms\s*$")
pauses = []
for line in sys.stdin:
    m = PAUSE.search(line)
    if m:
        pauses.append(float(m.group(1)))
pauses.sort()
if not pauses:
    print("0 0 0 0")
    sys.exit(0)
p999 = pauses[min(len(pauses) - 1, int(0.999 * len(pauses)))]
print(f"{len(pauses)} {pauses[-1]} {p999} {sum(pauses)}")
