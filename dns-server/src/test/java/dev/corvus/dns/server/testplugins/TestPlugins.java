package dev.corvus.dns.server.testplugins;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.api.plugin.SelfCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Directives used only by the server's own tests. */
public final class TestPlugins {

  private TestPlugins() {}

  /**
   * {@code records { "OWNER TTL CLASS TYPE RDATA" ... }}: answers from the listed records,
   * NXDOMAIN for other names, NODATA for other types of a listed name.
   */
  public static final class Records implements PluginFactory {
    @Override
    public String directive() {
      return "records";
    }

    @Override
    public Placement placement() {
      return Placement.before("whoami");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      config.expectNoMoreArgs();
      List<Record> records = new ArrayList<>();
      while (config.nextOption()) {
        String line = config.option() + " " + String.join(" ", config.remainingArgs());
        records.add(parse(config, line));
      }
      return Plugin.of(chain -> {
        Request request = chain.request();
        List<Record> names = records.stream().filter(r -> r.getName().equals(request.qname())).toList();
        if (names.isEmpty()) {
          Message nx = Responses.error(request, Rcode.NXDOMAIN);
          nx.getHeader().setFlag(org.xbill.DNS.Flags.AA);
          return Responses.completed(nx);
        }
        Record[] answers = names.stream().filter(r -> r.getType() == request.qtype())
            .map(r -> r.withName(request.qname())).toArray(Record[]::new);
        return Responses.completed(Responses.answer(request, answers));
      });
    }

    private static Record parse(ConfigReader config, String line) throws ConfigException {
      String[] f = line.trim().split("\\s+", 5);
      try {
        return Record.fromString(Name.fromString(f[0], Name.root), Type.value(f[3]),
            DClass.value(f[2]), Long.parseLong(f[1]), f[4], Name.root);
      } catch (IOException | RuntimeException e) {
        throw config.error("bad record '" + line + "': " + e.getMessage());
      }
    }
  }

  /** {@code many COUNT}: answers every A query with COUNT A records (for truncation tests). */
  public static final class Many implements PluginFactory {
    @Override
    public String directive() {
      return "many";
    }

