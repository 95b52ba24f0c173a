package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns one file's composed YAML node graph into Jackson nodes with the line of every key,
 * expanding aliases under a node budget. Refuses, with file, line and path, what the strict reader
 * does not accept inside the graph: keys that are not plain text, empty, dotted or duplicated,
 * merge keys, tags other than {@code !delete}, characters YAML does not allow (written through
 * escapes), and numbers that are not finite or that a double does not hold as written.
 *
 * <p>Not thread-safe: one converter per file read.
 */
final class YamlConverter {
  /**
   * Longest number accepted, in characters. No setting needs more, and parsing a number as long as
   * the file limit allows takes the JDK tens of seconds.
   */
  static final int MAX_NUMBER_CHARS = 100;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String file;
  private final String category;
  private final YamlLimits limits;
  private final Set<Integer> explicitlyTagged;
  private final Map<String, Integer> lines = new LinkedHashMap<>();
  private final Map<String, Integer> deletes = new LinkedHashMap<>();
  private final Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
  private int nodes;
  private int aliases;

  /**
   * @param explicitlyTagged start indexes of the nodes whose tag the file wrote
   */
  YamlConverter(String file, String category, YamlLimits limits, Set<Integer> explicitlyTagged) {
    this.file = file;
    this.category = category;
    this.limits = limits;
    this.explicitlyTagged = explicitlyTagged;
  }

  /** The file's content, key lines and deletions. */
  ParsedFile convert(MappingNode root) {
    ObjectNode content = mapping(root, "", 1, false);
    // The maps are not shared: wrapping them costs nothing, copying 10,000 keys does.
    return new ParsedFile(
        file, content, Collections.unmodifiableMap(lines), Collections.unmodifiableMap(deletes));
  }

  /** The configuration path of a file-relative path: the category in front, when known. */
  private String configPath(String relative) {
    if (category.isEmpty()) {
      return relative;
    }
    return relative.isEmpty() ? category : category + "." + relative;
  }

  /**
   * List elements ({@code inList}) carry no per-key provenance, and {@code !delete} has no meaning
   * there.
   */
  private ObjectNode mapping(MappingNode node, String prefix, int depth, boolean inList) {
    count(node, depth, StrictYamlReader.line(node));
    ObjectNode object = NODES.objectNode();
    Map<String, Integer> seen = new HashMap<>();
    for (NodeTuple tuple : node.getValue()) {
      Node keyNode = tuple.getKeyNode();
      int keyLine = StrictYamlReader.line(keyNode);
      if (!(keyNode instanceof ScalarNode scalarKey)
          || !isPlainKeyTag(scalarKey)
          || isExplicitlyTagged(keyNode)) {
        throw refuse(keyLine, prefix, "keys must be plain text", "key");
      }
      String key = scalarKey.getValue();
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      if (key.isEmpty()) {
        throw refuse(keyLine, prefix, "empty key", "key");
      }
      int bad = YamlText.firstDisallowed(key);
      if (bad >= 0) {
        throw refuse(keyLine, prefix, disallowed(key, bad, "keys"), "character");
      }
      if ("<<".equals(key)) {
        throw refuse(
            keyLine,
            prefix,
            "merge keys (<<) are not supported; use environment overlays",
            "merge-key");
      }
      if (key.indexOf('.') >= 0) {
        throw refuse(
            keyLine,
            prefix,
            "key '" + key + "' contains a dot; nest the keys as maps instead",
            "dotted-key");
      }
      Integer previous = seen.putIfAbsent(key, keyLine);
      if (previous != null) {
        throw refuse(
            keyLine,
            path,
            "duplicate key (first defined at line " + previous + ")",
            "duplicate-key");
      }
      Node valueNode = tuple.getValueNode();
      if (StrictYamlReader.DELETE_TAG.equals(valueNode.getTag().getValue())) {
        if (inList) {
          throw refuse(keyLine, path, "!delete is not allowed inside lists", "delete");
        }
        if (!(valueNode instanceof ScalarNode deleted) || !deleted.getValue().isEmpty()) {
          throw refuse(StrictYamlReader.line(valueNode), path, "!delete takes no value", "delete");
        }
        deletes.put(path, keyLine);
        continue;
      }
      if (!inList) {
        lines.put(path, keyLine);
      }
      object.set(key, value(valueNode, path, depth + 1, keyLine, inList));
    }
    return object;
  }

  private JsonNode value(Node node, String path, int depth, int keyLine, boolean inList) {
    if (isExplicitlyTagged(node)) {
      throw unsupportedTag(node, path);
    }
    if (node instanceof MappingNode mapping) {
      requireTag(node, Tag.MAP, path);
      countAlias(node, keyLine);
      return mapping(mapping, path, depth, inList);
    }
    if (node instanceof SequenceNode sequence) {
      requireTag(node, Tag.SEQ, path);
      countAlias(node, keyLine);
      count(node, depth, keyLine);
      ArrayNode array = NODES.arrayNode();
      for (Node item : sequence.getValue()) {
        array.add(value(item, path + "[]", depth + 1, keyLine, true));
      }
      return array;
    }
    count(node, depth, keyLine);
    return scalar((ScalarNode) node, path);
  }

