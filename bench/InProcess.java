import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.listener.Listener;
import dev.corvus.dns.api.listener.ListenerFactory;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.QueryService;
import dev.corvus.dns.server.Corvus;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The server's whole query path in one thread, without sockets: a listener plugin (this class, a
 * ListenerFactory for the scheme {@code grpc://}, whose real plugin bench/inprocess.sh leaves off
 * the class path, found by the server's ServiceLoader) hands the
 * queries' bytes to the server's QueryService as a real listener does (parse, route, chain, encode)
 * and counts the answers. What it measures is the CPU time and allocation the JVM spends per
 * query, apart from the kernel's send and receive, which on a shared machine vary with everything
 * else running. bench/inprocess.sh compiles and runs it against one or two distributions.
 *
 *   java -cp DIST/lib/*:CLASSES InProcess COREFILE QUERIES SECONDS ROUNDS
 *
 * COREFILE's server block must be {@code grpc://.:0}; QUERIES has {@code NAME TYPE} lines.
 * Prints per round: queries, nanoseconds of this thread's CPU per query, bytes allocated by this
 * thread per query (answers from memory complete on it).
 */
public final class InProcess implements ListenerFactory {

  private static volatile QueryService service;

  @Override
  public String scheme() {
    return "grpc";
  }

  @Override
  public Listener bind(ListenerSpec spec, QueryService queries) {
    service = queries;
    return new Listener() {
      @Override
      public InetSocketAddress boundAddress() {
        return spec.address();
      }

      @Override
      public void stopReading() {}

      @Override
      public void close() {}
    };
  }

  public static void main(String[] args) throws Exception {
    String corefile = Files.readString(Path.of(args[0]));
    List<String> lines = Files.readAllLines(Path.of(args[1]));
    int seconds = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    byte[][] queries = new byte[lines.size()][];
    for (int i = 0; i < queries.length; i++) {
      String[] fields = lines.get(i).trim().split("\\s+");
      Message query = Message.newQuery(Record.newRecord(Name.fromString(fields[0]), Type.value(fields[1]), DClass.IN));
      query.getHeader().setID(i & 0xffff);
      queries[i] = query.toWire();
    }
    InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] answered = new long[1];
    QueryService.ResponseSink sink = new QueryService.ResponseSink() {
      @Override
      public void respond(byte[] wire) {
        answered[0]++;
      }

      @Override
      public void drop() {}
    };
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      QueryService queryService = service;
      // warm-up: the JIT compiles the path
      run(queryService, queries, client, sink, 10_000_000_000L);
      for (int round = 1; round <= rounds; round++) {
        long cpu = threads.getCurrentThreadCpuTime();
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        long before = answered[0];
        long count = run(queryService, queries, client, sink, seconds * 1_000_000_000L);
        long cpuNanos = threads.getCurrentThreadCpuTime() - cpu;
        long bytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - allocated;
        long answers = answered[0] - before;
        System.out.printf("round %d queries=%d answered=%d cpu/query=%.0f ns alloc/query=%.0f B%n",
            round, count, answers, (double) cpuNanos / count, (double) bytes / count);
      }
    }
  }

  private static long run(QueryService queries, byte[][] wires, InetSocketAddress client,
      QueryService.ResponseSink sink, long nanos) {
    long end = System.nanoTime() + nanos;
    long count = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 1000; i++) {
        queries.query(ByteBuffer.wrap(wires[(int) (count % wires.length)]), client, Transport.UDP, sink);
        count++;
      }
    }
    return count;
  }
}
