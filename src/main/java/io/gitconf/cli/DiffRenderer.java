package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigDiff;
import io.gitconf.core.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Help.Ansi;

/**
 * The one way the CLI prints a change between two snapshots, in text and in JSON: {@code diff}, and
 * the preview of {@code rollback} (with and without {@code --break-glass}). The {@link ConfigDiff}
 * has already masked secrets, so nothing here sees a plaintext.
 *
 * <p>Text, one block per environment:
 *
 * <pre>
 * prod: 1 changed
 *   ~ risk.parameters.maxOpenPositions: 5 -&gt; 4
 * </pre>
 *
 * <p>Stateless; thread-safe.
 */
final class DiffRenderer {
  private DiffRenderer() {}

  /** Prints an environment's block: its summary line, then a line per change. */
  static void print(PrintWriter out, Ansi ansi, String environment, ConfigDiff diff) {
    out.println(ansi.string("@|bold " + environment + "|@: " + summary(diff)));
    for (ConfigDiff.Change change : diff.changes()) {
      out.println(ansi.string(line(change)));
    }
  }

  /** {@code 2 added, 1 changed}, or {@code no changes}. */
  static String summary(ConfigDiff diff) {
    if (diff.isEmpty()) {
      return "no changes";
    }
    List<String> parts = new ArrayList<>();
    diff.counts()
        .forEach(
            (kind, count) -> {
              if (count > 0) {
                parts.add(count + " " + kind.name().toLowerCase(Locale.ROOT));
              }
            });
    return String.join(", ", parts);
  }

  /** The changes of one environment as a JSON array of {@link #change} objects. */
  static ArrayNode changes(ConfigDiff diff) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    diff.changes().forEach(change -> list.add(change(change)));
    return list;
  }

  /** One change: {@code path}, {@code kind} and the {@code before}/{@code after} values it has. */
  static ObjectNode change(ConfigDiff.Change change) {
    ObjectNode item = Json.MAPPER.createObjectNode();
    item.put("path", change.path());
    item.put("kind", change.kind().name().toLowerCase(Locale.ROOT));
    change.before().ifPresent(v -> item.set("before", v));
    change.after().ifPresent(v -> item.set("after", v));
    return item;
  }

  /** One change in picocli markup, coloured by kind; {@link Ansi#OFF} prints it plain. */
  private static String line(ConfigDiff.Change change) {
    return switch (change.kind()) {
      case ADDED -> "@|green   + " + change.path() + ": " + text(change.after()) + "|@";
      case REMOVED -> "@|red   - " + change.path() + ": " + text(change.before()) + "|@";
      case CHANGED -> {
        String before = text(change.before());
        String after = text(change.after());
        yield "@|yellow   ~ "
            + change.path()
            + ": "
            + (before.equals(after) ? after + " (changed)" : before + " -> " + after)
            + "|@";
      }
    };
  }

  private static String text(Optional<JsonNode> value) {
    // Picocli markup uses @| and |@; values never contain them in practice, but escape the pipe-at
    // pair anyway.
    return value
        .map(v -> v.isTextual() ? v.asText() : Json.canonical(v))
        .orElse("")
        .replace("|@", "| @");
  }
}