  /** A collection met a second time is an alias to it: bounded, so expansion cannot explode. */
  private void countAlias(Node node, int keyLine) {
    if (!visited.add(node) && ++aliases > limits.maxAliases()) {
      throw refuse(
          keyLine,
          null,
          "too many aliases (more than "
              + limits.maxAliases()
              + "); anchors and aliases are bounded",
          "aliases");
    }
  }

  private void count(Node node, int depth, int keyLine) {
    if (depth > limits.maxDepth()) {
      throw refuse(
          StrictYamlReader.line(node),
          null,
          "nesting is deeper than " + limits.maxDepth() + " levels",
          "depth");
    }
    if (++nodes > limits.maxNodes()) {
      throw refuse(
          keyLine,
          null,
          "file expands to more than " + limits.maxNodes() + " values (through aliases?)",
          "size");
    }
  }

  private boolean isExplicitlyTagged(Node node) {
    return node.getStartMark() != null && explicitlyTagged.contains(node.getStartMark().getIndex());
  }

  private void requireTag(Node node, Tag expected, String path) {
    if (!node.getTag().equals(expected)) {
      throw unsupportedTag(node, path);
    }
  }

  private GitconfException.Parse unsupportedTag(Node node, String path) {
    return refuse(
        StrictYamlReader.line(node),
        path,
        "unsupported tag " + node.getTag().getValue() + " (only !delete is allowed)",
        "tag");
  }

  /** Tags here were resolved from plain text by the YAML 1.2 core schema, never written. */
  private JsonNode scalar(ScalarNode node, String path) {
    String text = node.getValue();
    Tag tag = node.getTag();
    if (tag.equals(Tag.STR)) {
      int bad = YamlText.firstDisallowed(text);
      if (bad >= 0) {
        throw refuse(
            StrictYamlReader.line(node), path, disallowed(text, bad, "values"), "character");
      }
      return NODES.textNode(text);
    }
    if (tag.equals(Tag.NULL)) {
      return NODES.nullNode();
    }
    if (tag.equals(Tag.BOOL)) {
      return NODES.booleanNode(Boolean.parseBoolean(text.toLowerCase(Locale.ROOT)));
    }
    if (tag.equals(Tag.INT)) {
      requireShortNumber(node, text, path);
      BigInteger value = parseInteger(text);
      return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }
    if (tag.equals(Tag.FLOAT)) {
      requireShortNumber(node, text, path);
      return NODES.numberNode(finiteDouble(node, text, path));
    }
    throw unsupportedTag(node, path);
  }

  private void requireShortNumber(ScalarNode node, String text, String path) {
    if (text.length() > MAX_NUMBER_CHARS) {
      throw refuse(
          StrictYamlReader.line(node),
          path,
          "number is "
              + text.length()
              + " characters long, longer than the limit of "
              + MAX_NUMBER_CHARS,
          "number");
    }
  }

  /**
   * The double a decimal literal stands for, refusing what a double cannot hold as written:
   * infinities and NaN, numbers beyond its range (which become infinite), numbers so close to zero
   * that they become 0, and more significant digits than it keeps. Integers are read exactly
   * instead, as long or big integers, and left to the schema's bounds.
   */
  private double finiteDouble(ScalarNode node, String text, String path) {
    int line = StrictYamlReader.line(node);
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("inf") || lower.contains("nan")) {
      throw refuse(line, path, "must be a finite number", "number");
    }
    BigDecimal exact;
    try {
      exact = new BigDecimal(text);
    } catch (NumberFormatException e) {
      // Only an exponent beyond the range of an int gets here: the resolver matched the form.
      throw refuse(line, path, "must be a finite number: its exponent is out of range", "number");
    }
    double value = exact.doubleValue();
    if (Double.isInfinite(value)) {
      throw refuse(
          line,
          path,
          "must be a finite number: it is beyond the range of a double (about 1.8e308)",
          "number");
    }
    if (value == 0 && exact.signum() != 0) {
      throw refuse(
          line, path, "is too close to zero for a double, which would read it as 0", "number");
    }
    BigDecimal written = exact.stripTrailingZeros();
    BigDecimal held =
        new BigDecimal(value).round(new MathContext(written.precision(), RoundingMode.HALF_EVEN));
    if (held.compareTo(written) != 0) {
      throw refuse(
          line,
          path,
          "has more significant digits than a double holds (about 15), so it would not be read"
              + " as written",
          "number");
    }
    return value;
  }

  private static BigInteger parseInteger(String text) {
    if (text.startsWith("0x")) {
      return new BigInteger(text.substring(2), 16);
    }
    if (text.startsWith("0o")) {
      return new BigInteger(text.substring(2), 8);
    }
    return new BigInteger(text.startsWith("+") ? text.substring(1) : text);
  }

  private static boolean isPlainKeyTag(ScalarNode key) {
    Tag tag = key.getTag();
    return tag.equals(Tag.STR)
        || tag.equals(Tag.INT)
        || tag.equals(Tag.BOOL)
        || tag.equals(Tag.FLOAT);
  }

  private static String disallowed(String text, int index, String where) {
    return "character "
        + YamlText.codePoint(text.codePointAt(index))
        + " is not allowed in "
        + where
        + " (a control character or an unpaired surrogate, written as an escape?)";
  }

  /** A refusal at a line, naming the path (relative to the file) when there is one. */
  private GitconfException.Parse refuse(int line, String relative, String message, String rule) {
    return StrictYamlReader.parse(
        file, line, relative == null ? "" : configPath(relative), message, rule);
  }
}
