package io.taskflux.cli;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.serde.StrictInput;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Checks JSON input against a task's input type before anything is stored, so that input a worker
 * could not use is refused at the prompt instead of dead-lettered later, by {@link StrictInput}
 * (unknown fields, missing or null record fields and scalars of the wrong kind are all refused).
 */
final class InputCheck {

  private InputCheck() {}

  /**
   * {@code input} as {@code definition}'s input type.
   *
   * @param where names the input in the error ("--json", "line 3")
   * @throws CliException ({@link CliException#BAD_INPUT}) if it does not fit
   */
  static <I> I check(TaskDefinition<I, ?> definition, JsonNode input, String where) {
    Class<I> type = definition.inputType();
    boolean missing = input == null || input.isNull();
    if (missing && type != Void.class && type != Object.class && type != JsonNode.class) {
      throw new CliException(
          CliException.BAD_INPUT,
          "task '"
              + definition.name()
              + "' needs an input of type "
              + type.getSimpleName()
              + " and "
              + where
              + " gives none; nothing was stored");
    }
    try {
      return missing ? null : StrictInput.read(input, type);
    } catch (JacksonException e) {
      throw new CliException(
          CliException.BAD_INPUT,
          where
              + " does not fit task '"
              + definition.name()
              + "' (input type "
              + type.getSimpleName()
              + "): "
              + e.getOriginalMessage()
              + "; nothing was stored");
    }
  }
}
