package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sets one value in a category file's text, keeping every other line (comments, blank lines, key
 * order) as it was. Works on block-style YAML, the style gitconf files use; a value inside a
 * flow-style map is refused with a clear error rather than rewritten. Each edit is checked by
 * reading the result back.
 *
 * <p>Stateless and thread-safe.
 */
public final class OverlayEditor {
  private static final StrictYamlReader READER = new StrictYamlReader(YamlLimits.defaults());
  private static final Pattern PLAIN = Pattern.compile("^[A-Za-z_/][A-Za-z0-9_./@+\\[\\],=-]*$");
  private static final Pattern RESERVED =
      Pattern.compile("^(?:true|false|null|~|yes|no|on|off|y|n)$", Pattern.CASE_INSENSITIVE);

  private OverlayEditor() {}

  /**
   * The file's text with {@code keys} (relative to the file, without the category) set to {@code
   * value}, creating missing maps. {@code text} may be empty for a file that does not exist yet.
   */
  public static String set(String file, String text, List<String> keys, JsonNode value) {
    String result = edit(file, text, keys, render(value));
    verify(file, result, keys, value);
    return result;
  }

  /**
   * The file's text with {@code keys} set to {@code !delete}, which removes a key an earlier layer
   * (base, an ancestor) sets.
   */
  public static String delete(String file, String text, List<String> keys) {
    String result = edit(file, text, keys, StrictYamlReader.DELETE_TAG);
    ParsedFile reread = READER.readMapping(file, result.getBytes(StandardCharsets.UTF_8));
    if (!reread.deletes().containsKey(String.join(".", keys))) {
      throw new GitconfException.BadRequest(
          file + ": could not mark '" + String.join(".", keys) + "' !delete; edit it by hand");
    }
    return result;
  }

