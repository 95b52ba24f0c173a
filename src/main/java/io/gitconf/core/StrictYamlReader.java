package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads one configuration file strictly: UTF-8 only, no tabs in indentation, no duplicate or dotted
 * keys, bounded size, depth and alias expansion, YAML 1.2 core scalars, and only the {@code
 * !delete} tag. Every refusal is a {@link GitconfException.Parse} naming file and line. Messages
 * never quote file content, which may hold secrets.
 *
 * <p>Thread-safe: each call builds its own parser.
 */
final class StrictYamlReader {
  static final String DELETE_TAG = "!delete";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final YamlLimits limits;

  StrictYamlReader(YamlLimits limits) {
    this.limits = limits;
  }

  /** Reads a file whose top level must be a mapping. */
  ParsedFile readMapping(String file, byte[] bytes) {
    if (bytes.length > limits.maxFileBytes()) {
      throw parse(
          file,
          0,
          "file is " + bytes.length + " bytes, larger than the limit of " + limits.maxFileBytes(),
          "file-size");
    }
    String text = decodeUtf8(file, bytes);
    rejectTabIndentation(file, text);
    Node root = compose(file, text);
    if (root == null) {
      throw parse(file, 0, "file is empty; remove it or give it at least one key", "empty-file");
    }
    if (!(root instanceof MappingNode mapping)) {
      throw parse(file, line(root), "the top level must be a mapping of keys to values", "type");
    }
    Converter converter = new Converter(file, categoryOf(file));
    ObjectNode content = converter.mapping(mapping, "", 1);
    if (content.isEmpty() && converter.deletes.isEmpty()) {
      throw parse(file, line(root), "file has no keys; remove it or add some", "empty-file");
    }
    // The converter's maps are not shared: wrapping them costs nothing, copying 10,000 keys does.
    return new ParsedFile(
        file,
        content,
        Collections.unmodifiableMap(converter.lines),
        Collections.unmodifiableMap(converter.deletes));
  }

  /**
   * The category whose keys a file holds ({@code risk} for {@code environments/prod/risk.yaml}), so
   * problems name full configuration paths; empty for other files, whose top-level keys are paths
   * already (an import file) or not configuration (the manifest).
   */
  static String categoryOf(String file) {
    boolean layer =
        file.startsWith(ConfigRepository.BASE_DIR)
            || file.startsWith(ConfigRepository.ENVIRONMENTS_DIR);
    if (!layer || !file.endsWith(".yaml")) {
      return "";
    }
    String name = file.substring(file.lastIndexOf('/') + 1);
    return name.substring(0, name.length() - ".yaml".length());
  }

