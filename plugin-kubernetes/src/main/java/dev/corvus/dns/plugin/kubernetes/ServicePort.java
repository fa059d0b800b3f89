package dev.corvus.dns.plugin.kubernetes;

/**
 * A port of a Service or an EndpointSlice as DNS needs it.
 *
 * @param name the port's name in lower case; empty when unnamed
 * @param protocol the protocol in lower case ({@code tcp}, {@code udp}, {@code sctp})
 * @param port the port number, or {@link #NONE} for a slice without ports (CoreDNS's sentinel:
 *     addresses are answered, SRV records are not)
 */
public record ServicePort(String name, String protocol, int port) {

  /** The port number of the placeholder entry of a slice that declares no ports. */
  public static final int NONE = -1;

  /** The single entry of a portless EndpointSlice. */
  static final ServicePort PORTLESS = new ServicePort("", "", NONE);

  /**
   * Whether this port answers {@code _port._proto}; an empty requested label matches anything, as
   * in CoreDNS's {@code matchPortAndProtocol}.
   */
  public boolean matches(String requestedPort, String requestedProtocol) {
    return (requestedPort.isEmpty() || requestedPort.equals(name))
        && (requestedProtocol.isEmpty() || requestedProtocol.equals(protocol));
  }
}
