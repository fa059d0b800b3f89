package dev.corvus.dns.plugin.grpc;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.ResolvConf;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.net.HostPort;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.xbill.DNS.Name;

/**
 * The {@code grpc} directive, as CoreDNS's grpc plugin reads it:
 *
 * <pre>
 * grpc FROM TO... {
 *     except IGNORED_NAMES...
 *     tls [CERT KEY] [CA]
 *     tls_servername NAME
 *     policy random|round_robin|sequential
 *     fallthrough [ZONES...]
 * }
 * </pre>
 *
 * {@code TO} is {@code IP[:PORT]} (port 53, as CoreDNS), {@code unix:///PATH}, or the path of a
 * resolv.conf-style file whose nameservers are read once, here, as CoreDNS reads them at setup.
 */
@AutoService(PluginFactory.class)
public final class GrpcFactory implements PluginFactory {

  private static final List<String> OPTIONS = List.of("except", "tls", "tls_servername", "policy", "fallthrough");
  private static final int DEFAULT_PORT = 53;

  /** Public for {@link java.util.ServiceLoader}. */
  public GrpcFactory() {}

  @Override
  public String directive() {
    return "grpc";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new GrpcPlugin(parse(config, context.ioLoops()), context);
  }

  /**
   * Parses one occurrence of the directive.
   *
   * @param loops checks TLS files while the Corefile is read, so that {@code corvus check} reports
   *     a bad one at its line
   */
  static GrpcConfig parse(ConfigReader config, IoLoops loops) throws ConfigException {
    Name from = from(config, config.nextArg("FROM"));
    if (!config.hasNextArg()) {
      throw config.error("expected at least one TO address after FROM");
    }
    List<UpstreamAddress> upstreams = new ArrayList<>();
    for (String to : config.remainingArgs()) {
      upstreams.addAll(destination(config, to));
    }
    if (upstreams.isEmpty()) {
      throw config.error("no nameservers found");
    }
    if (upstreams.size() > GrpcConfig.MAX_UPSTREAMS) {
      throw config.error("more than " + GrpcConfig.MAX_UPSTREAMS + " TOs configured: " + upstreams.size());
    }
    List<Name> except = new ArrayList<>();
    TlsFiles tlsFiles = null;
    Optional<String> serverName = Optional.empty();
    Policy policy = Policy.RANDOM;
    Fallthrough fallthrough = Fallthrough.NONE;
    while (config.nextOption()) {
      switch (config.option()) {
        case "except" -> {
          if (!config.hasNextArg()) {
            throw config.error("expected at least one name");
          }
          for (String name : config.remainingArgs()) {
            except.add(zone(config, name));
          }
        }
        case "tls" -> {
          tlsFiles = config.remainingTlsFiles();
          checkTls(config, loops, tlsFiles);
        }
        case "tls_servername" -> {
          serverName = Optional.of(config.nextArg("NAME"));
          config.expectNoMoreArgs();
        }
        case "policy" -> {
          String keyword = config.nextArg("POLICY");
          policy = Policy.fromKeyword(keyword);
          if (policy == null) {
            throw config.error("unknown policy '" + keyword + "', expected random, round_robin or sequential");
          }
          config.expectNoMoreArgs();
        }
        case "fallthrough" -> {
          List<Name> zones = new ArrayList<>();
          while (config.hasNextArg()) {
            zones.add(zone(config, config.nextArg("ZONE")));
          }
          fallthrough = Fallthrough.of(zones);
        }
        default -> throw config.unknownOption(OPTIONS);
      }
    }
    Optional<SslContext> tls = Optional.empty();
    if (tlsFiles != null || serverName.isPresent()) {
      // CoreDNS: tls_servername alone turns TLS on, with the system's CAs.
      tls = Optional.of(clientContext(config, tlsFiles == null ? TlsFiles.NONE : tlsFiles));
    }
    return new GrpcConfig(from, upstreams, except, tls, serverName, policy, fallthrough);
  }

  private static void checkTls(ConfigReader config, IoLoops loops, TlsFiles files) throws ConfigException {
    try {
      loops.tlsClient(files, Optional.empty());
    } catch (IllegalArgumentException e) {
      throw config.error(e.getMessage());
    }
  }

  /** gRPC's TLS client context (ALPN h2) with the client certificate and CA of {@code files}. */
  private static SslContext clientContext(ConfigReader config, TlsFiles files) throws ConfigException {
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient();
      if (files.certificate().isPresent()) {
        builder.keyManager(files.certificate().get().toFile(), files.key().orElseThrow().toFile());
      }
      if (files.ca().isPresent()) {
        builder.trustManager(files.ca().get().toFile());
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw config.error("tls: " + e.getMessage());
    }
  }

  private static Name from(ConfigReader config, String text) throws ConfigException {
    if (text.contains("/")) {
      try {
        // CoreDNS keeps the first zone of a CIDR's expansion.
        return Names.reverseZones(text).get(0);
      } catch (IllegalArgumentException e) {
        throw config.error("unable to normalize '" + text + "': " + e.getMessage());
      }
    }
    return zone(config, text);
  }

  private static Name zone(ConfigReader config, String text) throws ConfigException {
    try {
      return Names.zone(text);
    } catch (IllegalArgumentException e) {
      throw config.error("unable to normalize '" + text + "'");
    }
  }

  /** One TO: an address, a Unix socket, or a resolv.conf file's nameservers. */
  private static List<UpstreamAddress> destination(ConfigReader config, String to) throws ConfigException {
    int scheme = to.indexOf("://");
    if (scheme >= 0) {
      String name = to.substring(0, scheme).toLowerCase(Locale.ROOT);
      String rest = to.substring(scheme + 3);
      if (name.equals("unix")) {
        if (rest.isEmpty()) {
          throw config.error("invalid address: '" + to + "'");
        }
        return List.of(UpstreamAddress.unix(Path.of(rest)));
      }
      throw config.error("'" + name + "://' is not an upstream scheme of grpc (IP[:PORT], unix:///PATH or a file): " + to);
    }
    HostPort hostPort;
    try {
      hostPort = HostPort.parse(to, DEFAULT_PORT);
    } catch (IllegalArgumentException e) {
      hostPort = null;
    }
    if (hostPort != null && hostPort.isAddressLiteral()) {
      if (hostPort.port() == 0) {
        throw config.error("port 0 is not a port to send queries to: '" + to + "'");
      }
      return List.of(UpstreamAddress.inet(hostPort.literalAddress()));
    }
    Path file = config.baseDirectory().resolve(to);
    if (!Files.isRegularFile(file)) {
      throw config.error("not an IP address or file: '" + to + "'");
    }
    try {
      List<UpstreamAddress> nameservers = new ArrayList<>();
      for (InetAddress nameserver : ResolvConf.read(file).nameservers()) {
        nameservers.add(UpstreamAddress.inet(new InetSocketAddress(nameserver, DEFAULT_PORT)));
      }
      return nameservers;
    } catch (IOException e) {
      throw config.error("cannot read " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw config.error(file + ": " + e.getMessage());
    }
  }
}