    @Override
    public Placement placement() {
      return Placement.before("whoami");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      int count = config.nextInt("COUNT", 1, 4000);
      return Plugin.of(chain -> {
        Request request = chain.request();
        Record[] records = new Record[count];
        for (int i = 0; i < count; i++) {
          byte[] address = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
          try {
            records[i] = new ARecord(request.qname(), DClass.IN, 60, InetAddress.getByAddress(address));
          } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
          }
        }
        return Responses.completed(Responses.answer(request, records));
      });
    }
  }

  /**
   * {@code delay}: answers a TXT record holding the query name after the number of milliseconds
   * written as the first label ({@code 250.example.}). Registered per test with {@link
   * dev.corvus.dns.server.Corvus.Builder#plugin}, so that a test can wait for a query to be
   * delayed ({@link #entered()}).
   */
  public static final class Delay implements PluginFactory {
    private final Semaphore entered = new Semaphore(0);

    /** Released once for every query that starts being delayed. */
    public Semaphore entered() {
      return entered;
    }

    @Override
    public String directive() {
      return "delay";
    }

    @Override
    public Placement placement() {
      return Placement.before("whoami");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      config.expectNoMoreArgs();
      return Plugin.of(chain -> {
        Request request = chain.request();
        long millis = Long.parseLong(request.qname().getLabelString(0));
        CompletableFuture<Message> answer = new CompletableFuture<>();
        entered.release();
        context.scheduler().schedule(() -> {
          answer.complete(Responses.answer(request,
              new TXTRecord(request.qname(), DClass.IN, 0, request.qname().toString())));
        }, millis, TimeUnit.MILLISECONDS);
        return answer;
      });
    }
  }

  /** {@code fail [RCODE|drop]}: fails every query, with DnsException(RCODE), a drop, or an exception. */
  public static final class Fail implements PluginFactory {
    @Override
    public String directive() {
      return "fail";
    }

    @Override
    public Placement placement() {
      return Placement.before("whoami");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      String rcode = config.hasNextArg() ? config.nextArg("RCODE") : null;
      return Plugin.of(chain -> {
        if (rcode == null) {
          throw new IllegalStateException("this plugin always fails");
        }
        if (rcode.equals("drop")) {
          return CompletableFuture.failedFuture(DnsException.drop("asked to drop"));
        }
        return CompletableFuture.failedFuture(new DnsException(Rcode.value(rcode), "asked to fail"));
      });
    }
  }

  /** {@code pass TEXT}: passes every query on unchanged, noting TEXT when explaining. */
  public static final class Pass implements PluginFactory {
    @Override
    public String directive() {
      return "pass";
    }

    @Override
    public Placement placement() {
      return Placement.before("records");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      String text = config.nextArg("TEXT");
      config.expectNoMoreArgs();
      return Plugin.of(chain -> {
        if (chain.explaining()) {
          chain.note(text);
        }
        return chain.proceed(chain.request());
      });
    }
  }

  /** {@code checked SEVERITY TEXT}: a setup-only plugin whose self-check reports one finding. */
  public static final class Checked implements PluginFactory {
    @Override
    public String directive() {
      return "checked";
    }

    @Override
    public Placement placement() {
      return Placement.before("whoami");
    }

    /** The plugin: nothing to serve, one finding to report. */
    private record CheckedPlugin(SelfCheck.Finding finding) implements Plugin, SelfCheck {
      @Override
      public List<Finding> check(java.time.Duration timeout) {
        return List.of(finding);
      }
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      SelfCheck.Severity severity = SelfCheck.Severity.valueOf(config.nextArg("SEVERITY"));
      String text = config.nextArg("TEXT");
      config.expectNoMoreArgs();
      return new CheckedPlugin(new SelfCheck.Finding(severity, "the thing", text));
    }
  }

  /** {@code never}: never answers (a plugin stuck on I/O that will not come back). */
  public static final class Never implements PluginFactory {
    @Override
    public String directive() {
      return "never";
    }

    @Override
    public Placement placement() {
      return Placement.before("whoami");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      config.expectNoMoreArgs();
      return Plugin.of(chain -> new CompletableFuture<>());
    }
  }

  /** {@code lameduck DURATION}: a setup-only plugin asking for a lameduck period. */
  public static final class Lameduck implements PluginFactory {
    @Override
    public String directive() {
      return "lameduck";
    }

    @Override
    public Placement placement() {
      return Placement.after("health");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      Duration duration = config.nextDuration("DURATION");
      return new Plugin() {
        @Override
        public Duration lameduck() {
          return duration;
        }
      };
    }
  }

  /**
   * {@code client}: answers every query with a TXT record holding the client's address and the
   * transport, as plugins see them ({@code "10.1.2.3 udp"}).
   */
  public static final class Client implements PluginFactory {
    @Override
    public String directive() {
      return "client";
    }

    @Override
    public Placement placement() {
      return Placement.before("whoami");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      config.expectNoMoreArgs();
      return Plugin.of(chain -> {
        Request request = chain.request();
        String text = request.client().getAddress().getHostAddress() + " "
            + request.transport().name().toLowerCase(java.util.Locale.ROOT);
        return Responses.completed(Responses.answer(request, new TXTRecord(request.qname(), DClass.IN, 0, text)));
      });
    }
  }

  /** {@code unready}: a setup-only plugin whose readiness provider never reports ready. */
  public static final class Unready implements PluginFactory {
    @Override
    public String directive() {
      return "unready";
    }

    @Override
    public Placement placement() {
      return Placement.before("whoami");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      config.expectNoMoreArgs();
      context.readiness().register(new dev.corvus.dns.api.plugin.ReadinessProvider() {
        @Override
        public String name() {
          return "unready";
        }

        @Override
        public boolean isReady() {
          return false;
        }
      });
      return new Plugin() {};
    }
  }
}
