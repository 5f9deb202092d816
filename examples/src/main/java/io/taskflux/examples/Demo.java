package io.taskflux.examples;

import io.taskflux.Taskflux;
import java.io.PrintStream;

/**
 * The main job: a demo of taskflux on the in-memory backend. For now it prints the engine version;
 * the engine issue replaces it with the full demo.
 */
public final class Demo {

  private Demo() {}

  /** Runs the demo and prints to standard output. */
  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    out.println("taskflux " + Taskflux.version() + " (in-memory backend)");
  }
}
