package io.taskflux.result;

import io.taskflux.TaskfluxException;
import java.util.Objects;

/**
 * A value was already stored under the key and a write that must be the first was refused: {@link
 * ResultStore#set} with {@code nx}, and every second {@link AsyncResultPool#set} of a key (DESIGN
 * decision 5). The first value is kept; nothing changed.
 */
public class ResultAlreadyExistsException extends TaskfluxException {

  private final String key;

  /** Creates the exception for the key (a message ref or a pool key, as text). */
  public ResultAlreadyExistsException(String key) {
    super("A result for '" + Objects.requireNonNull(key, "key") + "' exists; keeping the first");
    this.key = key;
  }

  /** The key whose value exists. */
  public String key() {
    return key;
  }
}
