package dev.corvus.dns.api;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;

/**
 * A query as a handler sees it: the parsed message, who sent it, how, and which server block it
 * was routed to. Immutable; {@link #withMessage} derives a modified copy that keeps the same
 * {@link QueryContext}.
 */
public final class Request {

  /** The UDP payload size a client without EDNS0 may receive (RFC 1035 §4.2.1). */
  public static final int DEFAULT_UDP_PAYLOAD = 512;

  private final Message message;
  private final InetSocketAddress client;
  private final InetSocketAddress local;
  private final Transport transport;
  private final Name zone;
  private final String server;
  private final QueryContext context;
  private String lowerName;
  /**
   * The query's OPT record once looked up (dnsjava searches the additional section each time), or
   * {@link #NO_OPT}; one field, so that a thread sees it unset or set, as with {@link #lowerName}.
   */
  private Object opt;
  private static final Object NO_OPT = new Object();

  /** The local address of a request whose listener did not say where it arrived. */
  private static final InetSocketAddress UNKNOWN_LOCAL = new InetSocketAddress(0);

  private Request(
      Message message,
      InetSocketAddress client,
      InetSocketAddress local,
      Transport transport,
      Name zone,
      String server,
      QueryContext context) {
    this.message = Objects.requireNonNull(message, "message");
    this.client = Objects.requireNonNull(client, "client");
    this.local = Objects.requireNonNull(local, "local");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.zone = Objects.requireNonNull(zone, "zone");
    this.server = Objects.requireNonNull(server, "server");
    this.context = Objects.requireNonNull(context, "context");
  }

  /**
   * Creates a request; the server does this for every query, tests do it to call a handler
   * directly.
   *
   * <p>Its {@link #localAddress()} is the wildcard address with port 0 (not known); listeners use
   * {@link #of(Message, InetSocketAddress, InetSocketAddress, Transport, Name, String,
   * QueryContext)}.
   *
   * @param message the query; it must have a question
   * @param client the client's address and port
   * @param transport how the query arrived
   * @param zone the zone of the server block that matched
   * @param server the server block's listener as CoreDNS labels it, e.g. {@code dns://:53}
   * @param context the per-query state
   */
  public static Request of(
      Message message,
      InetSocketAddress client,
      Transport transport,
      Name zone,
      String server,
      QueryContext context) {
    return of(message, client, UNKNOWN_LOCAL, transport, zone, server, context);
  }

  /**
   * Creates a request that knows the server's address it arrived on.
   *
   * @param message the query; it must have a question
   * @param client the client's address and port
   * @param local the server's address and port the query was sent to (see {@link #localAddress()})
   * @param transport how the query arrived
   * @param zone the zone of the server block that matched
   * @param server the server block's listener as CoreDNS labels it, e.g. {@code dns://:53}
   * @param context the per-query state
   */
  public static Request of(
      Message message,
      InetSocketAddress client,
      InetSocketAddress local,
      Transport transport,
      Name zone,
      String server,
      QueryContext context) {
    if (message.getQuestion() == null) {
      throw new IllegalArgumentException("a request needs a question");
    }
    return new Request(message, client, local, transport, zone, server, context);
  }

  /** The query message. Handlers must not modify it; use {@link #withMessage} instead. */
  public Message message() {
    return message;
  }

  /** The same request with another message (a rewritten question, changed EDNS0 options...). */
  public Request withMessage(Message newMessage) {
    if (newMessage.getQuestion() == null) {
      throw new IllegalArgumentException("a request needs a question");
    }
    return new Request(newMessage, client, local, transport, zone, server, context);
  }

  /**
   * The same question as a query of its own, for work a handler starts on its own behalf (a
   * cache refreshing an entry in the background): a fresh context without attributes or
   * listeners, on the same I/O loop, never written to a client. The new context's start time is
   * {@code startNanos}.
   */
  public Request detached(long startNanos) {
    return new Request(message, client, local, transport, zone, server, new DetachedContext(startNanos, context.loop()));
  }

  /** The client's address and source port. */
  public InetSocketAddress client() {
    return client;
  }

  /**
   * The server's address and port the query arrived on, as CoreDNS's {@code request.LocalIP} and
   * {@code LocalPort} report it (view's {@code server_ip()}, rewrite's {@code {server_ip}}): the
   * local address of the TCP or TLS connection; for UDP the datagram's destination address where
   * the transport reports it (Linux with the epoll transport), otherwise the address the socket is
   * bound to, which on a wildcard bind is the wildcard address ({@code 0.0.0.0} or {@code ::});
   * for a listener plugin's transport what the plugin passes (the stock {@code https://} and
   * {@code grpc://} listeners: the connection's local address), else its bound address. The
   * wildcard address with port 0 where no listener received the query (a request made by a test
   * or by the server itself).
   */
  public InetSocketAddress localAddress() {
    return local;
  }

  /** How the query arrived. */
  public Transport transport() {
    return transport;
  }

  /** The zone of the server block that matched this query, e.g. {@code cluster.local.}. */
  public Name zone() {
    return zone;
  }

  /** The server block's listener as CoreDNS labels metrics with it, e.g. {@code dns://:53}. */
  public String server() {
    return server;
  }

  /** The state shared by everything that handles this query. */
  public QueryContext context() {
    return context;
  }

  /** The question record. */
  public Record question() {
    return message.getQuestion();
  }

  /** The queried name as the client wrote it (case preserved). */
  public Name qname() {
    return message.getQuestion().getName();
  }

  /** The queried type, e.g. {@link org.xbill.DNS.Type#A}. */
  public int qtype() {
    return message.getQuestion().getType();
  }

  /** The queried class, normally {@link org.xbill.DNS.DClass#IN}. */
  public int qclass() {
    return message.getQuestion().getDClass();
  }

  /** The queried name in lower case and absolute form, e.g. {@code www.example.org.}. */
  public String lowerName() {
    String name = lowerName;
    if (name == null) {
      name = Names.lowerCase(qname());
      lowerName = name;
    }
    return name;
  }

  /** Whether the queried name is {@code zone} or below it (case-insensitive). */
  public boolean isIn(Name zone) {
    return qname().subdomain(zone);
  }

  /** The query's OPT record, or {@code null} without EDNS0. */
  public OPTRecord opt() {
    Object found = opt;
    if (found == null) {
      OPTRecord record = message.getOPT();
      found = record == null ? NO_OPT : record;
      opt = found;
    }
    return found == NO_OPT ? null : (OPTRecord) found;
  }

  /**
   * The largest UDP response the client accepts: its EDNS0 payload size, at least 512, or 512
   * without EDNS0 (RFC 6891 §6.2.5).
   */
  public int udpPayloadSize() {
    OPTRecord opt = opt();
    return opt == null ? DEFAULT_UDP_PAYLOAD : Math.max(DEFAULT_UDP_PAYLOAD, opt.getPayloadSize());
  }

  /** Whether the client set the DNSSEC OK bit (RFC 3225). */
  public boolean dnssecOk() {
    OPTRecord opt = opt();
    return opt != null && (opt.getFlags() & org.xbill.DNS.ExtendedFlags.DO) != 0;
  }

  /** Whether the client set the checking disabled bit (RFC 4035 §3.2.2). */
  public boolean checkingDisabled() {
    return message.getHeader().getFlag(Flags.CD);
  }

  /** The query ID. */
  public int id() {
    return message.getHeader().getID();
  }

  @Override
  public String toString() {
    return qname() + " " + org.xbill.DNS.Type.string(qtype()) + " from " + client + " over "
        + transport.protocolLabel();
  }
}
