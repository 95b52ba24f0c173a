package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code release:} map of an environment in {@code gitconf.yaml} into a {@link
 * ReleasePolicy}, reporting every problem with its line; and writes a policy back as the same map
 * (JSON), which is how the mirror keeps the policy a release started with.
 */
public final class ReleasePolicyReader {
  private static final Pattern DURATION = Pattern.compile("^(\\d{1,9})(ms|s|m|h|d)$");
  private static final Pattern PERCENT = Pattern.compile("^(\\d{1,3})%$");
  private static final Set<String> KEYS =
      Set.of("steps", "bake", "minReports", "maxFailures", "minInterval", "freeze");
  private static final Map<String, DayOfWeek> DAYS =
      Map.of(
          "mon", DayOfWeek.MONDAY,
          "tue", DayOfWeek.TUESDAY,
          "wed", DayOfWeek.WEDNESDAY,
          "thu", DayOfWeek.THURSDAY,
          "fri", DayOfWeek.FRIDAY,
          "sat", DayOfWeek.SATURDAY,
          "sun", DayOfWeek.SUNDAY);

  private final String file;
  private final List<Problem> problems;
  private final Map<String, Integer> lines;

  ReleasePolicyReader(String file, List<Problem> problems, Map<String, Integer> lines) {
    this.file = file;
    this.problems = problems;
    this.lines = lines;
  }

  /**
   * A policy stored by {@link #toJson}; refuses one that does not read back (a mirror written by
   * another gitconf).
   */
  public static ReleasePolicy fromJson(JsonNode json) {
    List<Problem> problems = new ArrayList<>();
    Optional<ReleasePolicy> policy =
        new ReleasePolicyReader("release_state.policy", problems, Map.of()).read(json, "release");
    if (policy.isEmpty()) {
      throw new GitconfException.Integrity(
          "mirror integrity: a stored release policy does not read: "
              + problems.stream().map(Problem::toString).toList());
    }
    return policy.get();
  }

  /** The policy as the map {@code gitconf.yaml} declares it. */
  public static ObjectNode toJson(ReleasePolicy policy) {
    ObjectNode json = Json.MAPPER.createObjectNode();
    ArrayNode steps = json.putArray("steps");
    policy.steps().forEach(steps::add);
    json.put("bake", format(policy.bake()));
    json.put("minReports", policy.minReportsPercent() + "%");
    json.put("maxFailures", policy.maxFailures());
    json.put("minInterval", format(policy.minInterval()));
    ArrayNode freeze = json.putArray("freeze");
    for (ReleasePolicy.FreezeWindow window : policy.freeze()) {
      ObjectNode w = freeze.addObject();
      if (window.from().isPresent()) {
        w.put("from", window.from().get().toString());
        w.put("to", window.to().orElseThrow().toString());
      } else {
        ArrayNode days = w.putArray("days");
        new TreeSet<>(window.days())
            .forEach(d -> days.add(d.name().substring(0, 3).toLowerCase(Locale.ROOT)));
        w.put("timezone", window.timezone().getId());
      }
    }
    return json;
  }

