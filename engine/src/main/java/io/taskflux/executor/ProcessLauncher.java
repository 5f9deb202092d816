package io.taskflux.executor;

import io.taskflux.TaskfluxException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ExecutorMode#PROCESS}: one child JVM per task, launched with this JVM's {@code java}
 * binary and class path. Graceful stop is SIGTERM, forced stop SIGKILL (see {@link ProcessTask}).
 */
final class ProcessLauncher implements TaskLauncher {

  static final int EXIT_SIGINT = 130;
  static final int EXIT_SIGKILL = 137;
  static final int EXIT_SIGTERM = 143;

  @Override
  public TaskRun launch(ExecutorTask task) {
    ProcessTask processTask = (ProcessTask) task;
    ProcessBuilder builder =
        new ProcessBuilder(command(processTask))
            .redirectOutput(processTask.output())
            .redirectError(processTask.error());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new TaskfluxException("Could not start the child JVM of task " + task.id(), e);
    }
    try {
      // The child reads nothing from us: give it end-of-file at once.
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // The child may already be gone; its exit code tells what happened.
    }
    LiveChildren.add(process);
    AtomicBoolean killed = new AtomicBoolean();
    CompletableFuture<Outcome> ended =
        process
            .onExit()
            .thenApply(
                exited -> {
                  LiveChildren.remove(exited);
                  return outcome(task.id(), exited.exitValue(), killed.get());
                });
    return new Run(ended, process, killed);
  }

  /** The child's command line: java, JVM options, class path, main class, arguments. */
  static List<String> command(ProcessTask task) {
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    Path java = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(task.jvmOptions());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(task.mainClass());
    command.addAll(task.args());
    return command;
  }

  /** Reads a child's exit code (see {@link ProcessTask} for the table). */
  static Outcome outcome(String taskId, int exitCode, boolean killedByUs) {
    if (exitCode == 0) {
      return Outcome.SUCCEEDED;
    }
    if (exitCode == EXIT_SIGINT || exitCode == EXIT_SIGTERM) {
      return new Outcome(Outcome.Kind.INTERRUPTED, new ProcessExitException(taskId, exitCode));
    }
    if (exitCode == EXIT_SIGKILL && killedByUs) {
      return new Outcome(Outcome.Kind.CANCELLED, new ProcessExitException(taskId, exitCode));
    }
    return new Outcome(Outcome.Kind.FAILED, new ProcessExitException(taskId, exitCode));
  }

  private record Run(CompletableFuture<Outcome> ended, Process process, AtomicBoolean killed)
      implements TaskRun {

    @Override
    public void signalStop() {
      process.destroy();
    }

    @Override
    public void forceStop() {
      killed.set(true);
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** Children still alive when this JVM exits are sent SIGTERM, so none is left orphaned. */
  private static final class LiveChildren {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> LIVE.forEach(Process::destroy), "taskflux-child-reaper"));
    }

    static void add(Process process) {
      LIVE.add(process);
    }

    static void remove(Process process) {
      LIVE.remove(process);
    }
  }
}
