package io.taskflux.internal;

import java.time.Duration;

/** Argument checks that fail at once with a message naming the parameter. */
public final class Checks {

  private Checks() {}

  /** Returns {@code d} if it is positive, else throws {@link IllegalArgumentException}. */
  public static Duration positive(Duration d, String name) {
    if (d == null) {
      throw new NullPointerException(name);
    }
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d);
    }
    return d;
  }
}
