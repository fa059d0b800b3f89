package dev.corvus.dns.grpc.pb;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A peer that is not Corvus: Debian's Python gRPC ({@code python3-grpcio}, {@code
 * python3-protobuf}) with stubs that protoc and Debian's gRPC Python plugin ({@code
 * protobuf-compiler}, {@code protobuf-compiler-grpc}) generate from the {@code dns.proto} this
 * module ships, as a user of CoreDNS's gRPC service would. Tests whose tools are not installed are
 * skipped naming the packages; {@code .ci/run} installs them.
 */
public final class PythonGrpc {

  private static final String PYTHON = "/usr/bin/python3";
  private static final String PROTOC = "/usr/bin/protoc";
  private static final String GRPC_PYTHON_PLUGIN = "/usr/bin/grpc_python_plugin";
  private static final String PACKAGES = "apt-get install python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc";

  private final Path dir;

  private PythonGrpc(Path dir) {
    this.dir = dir;
  }

  /**
   * Generates the Python stubs from {@code dns.proto} into {@code dir} with protoc and puts the
   * client and server scripts beside them.
   */
  public static PythonGrpc generate(Path dir) throws IOException, InterruptedException {
    for (String tool : List.of(PYTHON, PROTOC, GRPC_PYTHON_PLUGIN)) {
      assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is not installed (" + PACKAGES + ")");
    }
    assumeTrue(run(PYTHON, "-c", "import grpc, google.protobuf").exitCode == 0,
        "Python's grpc is not installed (" + PACKAGES + ")");
    copy("dns.proto", dir);
    copy("dns_client.py", dir);
    copy("dns_server.py", dir);
    Result generated = run(PROTOC, "-I" + dir, "--python_out=" + dir, "--grpc_python_out=" + dir,
        "--plugin=protoc-gen-grpc_python=" + GRPC_PYTHON_PLUGIN, dir.resolve("dns.proto").toString());
    if (generated.exitCode != 0 || !Files.exists(dir.resolve("dns_pb2_grpc.py"))) {
      throw new IOException("protoc failed: " + generated.output);
    }
    return new PythonGrpc(dir);
  }

  private static void copy(String resource, Path dir) throws IOException {
    try (InputStream in = PythonGrpc.class.getResourceAsStream(resource)) {
      Files.write(dir.resolve(resource), in.readAllBytes());
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish in 60 s");
    }
    return new Result(process.exitValue(), output);
  }

  /**
   * Starts a client of {@code target} ({@code host:port}), in plain text, or over TLS trusting
   * {@code ca} and expecting {@code serverName} in the certificate.
   */
  public Client client(String target, Optional<Path> ca, String serverName) throws IOException {
    List<String> command = new ArrayList<>(List.of(PYTHON, dir.resolve("dns_client.py").toString(), dir.toString(), target));
    if (ca.isPresent()) {
      command.add(ca.get().toString());
      command.add(serverName);
    }
    return new Client(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Starts the Python server (see {@code dns_server.py}) and waits for its port. */
  public Server server() throws IOException {
    return start(List.of());
  }

  /** Starts the Python server on the Unix domain socket {@code path}. */
  public Server server(Path unixSocket) throws IOException {
    return start(List.of("unix:" + unixSocket));
  }

  private Server start(List<String> listen) throws IOException {
    List<String> command = new ArrayList<>(List.of(PYTHON, dir.resolve("dns_server.py").toString(), dir.toString()));
    command.addAll(listen);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    try {
      return new Server(process, Integer.parseInt(first == null ? "" : first.strip()));
    } catch (NumberFormatException e) {
      process.destroyForcibly();
      throw new IOException("the Python server did not start: " + first);
    }
  }

  /** What a call returned: status {@code OK} with the response, or a gRPC status code with details. */
  public record Reply(String status, byte[] msg, String details) {}

  /** A running Python client: one call per {@link #query}, in order. */
  public static final class Client implements AutoCloseable {
    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    private Client(Process process) {
      this.process = process;
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Sends {@code msg} in a {@code DnsPacket} and returns what came back (at most 10 s later). */
    public Reply query(byte[] msg) throws IOException {
      in.write(HexFormat.of().formatHex(msg) + "\n");
      in.flush();
      String line = out.readLine();
      if (line == null) {
        throw new IOException("the Python client ended");
      }
      String[] parts = line.split(" ", 3);
      if (parts[0].equals("OK")) {
        return new Reply("OK", HexFormat.of().parseHex(parts.length > 1 ? parts[1] : ""), "");
      }
      if (parts[0].equals("ERR") && parts.length >= 2) {
        return new Reply(parts[1], new byte[0], parts.length > 2 ? parts[2] : "");
      }
      throw new IOException("the Python client said: " + line);
    }

    @Override
    public void close() throws IOException {
      in.close();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A running Python server on 127.0.0.1. */
  public static final class Server implements AutoCloseable {
    private final Process process;
    private final int port;

    private Server(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    /** The port it listens on. */
    public int port() {
      return port;
    }

    @Override
    public void close() throws IOException {
      process.getOutputStream().close();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
