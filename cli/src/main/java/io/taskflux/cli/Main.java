package io.taskflux.cli;

import io.taskflux.Taskflux;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code taskflux} command line. Every cause of failure has its own exit code ({@link
 * CliException}), listed in {@code --help}.
 */
@Command(
    name = "taskflux",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "taskflux: a reactive, non-blocking async task engine for the JVM.",
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  TASKFLUX_REDIS_URL  Redis URI used when a command has no --redis",
      "  TASKFLUX_CLASSPATH  jars or folders of task modules (./taskflux script)",
      "  JAVA_OPTS           JVM options (./taskflux script)"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the task failed or was revoked (its error is printed as JSON)",
      "2:bad usage: options, values, task modules",
      "3:no result or answer within the time limit",
      "4:no such task or dead letter",
      "5:unknown task name: no module given with --tasks defines it (use --queue to submit"
          + " anyway)",
      "6:the input does not fit the task's input type (nothing stored)",
      "7:a task with that --id exists already (nothing stored)",
      "8:the backend is unreachable or refused the operation",
      "9:unexpected internal error (please report it)",
      "130:forced stop (a second SIGINT/SIGTERM)"
    },
    subcommands = {
      WorkerCommand.class,
      TaskCommands.Submit.class,
      TaskCommands.Status.class,
      TaskCommands.Result.class,
      TaskCommands.Revoke.class,
      DlqCommand.class,
      QueuesCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @Spec CommandSpec spec;

  private final Shutdown shutdown;
  private final ClassLoader loader;

  /** The command line of a real process: signals stop long-running commands. */
  public Main() {
    this(null, Main.class.getClassLoader());
  }

  /** For tests: {@code shutdown} is requested by the test, tasks load from {@code loader}. */
  Main(Shutdown shutdown, ClassLoader loader) {
    this.shutdown = shutdown;
    this.loader = loader;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a command, see --help");
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    Charset cs = Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, cs), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, cs), true);
    int code = commandLine(new Main(), out, err).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** A configured command line over {@code main}, printing to {@code out} and {@code err}. */
  static CommandLine commandLine(Main main, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(main);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          if (ex instanceof CliException c) {
            cmd.getErr().println("error: " + c.getMessage());
            return c.exitCode();
          }
          CliException mapped = Cli.translate(ex);
          if (mapped != null) {
            cmd.getErr().println("error: " + mapped.getMessage());
            return mapped.exitCode();
          }
          cmd.getErr().println("internal error: " + ex + " (please report it)");
          return CliException.INTERNAL;
        });
    return cl;
  }

  /** The shutdown trigger of long-running commands: the test's, or one driven by signals. */
  Shutdown shutdown(PrintWriter err) {
    return shutdown != null ? shutdown : new Shutdown(err).installSignalHandlers();
  }

  ClassLoader loader() {
    return loader;
  }

  /** The engine's version. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "taskflux " + Taskflux.version(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
