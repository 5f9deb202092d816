package io.taskflux.backoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The seed's backoff numbers (BEHAVIOUR.md 1.3) and the settings round trip. */
class BackoffTest {

  private static List<Long> delays(Backoff b, int upTo) {
    return IntStream.rangeClosed(0, upTo).mapToObj(b::delayMillis).map(Long::valueOf).toList();
  }

  @Test
  void theDefaultExponentialGivesTheSeedsSequence() {
    assertEquals(
        List.of(0L, 60_000L, 160_000L, 640_000L, 2_560_000L, 3_600_000L, 3_600_000L),
        delays(Backoff.exponential(), 6));
    assertEquals(Duration.ofSeconds(160), Backoff.exponential().delay(2));
  }

  @Test
  void defaultsAreTheSeeds() {
    Backoff e = Backoff.exponential();
    assertEquals(Duration.ofMinutes(1), e.floor());
    assertEquals(Duration.ofHours(1), e.ceiling());
    assertTrue(e.zeroOverride());
    assertEquals(0.0, e.jitter());
    assertEquals(
        Map.of(
            "base", 4L,
            "factor", 10_000L,
            "floor", 60_000L,
            "ceiling", 3_600_000L,
            "zero_override", true),
        e.settings().parameters());
    assertEquals("ExponentialBackoff", e.settings().algorithm());
    assertEquals(
        Map.of("constant", 60_000L, "floor", 60_000L, "ceiling", 3_600_000L, "zero_override", true),
        Backoff.constant().settings().parameters());
    assertEquals(30_000L, Backoff.linear().settings().parameters().get("factor"));
    assertEquals(BackoffSettings.defaults(), Backoff.exponential().settings());
  }

  @Test
  void constantAndLinearFormulasAreClippedToFloorAndCeiling() {
    assertEquals(List.of(0L, 60_000L, 60_000L), delays(Backoff.constant(), 2));
    assertEquals(List.of(0L, 60_000L, 60_000L, 90_000L, 120_000L), delays(Backoff.linear(), 4));
    Backoff big = Backoff.linear(Duration.ofMinutes(50));
    assertEquals(3_600_000L, big.delayMillis(2));
    assertEquals(Long.valueOf(3_600_000L), Long.valueOf(Backoff.exponential().delayMillis(10_000)));
  }

  @Test
  void anExplicitParameterBelowTheDefaultFloorLowersTheFloorInsteadOfBeingClipped() {
    Backoff tenMs = Backoff.constant(Duration.ofMillis(10));
    assertEquals(Duration.ofMillis(10), tenMs.floor());
    assertEquals(List.of(0L, 10L, 10L, 10L), delays(tenMs, 3));
    assertEquals(Duration.ofMillis(10), tenMs.delay(1));
    assertEquals(List.of(0L, 1_000L, 2_000L), delays(Backoff.linear(Duration.ofSeconds(1)), 2));
    Backoff fast = Backoff.exponential(2, Duration.ofMillis(100));
    assertEquals(List.of(0L, 200L, 400L, 800L), delays(fast, 3));
    // The argument-less factories keep the seed's 60 s floor; a parameter above it changes nothing.
    assertEquals(Duration.ofMinutes(1), Backoff.exponential().floor());
    assertEquals(60_000L, Backoff.linear().delayMillis(1));
    assertEquals(Duration.ofMinutes(1), Backoff.constant(Duration.ofMinutes(5)).floor());
    // Settings written by hand without a floor follow the same rule; with one, it is kept.
    assertEquals(
        10L,
        Backoff.fromSettings(new BackoffSettings(BackoffSettings.CONSTANT, Map.of("constant", 10L)))
            .delayMillis(1));
    assertEquals(
        60_000L,
        Backoff.fromSettings(
                new BackoffSettings(
                    BackoffSettings.CONSTANT, Map.of("constant", 10L, "floor", 60_000L)))
            .delayMillis(1));
    assertEquals(tenMs, Backoff.fromSettings(tenMs.settings()));
  }

  @Test
  void zeroOverrideOffUsesTheFormulaForZeroIncidents() {
    // The seed's consumer backoff: linear 1 s, floor 1 s, ceiling 30 s, no zero override.
    Backoff consumer =
        Backoff.linear(Duration.ofSeconds(1))
            .withFloor(Duration.ofSeconds(1))
            .withCeiling(Duration.ofSeconds(30))
            .withZeroOverride(false);
    assertEquals(List.of(1000L, 1000L, 2000L, 3000L), delays(consumer, 3));
    assertEquals(30_000L, consumer.delayMillis(45));
  }

  @Test
  void noneNeverWaits() {
    assertEquals(List.of(0L, 0L, 0L, 0L), delays(Backoff.none(), 3));
    assertEquals(
        Map.of("constant", 0L, "floor", 0L, "ceiling", 0L, "zero_override", true),
        Backoff.none().settings().parameters());
  }

  @Test
  void invalidSettingsFailNamingTheParameter() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Backoff.constant().withFloor(Duration.ofHours(2)));
    assertTrue(e.getMessage().contains("floor"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Backoff.constant(Duration.ofMillis(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Backoff.exponential().withJitter(1.5, new SplittableRandom()));
    assertThrows(IllegalArgumentException.class, () -> Backoff.exponential().delayMillis(-1));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> Backoff.fromSettings(new BackoffSettings("FibonacciBackoff", Map.of())));
    assertTrue(unknown.getMessage().contains("FibonacciBackoff"), unknown.getMessage());
  }

  @Test
  void settingsRoundTripThroughTheBackoffAndJson() {
    JsonMapper mapper = JsonMapper.builder().build();
    for (Backoff b :
        List.of(
            Backoff.exponential(),
            Backoff.constant(Duration.ofSeconds(5)).withFloor(Duration.ZERO),
            Backoff.linear(Duration.ofMillis(1500)).withZeroOverride(false),
            Backoff.exponential(1.5, Duration.ofSeconds(2))
                .withJitter(0.25, new SplittableRandom(1)),
            Backoff.none())) {
      BackoffSettings settings = b.settings();
      assertEquals(settings, Backoff.fromSettings(settings).settings());
      BackoffSettings viaJson =
          mapper.readValue(mapper.writeValueAsString(settings), BackoffSettings.class);
      assertEquals(settings, viaJson);
      assertEquals(b, Backoff.fromSettings(viaJson));
    }
  }

  @Test
  void jitterDrawsFromTheInjectedRandomAndStaysWithinBounds() {
    Backoff base = Backoff.exponential().withCeiling(Duration.ofDays(1));
    Backoff a = base.withJitter(0.5, new SplittableRandom(42));
    Backoff b = base.withJitter(0.5, new SplittableRandom(42));
    List<Long> first =
        IntStream.range(0, 50).mapToObj(i -> a.delayMillis(3)).map(Long::valueOf).toList();
    List<Long> second =
        IntStream.range(0, 50).mapToObj(i -> b.delayMillis(3)).map(Long::valueOf).toList();
    assertEquals(first, second, "the same seed must give the same delays");
    Set<Long> distinct = new HashSet<>(first);
    assertTrue(distinct.size() > 10, "jitter should vary the delay: " + distinct);
    long plain = base.delayMillis(3); // 640 000
    for (long d : first) {
      assertTrue(d >= plain / 2 && d <= plain * 3 / 2, d + " outside ±50% of " + plain);
    }
    assertEquals(0L, a.delayMillis(0), "zero override ignores jitter");
    assertNotEquals(plain, (long) first.get(0));
  }
}
