package dev.corvus.dns.plugin.erratic;

import java.time.Duration;

/**
 * What erratic does to one query in how many; 0 never.
 *
 * @param drop one query in {@code drop} gets no answer
 * @param truncate one query in {@code truncate} is answered with TC set
 * @param delay one query in {@code delay} is answered after {@code duration}
 * @param duration how long a delayed query waits
 * @param large A answers carry 30 copies of the record (CoreDNS's undocumented option)
 */
record ErraticConfig(long drop, long truncate, long delay, Duration duration, boolean large) {}
