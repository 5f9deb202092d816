package io.taskflux.cli;

import io.taskflux.examples.Demo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code demo}: the main job ({@link Demo}) on the in-memory backend. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the demo (the main job) on the in-memory backend.")
final class DemoCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ARG", description = "Arguments passed to the demo")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    Demo.main(args.toArray(String[]::new));
    return 0;
  }
}
