package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.config.TlsFiles;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.xbill.DNS.Message;

/**
 * One query to an upstream over blocking JDK sockets, for {@code corvus doctor}: it runs on a
 * plain thread before (and without) the server's I/O loops, and each probe opens and closes its
 * own socket. Its deadlines are real time ({@link System#nanoTime()}), as the socket timeouts
 * they bound are.
 */
final class BlockingProbe {

  private static final int MAX_DNS_MESSAGE = 65535;

  private final SecureRandom random = new SecureRandom();
  private final Optional<InetAddress> source;

  /** Probes from the address the kernel picks. */
  BlockingProbe() {
    this(Optional.empty());
  }

  /** @param source the address to send from ({@code source_address}); empty for the kernel's choice */
  BlockingProbe(Optional<InetAddress> source) {
    this.source = source;
  }

  /**
   * Asks {@code query} over UDP. The socket is connected, so that an ICMP port unreachable fails
   * the probe at once instead of waiting for the timeout.
   *
   * @throws SocketTimeoutException when no matching answer arrives within {@code timeout}
   */
  Message udp(InetSocketAddress upstream, Message query, Duration timeout) throws IOException {
    Message sent = withRandomId(query);
    byte[] wire = sent.toWire();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (DatagramSocket socket =
        source.isPresent() ? new DatagramSocket(new InetSocketAddress(source.get(), 0)) : new DatagramSocket()) {
      socket.connect(upstream);
      socket.send(new DatagramPacket(wire, wire.length));
      byte[] buffer = new byte[MAX_DNS_MESSAGE];
      while (true) {
        socket.setSoTimeout(remainingMillis(deadline, timeout));
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        Message answer = parse(buffer, packet.getLength());
        if (answer != null && matches(sent, answer)) {
          return answer;
        }
      }
    }
  }

  /** Asks {@code query} over a new TCP connection (RFC 1035 §4.2.2 framing). */
  Message tcp(InetSocketAddress upstream, Message query, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket socket = new Socket()) {
      bind(socket);
      socket.connect(upstream, remainingMillis(deadline, timeout));
      return exchange(socket, query, deadline, timeout);
    }
  }

  /**
   * Asks {@code query} over a new TLS connection (RFC 7858), verifying the certificate against
   * {@code serverName} or, without one, the upstream's IP address, as the forwarding path does.
   */
  Message tls(InetSocketAddress upstream, Message query, Duration timeout, SSLContext context, String serverName)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket plain = new Socket()) {
      bind(plain);
      plain.connect(upstream, remainingMillis(deadline, timeout));
      String peer = serverName != null ? serverName : upstream.getAddress().getHostAddress();
      try (SSLSocket socket =
          (SSLSocket) context.getSocketFactory().createSocket(plain, peer, upstream.getPort(), true)) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (serverName != null) {
          parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(remainingMillis(deadline, timeout));
        socket.startHandshake();
        return exchange(socket, query, deadline, timeout);
      }
    }
  }

  /**
   * Asks {@code query} over DNS over HTTPS (RFC 8484) with a new HTTP client, verifying the
   * certificate as the forwarding path does ({@link DohTls}), within one deadline {@code timeout}
   * away that covers connecting, the TLS handshake and the answer. The JDK's HTTP client (Java 17)
   * cannot bind a source address: {@code source_address} does not apply.
   *
   * @throws HttpTimeoutException when no answer arrives within {@code timeout}
   * @throws TlsFilesUnloadable when the {@code tls} files no longer load
   */
  Message https(UpstreamAddress upstream, Message query, Duration timeout, TlsFiles files, Optional<String> serverName,
      DohMethod method) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    SSLContext context;
    try {
      context = DohTls.context(files, serverName.orElse(upstream.address().getAddress().getHostAddress()), () -> {});
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsFilesUnloadable(e);
    }
    HttpClient client = DohClient.client(context, serverName).connectTimeout(timeout).build();
    Message sent = query.clone();
    sent.getHeader().setID(0);
    CompletableFuture<HttpResponse<byte[]>> response = client.sendAsync(
        DohClient.request(DohClient.uri(upstream), method, sent.toWire(), timeout), DohBody.handler(upstream.label()));
    try {
      return DohClient.message(upstream.label(),
          response.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = Upstream.unwrap(e.getCause());
      if (cause instanceof IOException io) {
        throw io; // ConnectException, SSLException, HttpTimeoutException...
      }
      throw new IOException(cause.getMessage(), cause); // DohBody.TooLarge
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (UpstreamException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The {@code tls} files do not load (they changed since the Corefile was read): no probe was sent. */
  static final class TlsFilesUnloadable extends IOException {
    private static final long serialVersionUID = 1L;

    TlsFilesUnloadable(Exception cause) {
      super("cannot load the tls files: " + cause.getMessage(), cause);
    }
  }

  private void bind(Socket socket) throws IOException {
    if (source.isPresent()) {
      socket.bind(new InetSocketAddress(source.get(), 0));
    }
  }

  private Message exchange(Socket socket, Message query, long deadline, Duration timeout) throws IOException {
    Message sent = withRandomId(query);
    byte[] wire = sent.toWire();
    OutputStream out = socket.getOutputStream();
    byte[] framed = new byte[wire.length + 2];
    framed[0] = (byte) (wire.length >>> 8);
    framed[1] = (byte) wire.length;
    System.arraycopy(wire, 0, framed, 2, wire.length);
    out.write(framed);
    out.flush();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    while (true) {
      socket.setSoTimeout(remainingMillis(deadline, timeout));
      byte[] frame = new byte[in.readUnsignedShort()];
      in.readFully(frame);
      Message answer = parse(frame, frame.length);
      if (answer != null && matches(sent, answer)) {
        return answer;
      }
    }
  }

  private Message withRandomId(Message query) {
    Message copy = query.clone();
    copy.getHeader().setID(random.nextInt(0x10000));
    return copy;
  }

  private static boolean matches(Message sent, Message answer) {
    return answer.getHeader().getID() == sent.getHeader().getID() && AnswerCheck.answers(answer, sent.getQuestion());
  }

  private static Message parse(byte[] buffer, int length) {
    try {
      return new Message(Arrays.copyOf(buffer, length));
    } catch (IOException e) {
      return null; // not a DNS message: keep waiting for the answer, as the forwarding path does
    }
  }

  /** The time left until {@code deadline}, at least 1 ms; a timeout once it has passed. */
  private static int remainingMillis(long deadline, Duration timeout) throws SocketTimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("no answer within " + timeout.toMillis() + " ms");
    }
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
  }
}
