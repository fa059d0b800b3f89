import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Sends DNS queries over UDP as fast as it can without waiting for answers, for load that is
 * dropped (acl drop), where dnsperf would wait out a timeout per query. Prints the queries sent.
 *
 *   java -cp dnsjava.jar bench/UdpFlood.java HOST PORT SECONDS QUERYFILE [SENDERS]
 *
 * QUERYFILE holds "NAME TYPE" lines, as dnsperf's do. Only for loopback addresses.
 */
public final class UdpFlood {
  public static void main(String[] args) throws Exception {
    InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
    if (!target.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("only loopback targets");
    }
    long seconds = Long.parseLong(args[2]);
    List<byte[]> queries = Files.readAllLines(Path.of(args[3])).stream()
        .filter(line -> !line.isBlank())
        .map(line -> line.trim().split("\\s+"))
        .map(f -> Message.newQuery(Record.newRecord(Name.fromConstantString(f[0].endsWith(".") ? f[0] : f[0] + "."),
            Type.value(f[1]), DClass.IN)).toWire())
        .toList();
    int senders = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    AtomicLong sent = new AtomicLong();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    Thread[] threads = new Thread[senders];
    for (int t = 0; t < senders; t++) {
      threads[t] = new Thread(() -> {
        try (DatagramSocket socket = new DatagramSocket()) {
          int i = 0;
          long count = 0;
          while ((count & 255) != 0 || System.nanoTime() < deadline) {
            byte[] query = queries.get(i++ % queries.size());
            socket.send(new DatagramPacket(query, query.length, target));
            count++;
          }
          sent.addAndGet(count);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    System.out.println(sent.get());
  }
}
