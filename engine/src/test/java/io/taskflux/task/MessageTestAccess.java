package io.taskflux.task;

/** Gives tests in other packages the fully populated message of {@link MessageTest}. */
public final class MessageTestAccess {

  private MessageTestAccess() {}

  /** A message with every component set. */
  public static Message everything() {
    return MessageTest.everything();
  }
}
