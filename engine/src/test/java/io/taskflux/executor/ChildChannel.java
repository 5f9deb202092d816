package io.taskflux.executor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The test's end of the sockets the {@link ChildMain} children report on. Every wait has a timeout,
 * so a child that never reports fails the test instead of hanging it.
 */
final class ChildChannel implements AutoCloseable {

  private static final int TIMEOUT_MILLIS = 20_000;
  // Child JVMs start faster without the C2 compiler, class data written or a big heap.
  private static final String[] FAST_JVM = {
    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:-UsePerfData", "-Xmx64m"
  };

  private final ServerSocket server;
  private final Path logs;
  private final Map<String, Child> children = new HashMap<>();
  private final List<Socket> sockets = new ArrayList<>();

  ChildChannel(Path logs) throws IOException {
    this.logs = logs;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setSoTimeout(TIMEOUT_MILLIS);
  }

  /** A task running {@link ChildMain} with this behaviour; its output goes to a file. */
  ProcessTask task(String name, String behaviour, int exitCode) {
    Redirect file = Redirect.appendTo(logs.resolve(name + ".log").toFile());
    return ProcessTask.of(
            name,
            ChildMain.class,
            behaviour,
            String.valueOf(server.getLocalPort()),
            name,
            String.valueOf(exitCode))
        .withJvmOptions(FAST_JVM)
        .withOutput(file)
        .withError(file);
  }

  ProcessTask task(String name, String behaviour) {
    return task(name, behaviour, 0);
  }

  /** Waits until the child {@code name} has said it is ready (other children may come first). */
  Child awaitReady(String name) throws IOException {
    while (!children.containsKey(name)) {
      Socket socket = server.accept();
      sockets.add(socket);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      Child child = new Child(socket);
      children.put(child.name, child);
    }
    return children.get(name);
  }

  @Override
  public void close() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    server.close();
  }

  static final class Child {
    final String name;
    final ProcessHandle process;
    private final BufferedReader in;
    private final PrintWriter out;

    Child(Socket socket) throws IOException {
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
      String[] ready = in.readLine().split(" ");
      if (!ready[0].equals("ready")) {
        throw new IOException("expected ready, got " + String.join(" ", ready));
      }
      name = ready[1];
      process = ProcessHandle.of(Long.parseLong(ready[2])).orElseThrow();
    }

    /** The next line the child says; fails after the timeout. */
    String readLine() throws IOException {
      return in.readLine();
    }

    void send(String line) {
      out.println(line);
    }
  }
}