  private static String decodeUtf8(String file, byte[] bytes) {
    int start = hasBom(bytes) ? 3 : 0;
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, start, bytes.length - start))
          .toString();
    } catch (CharacterCodingException e) {
      throw parse(file, firstBadUtf8Line(bytes), "file is not valid UTF-8", "encoding");
    }
  }

  private static boolean hasBom(byte[] bytes) {
    return bytes.length >= 3
        && (bytes[0] & 0xff) == 0xef
        && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf;
  }

  /** The line holding the first byte sequence that is not UTF-8, found by decoding line by line. */
  private static int firstBadUtf8Line(byte[] bytes) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        try {
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, lineStart, i - lineStart));
        } catch (CharacterCodingException e) {
          return line;
        }
        line++;
        lineStart = i + 1;
      }
    }
    return 0;
  }

  private static void rejectTabIndentation(String file, String text) {
    int line = 1;
    boolean atIndent = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        atIndent = true;
      } else if (c == '\t' && atIndent) {
        throw parse(
            file, line, "tab character in indentation; YAML indentation must use spaces", "tab");
      } else if (c != ' ') {
        atIndent = false;
      }
    }
  }

  private Node compose(String file, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    // Aliases are counted (with the line of the key that uses them) while converting; this is a
    // backstop.
    options.setMaxAliasesForCollections(Math.max(limits.maxAliases() * 20, 1000));
    options.setNestingDepthLimit(limits.maxDepth());
    options.setCodePointLimit(Math.max(limits.maxFileBytes(), 1));
    options.setAllowRecursiveKeys(false);
    options.setProcessComments(false);
    DumperOptions dumper = new DumperOptions();
    Yaml yaml =
        new Yaml(
            new SafeConstructor(options),
            new Representer(dumper),
            dumper,
            options,
            new CoreSchemaResolver());
    try {
      return yaml.compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : "invalid YAML";
      return throwParse(
          file, mark == null ? 0 : mark.getLine() + 1, yamlProblem(problem), "yaml-syntax");
    } catch (YAMLException e) {
      return throwParse(file, 0, yamlProblem(String.valueOf(e.getMessage())), "yaml-syntax");
    }
  }

  /** SnakeYAML's own wording, reduced to its first line so no file content is echoed. */
  private static String yamlProblem(String problem) {
    String first = problem.lines().findFirst().orElse("invalid YAML").trim();
    if (first.startsWith("Number of aliases")) {
      return "too many aliases (more than the limit); anchors and aliases are bounded";
    }
    if (first.startsWith("Nesting Depth exceeded")) {
      return "nesting is deeper than the limit";
    }
    if (first.startsWith("expected a single document")
        || first.contains("found another document")) {
      return "a configuration file holds a single YAML document";
    }
    return first;
  }

  private static <T> T throwParse(String file, int line, String message, String rule) {
    throw parse(file, line, message, rule);
  }

  static GitconfException.Parse parse(String file, int line, String message, String rule) {
    return parse(file, line, "", message, rule);
  }

  static GitconfException.Parse parse(
      String file, int line, String path, String message, String rule) {
    return new GitconfException.Parse(Problem.error(Origin.of(file, line), path, message, rule));
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  /** Turns a composed node graph into Jackson nodes, expanding aliases under a node budget. */
  private final class Converter {
    private final String file;
    private final String category;
    private final Map<String, Integer> lines = new LinkedHashMap<>();
    private final Map<String, Integer> deletes = new LinkedHashMap<>();
    private final Set<Node> visited = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private int nodes;
    private int aliases;

    Converter(String file, String category) {
      this.file = file;
      this.category = category;
    }

    /** The configuration path of a file-relative path: the category in front, when known. */
    private String configPath(String relative) {
      if (category.isEmpty()) {
        return relative;
      }
      return relative.isEmpty() ? category : category + "." + relative;
    }

    ObjectNode mapping(MappingNode node, String prefix, int depth) {
      return mapping(node, prefix, depth, false);
    }

    /**
     * List elements ({@code inList}) carry no per-key provenance, and {@code !delete} has no
     * meaning there.
     */
    private ObjectNode mapping(MappingNode node, String prefix, int depth, boolean inList) {
      count(node, depth, line(node));
      ObjectNode object = NODES.objectNode();
      Map<String, Integer> seen = new HashMap<>();
      for (NodeTuple tuple : node.getValue()) {
        Node keyNode = tuple.getKeyNode();
        if (!(keyNode instanceof ScalarNode scalarKey) || !isPlainKeyTag(scalarKey)) {
          throw parse(file, line(keyNode), configPath(prefix), "keys must be plain text", "key");
        }
        String key = scalarKey.getValue();
        String path = prefix.isEmpty() ? key : prefix + "." + key;
        int keyLine = line(keyNode);
        if (key.isEmpty()) {
          throw parse(file, keyLine, configPath(prefix), "empty key", "key");
        }
        if ("<<".equals(key)) {
          throw parse(
              file,
              keyLine,
              configPath(prefix),
              "merge keys (<<) are not supported; use environment overlays",
              "merge-key");
        }
        if (key.indexOf('.') >= 0) {
          throw parse(
              file,
              keyLine,
              configPath(prefix),
              "key '" + key + "' contains a dot; nest the keys as maps instead",
              "dotted-key");
        }
        Integer previous = seen.putIfAbsent(key, keyLine);
        if (previous != null) {
          throw parse(
              file,
              keyLine,
              configPath(path),
              "duplicate key (first defined at line " + previous + ")",
              "duplicate-key");
        }
        Node valueNode = tuple.getValueNode();
        if (DELETE_TAG.equals(valueNode.getTag().getValue())) {
          if (inList) {
            throw parse(
                file, keyLine, configPath(path), "!delete is not allowed inside lists", "delete");
          }
          if (!(valueNode instanceof ScalarNode deleted) || !deleted.getValue().isEmpty()) {
            throw parse(
                file, line(valueNode), configPath(path), "!delete takes no value", "delete");
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
        throw parse(
            file,
            keyLine,
            "too many aliases (more than "
                + limits.maxAliases()
                + "); anchors and aliases are bounded",
            "aliases");
      }
    }

    private void count(Node node, int depth, int keyLine) {
      if (depth > limits.maxDepth()) {
        throw parse(
            file, line(node), "nesting is deeper than " + limits.maxDepth() + " levels", "depth");
      }
      if (++nodes > limits.maxNodes()) {
        throw parse(
            file,
            keyLine,
            "file expands to more than " + limits.maxNodes() + " values (through aliases?)",
            "size");
      }
    }

    private void requireTag(Node node, Tag expected, String path) {
      if (!node.getTag().equals(expected)) {
        throw unsupportedTag(node, path);
      }
    }

    private GitconfException.Parse unsupportedTag(Node node, String path) {
      return parse(
          file,
          line(node),
          configPath(path),
          "unsupported tag " + node.getTag().getValue() + " (only !delete is allowed)",
          "tag");
    }

    private JsonNode scalar(ScalarNode node, String path) {
      String text = node.getValue();
      Tag tag = node.getTag();
      if (tag.equals(Tag.STR)) {
        return NODES.textNode(text);
      }
      if (tag.equals(Tag.NULL)) {
        return NODES.nullNode();
      }
      if (tag.equals(Tag.BOOL)) {
        return NODES.booleanNode(Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT)));
      }
      if (tag.equals(Tag.INT)) {
        BigInteger value = parseInteger(text);
        return value.bitLength() < 64
            ? NODES.numberNode(value.longValue())
            : NODES.numberNode(value);
      }
      if (tag.equals(Tag.FLOAT)) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("inf") || lower.contains("nan")) {
          throw parse(file, line(node), configPath(path), "must be a finite number", "number");
        }
        return NODES.numberNode(new BigDecimal(text).doubleValue());
      }
      throw unsupportedTag(node, path);
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
  }
}
