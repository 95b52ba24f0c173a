package io.gitconf.core;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How new versions of one environment are released, as {@code gitconf.yaml} declares it under
 * {@code environments.<env>.release}: the percent of instances at each step, the time a step bakes,
 * the reports a step needs before it advances, the failures it tolerates, the least time between
 * two activations, and the windows in which nothing new starts. Immutable; a policy that exists has
 * been checked ({@link ManifestReader}).
 *
 * @param steps percent of instances per step, increasing, the last one 100
 * @param minReportsPercent percent of a step's cohort that must report the candidate applied
 * @param maxFailures failed reports tolerated in a release; one more rolls it back
 */
public record ReleasePolicy(
    List<Integer> steps,
    Duration bake,
    int minReportsPercent,
    int maxFailures,
    Duration minInterval,
    List<FreezeWindow> freeze) {

  public static final Duration DEFAULT_BAKE = Duration.ofMinutes(10);
  public static final int DEFAULT_MIN_REPORTS = 80;

  public ReleasePolicy {
    steps = List.copyOf(steps);
    freeze = List.copyOf(freeze);
  }

  /**
   * A window in which no version starts: either whole days of the week in a time zone, or one span
   * of time ({@code from} inclusive, {@code to} exclusive).
   */
  public record FreezeWindow(
      Set<DayOfWeek> days, ZoneId timezone, Optional<Instant> from, Optional<Instant> to) {
    public FreezeWindow {
      days = Set.copyOf(days);
    }

    /** Whole days of the week in {@code timezone}. */
    public static FreezeWindow days(Set<DayOfWeek> days, ZoneId timezone) {
      return new FreezeWindow(days, timezone, Optional.empty(), Optional.empty());
    }

    /** One span of time. */
    public static FreezeWindow span(Instant from, Instant to) {
      return new FreezeWindow(Set.of(), ZoneId.of("UTC"), Optional.of(from), Optional.of(to));
    }

    /** The end of this window when {@code now} is inside it. */
    public Optional<Instant> endIfInside(Instant now) {
      if (from.isPresent()) {
        return !now.isBefore(from.get()) && now.isBefore(to.orElseThrow()) ? to : Optional.empty();
      }
      ZonedDateTime local = now.atZone(timezone);
      if (!days.contains(local.getDayOfWeek())) {
        return Optional.empty();
      }
      ZonedDateTime end = local.toLocalDate().plusDays(1).atStartOfDay(timezone);
      for (int i = 0; i < 7 && days.contains(end.getDayOfWeek()); i++) {
        end = end.toLocalDate().plusDays(1).atStartOfDay(timezone);
      }
      return Optional.of(end.toInstant());
    }

    @Override
    public String toString() {
      if (from.isPresent()) {
        return from.get() + " to " + to.orElseThrow();
      }
      return days.stream().sorted().map(d -> d.name().substring(0, 3).toLowerCase()).toList()
          + " "
          + timezone;
    }
  }

  /**
   * When {@code now} falls in a freeze window, the time the last of the overlapping windows ends
   * (windows that follow one another are crossed in one go).
   */
  public Optional<Instant> frozenUntil(Instant now) {
    Instant at = now;
    boolean frozen = false;
    // Bounded: each pass moves past one window; windows cannot chain forever.
    for (int pass = 0; pass < 64; pass++) {
      Optional<Instant> end = Optional.empty();
      for (FreezeWindow window : freeze) {
        Optional<Instant> windowEnd = window.endIfInside(at);
        if (windowEnd.isPresent() && (end.isEmpty() || windowEnd.get().isAfter(end.get()))) {
          end = windowEnd;
        }
      }
      if (end.isEmpty()) {
        break;
      }
      frozen = true;
      at = end.get();
    }
    return frozen ? Optional.of(at) : Optional.empty();
  }

  /** The percent of step {@code index} (0 for the first). */
  public int percent(int index) {
    return steps.get(Math.min(index, steps.size() - 1));
  }
}