  /** A duration as the policy writes it: {@code 20s}, {@code 10m}, {@code 250ms}. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /** The policy at {@code path}, or empty with its problems added. */
  Optional<ReleasePolicy> read(JsonNode node, String path) {
    int before = problems.size();
    if (!(node instanceof ObjectNode body)) {
      error(
          path,
          "must be a map (steps, bake, minReports, maxFailures, minInterval, freeze)",
          "type");
      return Optional.empty();
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        error(
            path + "." + key,
            "unknown key (allowed: " + String.join(", ", new TreeSet<>(KEYS)) + ")",
            "additionalProperties");
      }
    }
    List<Integer> steps = steps(body.get("steps"), path + ".steps");
    Duration bake = duration(body.get("bake"), path + ".bake", ReleasePolicy.DEFAULT_BAKE);
    int minReports = percent(body.get("minReports"), path + ".minReports");
    int maxFailures = count(body.get("maxFailures"), path + ".maxFailures");
    Duration minInterval = duration(body.get("minInterval"), path + ".minInterval", Duration.ZERO);
    List<ReleasePolicy.FreezeWindow> freeze = freeze(body.get("freeze"), path + ".freeze");
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new ReleasePolicy(steps, bake, minReports, maxFailures, minInterval, freeze));
  }

  private List<Integer> steps(JsonNode node, String path) {
    List<Integer> steps = new ArrayList<>();
    if (node == null || !node.isArray() || node.isEmpty()) {
      error(path, "required: a list of percents ending with 100, e.g. [5, 25, 100]", "required");
      return steps;
    }
    int previous = 0;
    for (JsonNode step : node) {
      if (!step.isIntegralNumber()
          || !step.canConvertToInt()
          || step.asInt() < 1
          || step.asInt() > 100) {
        error(path, "each step is a whole percent from 1 to 100, not " + step, "type");
        return steps;
      }
      if (step.asInt() <= previous) {
        error(path, "steps must increase (" + step.asInt() + " after " + previous + ")", "order");
        return steps;
      }
      previous = step.asInt();
      steps.add(previous);
    }
    if (previous != 100) {
      error(path, "the last step must be 100 (every instance), not " + previous, "last-step");
    }
    return steps;
  }

  private Duration duration(JsonNode node, String path, Duration missing) {
    if (node == null) {
      return missing;
    }
    Matcher m = node.isTextual() ? DURATION.matcher(node.asText()) : null;
    if (m == null || !m.matches()) {
      error(path, "a duration such as 250ms, 20s, 10m, 2h or 1d, not " + node, "duration");
      return missing;
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  private int percent(JsonNode node, String path) {
    if (node == null) {
      return ReleasePolicy.DEFAULT_MIN_REPORTS;
    }
    Matcher m = node.isTextual() ? PERCENT.matcher(node.asText()) : null;
    if (m == null || !m.matches() || Integer.parseInt(m.group(1)) > 100) {
      error(path, "a percent from 0% to 100%, not " + node, "percent");
      return 0;
    }
    return Integer.parseInt(m.group(1));
  }

  private int count(JsonNode node, String path) {
    if (node == null) {
      return 0;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 0) {
      error(path, "a whole number, 0 or more, not " + node, "type");
      return 0;
    }
    return node.asInt();
  }

  private List<ReleasePolicy.FreezeWindow> freeze(JsonNode node, String path) {
    List<ReleasePolicy.FreezeWindow> windows = new ArrayList<>();
    if (node == null) {
      return windows;
    }
    if (!node.isArray()) {
      error(
          path,
          "a list of windows: {days: [sat, sun], timezone: UTC} or {from: ..., to: ...}",
          "type");
      return windows;
    }
    for (JsonNode window : node) {
      if (!(window instanceof ObjectNode w)) {
        error(path, "each window is a map, not " + window, "type");
        continue;
      }
      if (w.has("from") || w.has("to")) {
        onlyKeys(w, path, Set.of("from", "to"));
        Optional<Instant> from = instant(w.get("from"), path, "from");
        Optional<Instant> to = instant(w.get("to"), path, "to");
        if (from.isPresent() && to.isPresent()) {
          if (!to.get().isAfter(from.get())) {
            error(
                path,
                "a window ends after it starts (" + from.get() + " to " + to.get() + ")",
                "order");
          } else {
            windows.add(ReleasePolicy.FreezeWindow.span(from.get(), to.get()));
          }
        }
        continue;
      }
      onlyKeys(w, path, Set.of("days", "timezone"));
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      JsonNode list = w.get("days");
      if (list == null || !list.isArray() || list.isEmpty()) {
        error(
            path, "a window needs days: [mon, ..., sun] (with a timezone) or from/to", "required");
        continue;
      }
      for (JsonNode day : list) {
        DayOfWeek d = DAYS.get(day.asText().toLowerCase(Locale.ROOT));
        if (!day.isTextual() || d == null) {
          error(path, "days are mon, tue, wed, thu, fri, sat, sun, not " + day, "enum");
        } else {
          days.add(d);
        }
      }
      ZoneId zone = ZoneId.of("UTC");
      JsonNode tz = w.get("timezone");
      if (tz == null || !tz.isTextual()) {
        error(path, "a days window needs a timezone (e.g. UTC, Europe/London)", "required");
      } else {
        try {
          zone = ZoneId.of(tz.asText());
        } catch (DateTimeException e) {
          error(path, "unknown timezone '" + tz.asText() + "'", "timezone");
        }
      }
      windows.add(ReleasePolicy.FreezeWindow.days(days, zone));
    }
    return windows;
  }

  private Optional<Instant> instant(JsonNode node, String path, String key) {
    if (node == null || !node.isTextual()) {
      error(
          path,
          "a window with from needs to as well, each a time such as 2026-12-24T00:00Z",
          "required");
      return Optional.empty();
    }
    try {
      return Optional.of(
          OffsetDateTime.parse(node.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      error(
          path,
          key + ": a time with its offset such as 2026-12-24T00:00Z, not " + node,
          "date-time");
      return Optional.empty();
    }
  }

  private void onlyKeys(ObjectNode node, String path, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        error(
            path,
            "unknown key '"
                + key
                + "' in a window (allowed: "
                + String.join(", ", new TreeSet<>(allowed))
                + ")",
            "additionalProperties");
      }
    }
  }

  /** The line of a path, or of the nearest enclosing key that has one. */
  private int line(String path) {
    String p = path;
    while (true) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      int dot = p.lastIndexOf('.');
      if (dot < 0) {
        return 1;
      }
      p = p.substring(0, dot);
    }
  }

  private void error(String path, String message, String rule) {
    problems.add(Problem.error(Origin.of(file, line(path)), path, message, rule));
  }
}
