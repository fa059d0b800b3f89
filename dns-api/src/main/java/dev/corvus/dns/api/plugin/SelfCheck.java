package dev.corvus.dns.api.plugin;

import java.time.Duration;
import java.util.List;

/**
 * Implemented by a {@link Plugin} that can check, without serving, that it will be able to do its
 * job: upstreams reachable, credentials sufficient, no forwarding loop. {@code corvus doctor}
 * creates the configuration's plugins without starting them and runs every check.
 */
public interface SelfCheck {

  /**
   * Runs the checks; may block and do network I/O (it never runs on an event loop).
   *
   * @param timeout how long one probe (a query, an API call) may take
   * @return one finding per thing checked, problems included; never empty
   */
  List<Finding> check(Duration timeout);

  /**
   * The result of one check.
   *
   * @param severity how bad it is
   * @param subject what was checked, e.g. {@code upstream 10.0.0.2:53 over TCP}
   * @param detail what was found, and for a problem what to do about it
   */
  record Finding(Severity severity, String subject, String detail) {
    /** A passed check. */
    public static Finding ok(String subject, String detail) {
      return new Finding(Severity.OK, subject, detail);
    }

    /** Something that works but deserves attention. */
    public static Finding warning(String subject, String detail) {
      return new Finding(Severity.WARNING, subject, detail);
    }

    /** Something that will break DNS; {@code corvus doctor} exits non-zero. */
    public static Finding problem(String subject, String detail) {
      return new Finding(Severity.PROBLEM, subject, detail);
    }
  }

  /** How bad a finding is. */
  enum Severity {
    /** Checked and fine. */
    OK,
    /** Works, but worth a look. */
    WARNING,
    /** Will break DNS. */
    PROBLEM
  }
}
