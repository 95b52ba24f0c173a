package io.gitconf.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A configuration path: {@code <category>.<key>.<key>…}, e.g. {@code
 * risk.parameters.maxPositionSizeUsd}. Keys may not contain dots, so the text form is unambiguous.
 * Immutable.
 */
public record ConfigPath(List<String> segments) implements Comparable<ConfigPath> {

  public ConfigPath {
    segments = List.copyOf(segments);
    if (segments.isEmpty()) {
      throw new GitconfException.BadRequest("a configuration path needs at least a category");
    }
    for (String segment : segments) {
      if (segment == null || segment.isEmpty() || segment.indexOf('.') >= 0) {
        throw new GitconfException.BadRequest(
            "'"
                + segment
                + "' is not a key of a configuration path: keys are not empty and have no dots");
      }
    }
  }

  /**
   * Parses {@code a.b.c}; a clear {@link GitconfException.BadRequest} for an empty or malformed
   * path.
   */
  public static ConfigPath parse(String text) {
    if (text == null || text.isBlank()) {
      throw new GitconfException.BadRequest(
          "a configuration path is required (e.g. risk.parameters.maxPositionSizeUsd)");
    }
    String[] parts = text.split("\\.", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new GitconfException.BadRequest(
            "'" + text + "' is not a configuration path: empty key between dots");
      }
    }
    return new ConfigPath(Arrays.asList(parts));
  }

  public static ConfigPath of(String category, String... keys) {
    List<String> all = new ArrayList<>(keys.length + 1);
    all.add(category);
    all.addAll(Arrays.asList(keys));
    return new ConfigPath(all);
  }

  public String category() {
    return segments.get(0);
  }

  public int depth() {
    return segments.size();
  }

  public String last() {
    return segments.get(segments.size() - 1);
  }

  public ConfigPath child(String key) {
    List<String> all = new ArrayList<>(segments);
    all.add(key);
    return new ConfigPath(all);
  }

  /** The parent path; the category itself has none. */
  public java.util.Optional<ConfigPath> parent() {
    return segments.size() == 1
        ? java.util.Optional.empty()
        : java.util.Optional.of(new ConfigPath(segments.subList(0, segments.size() - 1)));
  }

  /** True when this path equals {@code other} or lies beneath it. */
  public boolean startsWith(ConfigPath other) {
    return segments.size() >= other.segments.size()
        && segments.subList(0, other.segments.size()).equals(other.segments);
  }

  @Override
  public int compareTo(ConfigPath other) {
    int n = Math.min(segments.size(), other.segments.size());
    for (int i = 0; i < n; i++) {
      int c = segments.get(i).compareTo(other.segments.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(segments.size(), other.segments.size());
  }

  @Override
  public String toString() {
    return String.join(".", segments);
  }
}
