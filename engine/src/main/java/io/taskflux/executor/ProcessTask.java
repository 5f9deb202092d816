package io.taskflux.executor;

import java.lang.ProcessBuilder.Redirect;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A task run in {@link ExecutorMode#PROCESS} mode as a child JVM: the current {@code java} binary
 * ({@code java.home}), the current class path ({@code java.class.path}), then {@link
 * #jvmOptions()}, {@link #mainClass()} and {@link #args()}. The child's standard input is closed at
 * once; its output and error streams go to {@link #output()} and {@link #error()} (inherited from
 * this JVM by default).
 *
 * <p>How the child's end is read, from its exit code (on Linux and macOS):
 *
 * <ul>
 *   <li>{@code 0}: success.
 *   <li>{@code 130} (SIGINT) or {@code 143} (SIGTERM, which is also the graceful stop the executor
 *       sends): an interrupt, not a failure.
 *   <li>{@code 137} (SIGKILL) after the executor killed the child at the end of the grace period:
 *       stopped, not a failure.
 *   <li>Anything else: a failure, a {@link ProcessExitException} carrying the code.
 * </ul>
 *
 * <p>Stopping the executor sends SIGTERM ({@link Process#destroy()}); a JVM child runs its shutdown
 * hooks and exits with 143. A child still alive after {@link ExecutorOptions#stopGracePeriod()} is
 * killed ({@link Process#destroyForcibly()}, SIGKILL), together with its own descendants. On
 * Windows both are the same forcible termination. Children still alive when this JVM exits normally
 * are sent SIGTERM from a shutdown hook.
 *
 * <p>Immutable; the {@code with*} methods return copies.
 *
 * @param id the task id
 * @param mainClass the fully qualified name of the child's main class
 * @param args the arguments passed to {@code main}
 * @param jvmOptions options placed before the class path, such as {@code -Xmx64m}
 * @param output where the child's standard output goes; not {@link Redirect#PIPE}
 * @param error where the child's standard error goes; not {@link Redirect#PIPE}
 */
public record ProcessTask(
    String id,
    String mainClass,
    List<String> args,
    List<String> jvmOptions,
    Redirect output,
    Redirect error)
    implements ExecutorTask {

  /**
   * Validates and copies the arguments.
   *
   * @throws IllegalArgumentException if {@code id} or {@code mainClass} is blank, or a redirect is
   *     {@link Redirect#PIPE} (nobody would read it, and the child would block once it fills)
   * @throws NullPointerException if an argument or a list element is null
   */
  public ProcessTask {
    SimpleTasks.checkId(id);
    Objects.requireNonNull(mainClass, "mainClass");
    if (mainClass.isBlank()) {
      throw new IllegalArgumentException("mainClass must not be blank");
    }
    args = List.copyOf(Objects.requireNonNull(args, "args"));
    jvmOptions = List.copyOf(Objects.requireNonNull(jvmOptions, "jvmOptions"));
    checkRedirect(output, "output");
    checkRedirect(error, "error");
  }

  /** A task running {@code mainClass} with {@code args}; output and error inherited. */
  public static ProcessTask of(String id, Class<?> mainClass, String... args) {
    Objects.requireNonNull(mainClass, "mainClass");
    return of(id, mainClass.getName(), Arrays.asList(args));
  }

  /** A task running the class named {@code mainClass} with {@code args}; output inherited. */
  public static ProcessTask of(String id, String mainClass, List<String> args) {
    return new ProcessTask(id, mainClass, args, List.of(), Redirect.INHERIT, Redirect.INHERIT);
  }

  /** A copy with these JVM options (replacing the previous ones). */
  public ProcessTask withJvmOptions(String... jvmOptions) {
    return new ProcessTask(id, mainClass, args, Arrays.asList(jvmOptions), output, error);
  }

  /** A copy sending the child's standard output to {@code output}. */
  public ProcessTask withOutput(Redirect output) {
    return new ProcessTask(id, mainClass, args, jvmOptions, output, error);
  }

  /** A copy sending the child's standard error to {@code error}. */
  public ProcessTask withError(Redirect error) {
    return new ProcessTask(id, mainClass, args, jvmOptions, output, error);
  }

  private static void checkRedirect(Redirect redirect, String name) {
    Objects.requireNonNull(redirect, name);
    if (redirect.type() == Redirect.Type.PIPE) {
      throw new IllegalArgumentException(
          name + " must not be Redirect.PIPE: nothing reads it; use INHERIT, DISCARD or a file");
    }
  }
}
