package io.taskflux.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the workers of {@link ChaosIT} recorded in their attempt logs (see {@link ChaosTasks}), read
 * back after the run and judged: which task ran again after its ack, and whether each duplicated
 * execution has a cause at-least-once delivery allows (its worker was killed, its lease was lost,
 * Redis was down or paused meanwhile).
 */
final class ChaosLedger {

  /** One log line. */
  record Event(String kind, String id, int retries, long pid, long micros, String extra) {}

  /** A span of wall-clock time (epoch micros) during which Redis was killed or paused. */
  record Window(long fromMicros, long toMicros) {}

  private final Map<String, List<Event>> byId = new HashMap<>();
  private long lines;

  static ChaosLedger read(Path dir) throws IOException {
    ChaosLedger ledger = new ChaosLedger();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().startsWith("attempts-")).toList()) {
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          String[] p = l.split(" ");
          if (p.length < 5) {
            continue; // a line cut by SIGKILL mid-write (not seen so far: one write per line)
          }
          Event e =
              new Event(
                  p[0],
                  p[1],
                  Integer.parseInt(p[2]),
                  Long.parseLong(p[3]),
                  Long.parseLong(p[4]),
                  p.length > 5 ? p[5] : "");
          ledger.byId.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
          ledger.lines++;
        }
      }
    }
    return ledger;
  }

  long lines() {
    return lines;
  }

  List<Event> events(String id) {
    return byId.getOrDefault(id, List.of());
  }

  private static long count(List<Event> events, String kind, String extra) {
    return events.stream()
        .filter(e -> e.kind().equals(kind) && (extra == null || e.extra().equals(extra)))
        .count();
  }

  /** The verdict over every task id. */
  record Verdict(
      long executions,
      long plannedFailuresRun,
      long tasksWithPlannedFailures,
      long duplicates,
      long tasksDuplicated,
      long dupByKilledWorker,
      long dupByLeaseLost,
      long dupByRedisFault,
      List<String> unexplained,
      List<String> ranAfterAck,
      List<String> ackedTwice,
      List<String> neverAcked) {}

  Verdict judge(List<String> ids, Set<Long> killedPids, List<Window> redisFaults) {
    long executions = 0;
    long failuresRun = 0;
    long tasksFailing = 0;
    long duplicates = 0;
    long tasksDuplicated = 0;
    long byKill = 0;
    long byLease = 0;
    long byRedis = 0;
    List<String> unexplained = new ArrayList<>();
    List<String> afterAck = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    List<String> neverAcked = new ArrayList<>();
    for (String id : ids) {
      List<Event> ev = events(id);
      long starts = count(ev, "S", null);
      long errs = count(ev, "F", "err");
      executions += starts;
      failuresRun += errs;
      tasksFailing += errs > 0 ? 1 : 0;
      List<Event> acks = ev.stream().filter(e -> e.kind().equals("A")).toList();
      if (acks.size() > 1) {
        twice.add(id);
      }
      if (acks.isEmpty()) {
        // Legitimate only when the acking worker was killed between the ack and its hook.
        boolean okInKilled =
            ev.stream()
                .anyMatch(
                    e ->
                        e.kind().equals("F")
                            && e.extra().equals("ok")
                            && killedPids.contains(e.pid()));
        if (!okInKilled) {
          neverAcked.add(id);
        }
      } else {
        long ackAt = acks.stream().mapToLong(Event::micros).min().orElseThrow();
        if (ev.stream().anyMatch(e -> e.kind().equals("S") && e.micros() > ackAt)) {
          afterAck.add(id);
        }
      }
      long extra = starts - 1 - errs;
      if (extra <= 0) {
        continue;
      }
      duplicates += extra;
      tasksDuplicated++;
      long firstStart =
          ev.stream().filter(e -> e.kind().equals("S")).mapToLong(Event::micros).min().orElse(0);
      long lastStart =
          ev.stream().filter(e -> e.kind().equals("S")).mapToLong(Event::micros).max().orElse(0);
      boolean killed =
          ev.stream().anyMatch(e -> e.kind().equals("S") && killedPids.contains(e.pid()));
      // A lost lease shows as a cancelled attempt (X), or as a successful run whose completion the
      // backend refused (F ok and no ack from that process).
      boolean leaseLost =
          ev.stream().anyMatch(e -> e.kind().equals("X"))
              || ev.stream()
                  .anyMatch(
                      f ->
                          f.kind().equals("F")
                              && f.extra().equals("ok")
                              && acks.stream()
                                  .noneMatch(
                                      a -> a.pid() == f.pid() && a.retries() == f.retries()));
      boolean redis =
          redisFaults.stream()
              .anyMatch(w -> w.fromMicros() <= lastStart && w.toMicros() >= firstStart);
      if (killed) {
        byKill++;
      } else if (leaseLost) {
        byLease++;
      } else if (redis) {
        byRedis++;
      } else {
        unexplained.add(id + " " + ev);
      }
    }
    return new Verdict(
        executions,
        failuresRun,
        tasksFailing,
        duplicates,
        tasksDuplicated,
        byKill,
        byLease,
        byRedis,
        unexplained,
        afterAck,
        twice,
        neverAcked);
  }
}