  /**
   * The file's text without {@code keys} (its line and everything under it), and without maps that
   * become empty. Returns an empty string when nothing is left, since an empty overlay file is not
   * allowed.
   */
  public static String remove(String file, String text, List<String> keys) {
    String current = text;
    for (int depth = keys.size(); depth > 0; depth--) {
      ParsedFile parsed = READER.readMapping(file, current.getBytes(StandardCharsets.UTF_8));
      String path = String.join(".", keys.subList(0, depth));
      Integer line = lineOf(parsed, path);
      if (line == null) {
        break;
      }
      if (depth < keys.size()) {
        // A parent goes only when removing its last key left it without children (YAML reads that
        // as null).
        JsonNode node = parsed.content();
        for (String key : keys.subList(0, depth)) {
          node = node.get(key);
        }
        if (node != null && !node.isNull() && !(node.isObject() && node.isEmpty())) {
          break;
        }
      }
      List<String> lines = new ArrayList<>(List.of(current.split("\n", -1)));
      lines.remove(lines.size() - 1);
      int index = line - 1;
      int indent = indentOf(lines.get(index));
      int end = index + 1;
      while (end < lines.size()
          && (lines.get(end).isBlank() || indentOf(lines.get(end)) > indent)) {
        end++;
      }
      while (end > index + 1 && lines.get(end - 1).isBlank()) {
        end--;
      }
      lines.subList(index, end).clear();
      while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
        lines.remove(lines.size() - 1);
      }
      current = String.join("\n", lines) + "\n";
      if (current.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
        return "";
      }
    }
    return current;
  }

  private static String edit(String file, String text, List<String> keys, String rendered) {
    if (keys.isEmpty()) {
      throw new GitconfException.BadRequest("a path inside the category is required");
    }
    List<String> lines =
        new ArrayList<>(text.isEmpty() ? List.of() : List.of(text.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    ParsedFile parsed =
        text.isBlank() ? null : READER.readMapping(file, text.getBytes(StandardCharsets.UTF_8));
    String full = String.join(".", keys);
    Integer existing = parsed == null ? null : lineOf(parsed, full);
    if (existing != null) {
      replace(file, lines, existing - 1, keys.get(keys.size() - 1), rendered);
    } else {
      insert(file, parsed, lines, keys, rendered);
    }
    return String.join("\n", lines) + "\n";
  }

  private static Integer lineOf(ParsedFile parsed, String path) {
    Integer line = parsed.lines().get(path);
    return line != null ? line : parsed.deletes().get(path);
  }

  /**
   * Replaces the value on a key's line (and any more-indented lines under it), keeping a trailing
   * comment.
   */
  private static void replace(
      String file, List<String> lines, int index, String key, String rendered) {
    String line = lines.get(index);
    int indent = indentOf(line);
    int colon = line.indexOf(':', indent + key.length());
    if (colon < 0 || !line.substring(indent).startsWith(key)) {
      throw new GitconfException.BadRequest(
          file + ":" + (index + 1) + ": cannot edit this line safely; edit it by hand");
    }
    String comment = trailingComment(line.substring(colon + 1));
    lines.set(index, line.substring(0, colon + 1) + " " + rendered + comment);
    int end = index + 1;
    while (end < lines.size() && (lines.get(end).isBlank() || indentOf(lines.get(end)) > indent)) {
      end++;
    }
    while (end > index + 1 && lines.get(end - 1).isBlank()) {
      end--;
    }
    lines.subList(index + 1, end).clear();
  }

  /** Adds the missing keys under the deepest map that exists. */
  private static void insert(
      String file, ParsedFile parsed, List<String> lines, List<String> keys, String rendered) {
    int depth = 0;
    Integer anchorLine = null;
    while (parsed != null && depth < keys.size() - 1) {
      Integer line = parsed.lines().get(String.join(".", keys.subList(0, depth + 1)));
      if (line == null) {
        break;
      }
      anchorLine = line;
      depth++;
    }
    int at;
    int indent;
    if (anchorLine == null) {
      at = lines.size();
      indent = 0;
    } else {
      String anchor = lines.get(anchorLine - 1);
      int anchorIndent = indentOf(anchor);
      String afterColon = anchor.substring(anchor.indexOf(':') + 1);
      if (!afterColon.replaceFirst("(^|\\s+)#.*$", "").isBlank()) {
        throw new GitconfException.BadRequest(
            file
                + ":"
                + anchorLine
                + ": '"
                + String.join(".", keys.subList(0, depth))
                + "' is not a block-style map; edit it by hand");
      }
      at = anchorLine;
      int childIndent = -1;
      while (at < lines.size()
          && (lines.get(at).isBlank() || indentOf(lines.get(at)) > anchorIndent)) {
        if (!lines.get(at).isBlank() && childIndent < 0 && !lines.get(at).strip().startsWith("#")) {
          childIndent = indentOf(lines.get(at));
        }
        at++;
      }
      while (at > anchorLine && lines.get(at - 1).isBlank()) {
        at--;
      }
      indent = childIndent > anchorIndent ? childIndent : anchorIndent + 2;
    }
    List<String> added = new ArrayList<>();
    for (int i = depth; i < keys.size(); i++) {
      String prefix = " ".repeat(indent + 2 * (i - depth)) + keys.get(i) + ":";
      added.add(i == keys.size() - 1 ? prefix + " " + rendered : prefix);
    }
    lines.addAll(at, added);
  }

  private static String trailingComment(String afterColon) {
    Matcher quoted =
        Pattern.compile("^\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^']|'')*')(\\s+#.*)?$")
            .matcher(afterColon);
    if (quoted.matches()) {
      return quoted.group(2) == null ? "" : quoted.group(2);
    }
    Matcher plain = Pattern.compile("^[^#]*?(\\s+#.*)$").matcher(afterColon);
    if (afterColon.strip().startsWith("#")) {
      return " " + afterColon.strip();
    }
    return plain.matches() ? plain.group(1) : "";
  }

  private static int indentOf(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  /**
   * A YAML scalar or flow collection for a value: plain where unambiguous, double-quoted otherwise.
   */
  static String render(JsonNode value) {
    if (value.isTextual()) {
      String text = value.asText();
      boolean plain = PLAIN.matcher(text).matches() && !RESERVED.matcher(text).matches();
      return plain ? text : Json.canonical(value);
    }
    return Json.canonical(value);
  }

  private static void verify(String file, String result, List<String> keys, JsonNode value) {
    ParsedFile reread = READER.readMapping(file, result.getBytes(StandardCharsets.UTF_8));
    JsonNode node = reread.content();
    for (String key : keys) {
      node = node == null ? null : node.get(key);
    }
    if (node == null
        || !node.equals(value)
            && !(node.isNumber()
                && value.isNumber()
                && node.decimalValue().compareTo(value.decimalValue()) == 0)) {
      throw new GitconfException.BadRequest(
          file
              + ": editing '"
              + String.join(".", keys)
              + "' would not give the value asked for; edit it by hand");
    }
  }

  /**
   * Every leaf value of one category file by relative path ({@code rpc.endpoints.main.apiKey}),
   * read strictly. Used to find encrypted values file by file, where they were written.
   */
  public static java.util.SortedMap<String, JsonNode> leaves(String file, String text) {
    ParsedFile parsed = READER.readMapping(file, text.getBytes(StandardCharsets.UTF_8));
    java.util.SortedMap<String, JsonNode> leaves = new java.util.TreeMap<>();
    collect("", parsed.content(), leaves);
    return leaves;
  }

  private static void collect(
      String prefix, JsonNode node, java.util.SortedMap<String, JsonNode> out) {
    if (node.isObject() && !node.isEmpty()) {
      node.properties()
          .forEach(
              f ->
                  collect(
                      prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(),
                      f.getValue(),
                      out));
    } else if (!prefix.isEmpty()) {
      out.put(prefix, node);
    }
  }

  /**
   * A value typed on a command line, read as a YAML 1.2 scalar or flow collection: {@code 250} is a
   * number, {@code true} a boolean, {@code "250"} a string, {@code [a, b]} a list.
   */
  public static JsonNode parseValue(String text) {
    String yaml = "value: " + text + "\n";
    try {
      return READER
          .readMapping("value", yaml.getBytes(StandardCharsets.UTF_8))
          .content()
          .get("value");
    } catch (GitconfException.Parse e) {
      throw new GitconfException.BadRequest(
          "cannot read '"
              + text
              + "' as a value: "
              + e.problem().message()
              + " (quote strings with spaces or colons)");
    }
  }
}
