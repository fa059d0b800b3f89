package dev.corvus.dns.server.cli;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.server.client.DnsClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code corvus query [@SERVER[:PORT]] NAME [TYPE] [+tcp] [+dnssec]}: a small dig in the
 * distribution, for debugging from inside a container that has no dig.
 */
final class QueryCommand {

  static final String USAGE = "corvus query [@SERVER[:PORT]] NAME [TYPE] [+tcp] [+dnssec]";

  private final PrintStream out;
  private final PrintStream err;

  QueryCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(List<String> args) {
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", 53);
    String name = null;
    int type = Type.A;
    boolean tcp = false;
    boolean dnssec = false;
    for (String arg : args) {
      if (arg.startsWith("@")) {
        server = server(arg.substring(1));
      } else if (arg.equals("+tcp")) {
        tcp = true;
      } else if (arg.equals("+dnssec")) {
        dnssec = true;
      } else if (name == null) {
        name = arg;
      } else if (Type.value(arg.toUpperCase()) >= 0) {
        type = Type.value(arg.toUpperCase());
      } else {
        err.println("corvus query: unknown argument '" + arg + "'\nusage: " + USAGE);
        return 2;
      }
    }
    if (name == null) {
      err.println("usage: " + USAGE);
      return 2;
    }
    Message query = DnsClient.newQuery(name.endsWith(".") ? name : name + ".", type);
    query.addRecord(new OPTRecord(1232, 0, 0, dnssec ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
    DnsClient client = new DnsClient(server, Duration.ofSeconds(5));
    long start = System.nanoTime();
    try {
      Message answer = tcp ? client.tcp(query) : client.udp(query);
      long millis = (System.nanoTime() - start) / 1_000_000;
      out.print(answer);
      out.println(";; Query time: " + millis + " msec");
      out.println(";; SERVER: " + server.getAddress().getHostAddress() + "#" + server.getPort()
          + " (" + (tcp ? "TCP" : "UDP") + ")");
      out.println(";; MSG SIZE  rcvd: " + answer.toWire().length);
      return 0;
    } catch (IOException e) {
      err.println(";; communications error to " + server.getAddress().getHostAddress() + "#"
          + server.getPort() + ": " + e.getMessage());
      return 9;
    }
  }

  private static InetSocketAddress server(String text) {
    String host = text;
    int port = 53;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        port = Integer.parseInt(text.substring(close + 2));
      }
    } else if (text.indexOf(':') > 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = Integer.parseInt(text.substring(text.indexOf(':') + 1));
    }
    return new InetSocketAddress(Names.parseAddressLiteral(host), port);
  }
}
