package io.taskflux.task;

/**
 * The address of one message and of everything stored for it (status, result, revocation): its
 * queue and its id. Backends keep all of a queue's data together, so operations on a message take
 * its queue as well as its id.
 *
 * @param queue the queue name, not blank
 * @param id the message id, not blank
 */
public record MessageRef(String queue, String id) {

  /** Validates both parts. */
  public MessageRef {
    Message.requireName(queue, "queue");
    Message.requireName(id, "id");
  }

  /** The same as the constructor. */
  public static MessageRef of(String queue, String id) {
    return new MessageRef(queue, id);
  }

  @Override
  public String toString() {
    return queue + "/" + id;
  }
}
