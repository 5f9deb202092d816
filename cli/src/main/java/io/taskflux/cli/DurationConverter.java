package io.taskflux.cli;

import io.taskflux.examples.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, a bare number of seconds, or ISO-8601. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value);
  }
}
