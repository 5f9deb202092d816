package io.taskflux.cli;

import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;

/** Task addresses on the command line: {@code QUEUE/ID}, or an id in {@code --queue}. */
final class Ids {

  private Ids() {}

  static MessageRef parse(String id, String queue) {
    try {
      int slash = id.indexOf('/');
      if (slash > 0) {
        return MessageRef.of(id.substring(0, slash), id.substring(slash + 1));
      }
      return MessageRef.of(queue == null ? Message.DEFAULT_QUEUE : queue, id);
    } catch (IllegalArgumentException e) {
      throw new CliException(CliException.USAGE, "bad task id '" + id + "': " + e.getMessage());
    }
  }
}
