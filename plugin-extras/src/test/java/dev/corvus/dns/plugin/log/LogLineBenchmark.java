package dev.corvus.dns.plugin.log;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.plugin.testing.HotPathBenchmark;
import dev.corvus.dns.testkit.Queries;
import java.net.InetSocketAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * What a {@code log} line costs the I/O thread that wrote the response, in the Common Log Format
 * for an IPv6 client: copying the line's inputs ({@link LogFormat#capture}, what the handler does)
 * against rendering the line there ({@link LogFormat#render}, what it would do instead). The
 * difference is why {@link AsyncLogSink} renders on its own thread. Run on demand through {@code
 * HotPathBenchmarksTest}.
 */
public class LogLineBenchmark extends HotPathBenchmark {

  private LogFormat format;
  private Request request;
  private Message response;
  private LogFormat.Entry entry;

  @Setup
  public void prepare() throws Exception {
    format = LogFormat.parse(LogFormat.COMMON);
    request = Queries.request("www.example.org.", Type.AAAA, new InetSocketAddress("2001:db8::53", 40000), Transport.UDP);
    request.lowerName();
    response = Responses.answer(request, new ARecord(request.qname(), DClass.IN, 60, new byte[] {10, 0, 0, 1}));
    entry = capture();
  }

  /** What the handler does per query: copy the inputs, one small object. */
  @Benchmark
  public LogFormat.Entry capture() {
    return format.capture(request, 40, response, 60, 412_000, ResponseClass.ResponseType.NOERROR, ResponseClass.SUCCESS);
  }

  /** What rendering on the I/O thread would add: the line's text. */
  @Benchmark
  public String render() {
    return format.render(entry);
  }
}
