package io.taskflux.executor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The main class of the child JVMs in {@link ProcessModeTest}. It reports to the test over a
 * loopback socket, so the test waits for events instead of sleeping.
 *
 * <p>Arguments: {@code <behaviour> <port> <name> [exit code]}, behaviour being
 *
 * <ul>
 *   <li>{@code until-signalled}: says {@code ready <name> <pid>}, runs until SIGTERM, then says
 *       {@code term <name>} from a shutdown hook and exits (143).
 *   <li>{@code ignore-term}: as above, but the shutdown hook never returns, so only SIGKILL ends
 *       the JVM (the hook gives up after 60 s so a failed test leaves no JVM behind for long).
 *   <li>{@code fail-on-go}: says ready, waits for a line from the test, then exits with the code.
 *   <li>{@code exit}: exits at once with the code, without connecting.
 * </ul>
 *
 * In every behaviour that connects, the child ends itself when the test closes the socket, so a
 * crashed test JVM leaves no child running.
 */
public final class ChildMain {

  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    String behaviour = args[0];
    if (behaviour.equals("exit")) {
      System.exit(Integer.parseInt(args[3]));
    }
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
    String name = args[2];
    PrintWriter out =
        new PrintWriter(
            new java.io.OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    switch (behaviour) {
      case "until-signalled" ->
          Runtime.getRuntime().addShutdownHook(new Thread(() -> out.println("term " + name)));
      case "ignore-term" ->
          Runtime.getRuntime()
              .addShutdownHook(
                  new Thread(
                      () -> {
                        out.println("term " + name);
                        try {
                          Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }));
      case "fail-on-go" -> {}
      default -> throw new IllegalArgumentException("unknown behaviour " + behaviour);
    }
    out.println("ready " + name + " " + ProcessHandle.current().pid());
    String line = in.readLine(); // a "go", or null once the test closed the socket
    if (behaviour.equals("fail-on-go")) {
      System.exit(Integer.parseInt(args[3]));
    }
    if (line == null) {
      // The test is gone: end without running the (possibly blocking) hooks.
      Runtime.getRuntime().halt(0);
    }
    Thread.currentThread().join(); // until a signal ends the JVM
  }
}
