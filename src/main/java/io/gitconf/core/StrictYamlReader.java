package io.gitconf.core;

import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads one configuration file strictly: UTF-8 only, no tabs in indentation, no characters YAML
 * does not allow, no duplicate or dotted keys, bounded size, depth and alias expansion, YAML 1.2
 * core scalars, finite numbers that a double or an integer holds exactly, and no tag but {@code
 * !delete}. Every refusal is a {@link GitconfException.Parse} naming file and line (and the path,
 * once the parser has got that far). Messages never quote file content, which may hold secrets.
 *
 * <p>Thread-safe: each call builds its own parser.
 */
final class StrictYamlReader {
  static final String DELETE_TAG = "!delete";

  private final YamlLimits limits;

  StrictYamlReader(YamlLimits limits) {
    this.limits = limits;
  }

  /** Reads a file whose top level must be a mapping. */
  ParsedFile readMapping(String file, byte[] bytes) {
    if (bytes.length > limits.maxFileBytes()) {
      throw tooLarge(
          file,
          bytes.length,
          limits.maxFileBytes(),
          YamlText.lineAtByte(bytes, limits.maxFileBytes()));
    }
    String text = YamlText.decodeUtf8(file, bytes);
    YamlText.rejectTabIndentation(file, text);
    YamlText.rejectDisallowedCharacters(file, text);
    Composed composed = compose(file, text);
    Node root = composed.root();
    if (root == null) {
      throw parse(file, 1, "file is empty; remove it or give it at least one key", "empty-file");
    }
    if (!(root instanceof MappingNode mapping)) {
      throw parse(file, line(root), "the top level must be a mapping of keys to values", "type");
    }
    YamlConverter converter =
        new YamlConverter(file, categoryOf(file), limits, composed.explicitlyTagged());
    ParsedFile parsed = converter.convert(mapping);
    if (parsed.content().isEmpty() && parsed.deletes().isEmpty()) {
      throw parse(file, line(root), "file has no keys; remove it or add some", "empty-file");
    }
    return parsed;
  }

  /**
   * The refusal of a file larger than the limit, at the line where it passes the limit: the same
   * words whether the reader or the tree (which does not read such a file whole) finds it.
   */
  static GitconfException.Parse tooLarge(String file, long size, int maxBytes, int line) {
    return parse(
        file,
        line,
        "file is "
            + size
            + " bytes, larger than the limit of "
            + maxBytes
            + "; it passes the limit on this line",
        "file-size");
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

  /** The composed node graph and where the file wrote a tag explicitly. */
  private record Composed(Node root, Set<Integer> explicitlyTagged) {}

  private Composed compose(String file, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    // Aliases are counted (with the line of the key that uses them) while converting; this is a
    // backstop.
    options.setMaxAliasesForCollections(Math.max(limits.maxAliases() * 20, 1000));
    options.setNestingDepthLimit(limits.maxDepth());
    options.setCodePointLimit(Math.max(limits.maxFileBytes(), 1));
    options.setAllowRecursiveKeys(false);
    options.setProcessComments(false);
    TrackingParser parser = new TrackingParser(new ParserImpl(new StreamReader(text), options));
    try {
      Node root = new Composer(parser, new CoreSchemaResolver(), options).getSingleNode();
      return new Composed(root, Collections.unmodifiableSet(parser.explicitlyTagged));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      Refusal refusal = refusal(e.getProblem() != null ? e.getProblem() : "invalid YAML");
      throw parse(
          file,
          mark != null ? mark.getLine() + 1 : parser.line(),
          refusal.message(),
          refusal.rule());
    } catch (ReaderException e) {
      // The position counts code points from the start of the text.
      int index =
          text.offsetByCodePoints(
              0, Math.min(e.getPosition(), text.codePointCount(0, text.length())));
      throw parse(
          file,
          YamlText.lineOf(text, index),
          "character " + YamlText.codePoint(e.getCodePoint()) + " is not allowed in a YAML file",
          "character");
    } catch (YAMLException e) {
      // SnakeYAML's own limits carry no position: the event it was reading when it stopped has one.
      Refusal refusal = refusal(String.valueOf(e.getMessage()));
      throw parse(file, parser.line(), refusal.message(), refusal.rule());
    }
  }

  private record Refusal(String message, String rule) {}

  /** SnakeYAML's own wording, reduced to its first line so no file content is echoed. */
  private Refusal refusal(String problem) {
    String first = problem.lines().findFirst().orElse("invalid YAML").trim();
    if (first.startsWith("Number of aliases")) {
      return new Refusal(
          "too many aliases (more than the limit); anchors and aliases are bounded", "aliases");
    }
    if (first.startsWith("Nesting Depth exceeded")) {
      return new Refusal("nesting is deeper than " + limits.maxDepth() + " levels", "depth");
    }
    if (first.startsWith("Recursive key")) {
      return new Refusal("a key refers to the map that holds it (recursive alias)", "aliases");
    }
    if (first.startsWith("The incoming YAML document exceeds the limit")) {
      return new Refusal(
          "file is larger than the limit of " + limits.maxFileBytes() + " characters", "file-size");
    }
    if (first.startsWith("expected a single document")
        || first.contains("found another document")) {
      return new Refusal("a configuration file holds a single YAML document", "documents");
    }
    return new Refusal(first, "yaml-syntax");
  }

  static GitconfException.Parse parse(String file, int line, String message, String rule) {
    return parse(file, line, "", message, rule);
  }

  static GitconfException.Parse parse(
      String file, int line, String path, String message, String rule) {
    return new GitconfException.Parse(Problem.error(Origin.of(file, line), path, message, rule));
  }

  static int line(Node node) {
    return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
  }

  /**
   * Passes SnakeYAML's parser through, remembering the line of the last event handed out and which
   * nodes the file tagged explicitly ({@code !!str 5}): a composed node does not say whether its
   * tag was written or resolved, and only {@code !delete} may be written.
   *
   * <p>Not thread-safe: one per file read.
   */
  private static final class TrackingParser implements Parser {
    private final Parser parser;
    private final Set<Integer> explicitlyTagged = new HashSet<>();
    private Mark last;

    TrackingParser(Parser parser) {
      this.parser = parser;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
      return parser.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
      return noted(parser.peekEvent());
    }

    @Override
    public Event getEvent() {
      return noted(parser.getEvent());
    }

    private Event noted(Event event) {
      if (event == null || event.getStartMark() == null) {
        return event;
      }
      last = event.getStartMark();
      String tag =
          event instanceof ScalarEvent scalar
              ? scalar.getTag()
              : event instanceof CollectionStartEvent collection ? collection.getTag() : null;
      // "!" is the non-specific tag: the node is resolved as if untagged.
      if (tag != null && !tag.equals("!")) {
        explicitlyTagged.add(last.getIndex());
      }
      return event;
    }

    /** The line of the last event read, 1 before any. */
    int line() {
      return last == null ? 1 : last.getLine() + 1;
    }
  }
}
