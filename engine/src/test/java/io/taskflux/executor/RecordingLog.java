package io.taskflux.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Records what the executor logs (its {@code System.Logger} is backed by java.util.logging in the
 * tests) and lets a test wait for a record without sleeping.
 */
final class RecordingLog extends Handler implements AutoCloseable {

  private static final SimpleFormatter FORMATTER = new SimpleFormatter();

  // Held strongly: java.util.logging keeps loggers only weakly.
  private final Logger logger = Logger.getLogger("io.taskflux.executor");
  private final Level previousLevel = logger.getLevel();
  private final boolean previousUseParent = logger.getUseParentHandlers();
  private final List<LogRecord> records = new ArrayList<>();

  private RecordingLog() {
    setLevel(Level.ALL);
    logger.setLevel(Level.ALL);
    logger.setUseParentHandlers(false);
    logger.addHandler(this);
  }

  static RecordingLog start() {
    return new RecordingLog();
  }

  static String text(LogRecord record) {
    return FORMATTER.formatMessage(record);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    records.add(record);
    notifyAll();
  }

  /** Waits until a record matching {@code wanted} was logged, and returns the first such. */
  synchronized LogRecord await(Predicate<LogRecord> wanted, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (LogRecord record : records) {
        if (wanted.test(record)) {
          return record;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException("no matching log record; got " + texts());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits for a record whose text contains {@code fragment}. */
  LogRecord awaitText(String fragment) throws InterruptedException, TimeoutException {
    return await(r -> text(r).contains(fragment), Duration.ofSeconds(10));
  }

  synchronized List<String> texts() {
    return records.stream().map(RecordingLog::text).toList();
  }

  synchronized List<LogRecord> records() {
    return List.copyOf(records);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(previousLevel);
    logger.setUseParentHandlers(previousUseParent);
  }
}
