package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The JSON Schema of each category of a repository, as the manifest names them: a schema shipped
 * with gitconf, or a file in the repository's {@code schemas/} folder. Also answers what the
 * schemas say about a concrete path ({@code x-secret}, {@code x-reload}). Immutable and
 * thread-safe.
 */
public final class SchemaSet {
  static final String BUILTIN_RESOURCE = "/gitconf/schemas/";
  public static final List<String> BUILTIN =
      List.of("trader", "risk", "mev", "tokens", "monitoring", "circuit-breaker");

  private final Map<String, JsonNode> schemas;
  private final List<Problem> problems;

  private SchemaSet(Map<String, JsonNode> schemas, List<Problem> problems) {
    this.schemas = Map.copyOf(schemas);
    this.problems = List.copyOf(problems);
  }

  /**
   * The schemas shipped with gitconf, by their category names (for readers of the mirror, which has
   * no manifest).
   */
  public static SchemaSet shipped() {
    return Shipped.SCHEMAS;
  }

  /** Parsed once: the shipped schemas never change while the JVM runs. */
  private static final class Shipped {
    static final SchemaSet SCHEMAS = load();

    private static SchemaSet load() {
      Map<String, JsonNode> schemas = new LinkedHashMap<>();
      for (String name : BUILTIN) {
        builtin(name).ifPresent(text -> schemas.put(name, Json.parse(name, text)));
      }
      return new SchemaSet(schemas, List.of());
    }
  }

  /**
   * The schemas of the given categories only: a mirror snapshot is validated against the categories
   * it holds, since the mirror keeps no manifest saying which ones are required.
   */
  public SchemaSet only(java.util.Collection<String> categories) {
    Map<String, JsonNode> kept = new LinkedHashMap<>(schemas);
    kept.keySet().retainAll(categories);
    return new SchemaSet(kept, problems);
  }

  /** No schemas: only values that look like ciphertext are treated as secret (as in the mirror). */
  public static SchemaSet none() {
    return new SchemaSet(Map.of(), List.of());
  }

  /**
   * Loads the schema of every category the manifest declares, reading repository-local ones from
   * the tree.
   */
  public static SchemaSet forManifest(Manifest manifest, RepoTree tree) {
    Map<String, JsonNode> schemas = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    for (Manifest.Category category : manifest.categories().values()) {
      String name = category.schema();
      Optional<String> text = name.contains("/") ? local(tree, name) : builtin(name);
      if (text.isEmpty()) {
        problems.add(
            Problem.error(
                Origin.file(Manifest.FILE),
                "categories." + category.name() + ".schema",
                "no schema '"
                    + name
                    + "' (shipped: "
                    + String.join(", ", BUILTIN)
                    + "; or a file such as schemas/"
                    + category.name()
                    + ".schema.json)",
                "schema"));
        continue;
      }
      try {
        schemas.put(category.name(), Json.parse(name, text.get()));
      } catch (GitconfException e) {
        problems.add(
            Problem.error(
                Origin.file(name.contains("/") ? name : Manifest.FILE),
                "",
                e.getMessage(),
                "schema"));
      }
    }
    return new SchemaSet(schemas, problems);
  }

  /** The schema shipped with gitconf under a name such as {@code risk}. */
  public static Optional<String> builtin(String name) {
    if (!name.matches("[a-z][a-z0-9-]*")) {
      return Optional.empty();
    }
    try (InputStream in =
        SchemaSet.class.getResourceAsStream(BUILTIN_RESOURCE + name + ".schema.json")) {
      return in == null
          ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<String> local(RepoTree tree, String path) {
    return tree.read(path, 4 * 1024 * 1024).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }

  /** Schemas by category. */
  public Map<String, JsonNode> schemas() {
    return schemas;
  }

  /** Problems loading schemas (missing or not JSON). */
  public List<Problem> problems() {
    return problems;
  }

  /** True when the schema marks the path {@code "x-secret": true}. */
  public boolean isSecret(ConfigPath path) {
    return schemaAt(path).map(s -> s.path("x-secret").asBoolean(false)).orElse(false);
  }

  /** True when the schema marks the path, or a map above it, {@code "x-reload": "restart"}. */
  public boolean requiresRestart(ConfigPath path) {
    for (ConfigPath p = path; ; p = p.parent().get()) {
      if (schemaAt(p).map(s -> "restart".equals(s.path("x-reload").asText())).orElse(false)) {
        return true;
      }
      if (p.parent().isEmpty()) {
        return false;
      }
    }
  }

  /**
   * The sub-schema that governs a concrete path, following {@code properties}, {@code
   * patternProperties}, {@code additionalProperties} and local {@code $ref}s.
   */
  public Optional<JsonNode> schemaAt(ConfigPath path) {
    JsonNode root = schemas.get(path.category());
    if (root == null) {
      return Optional.empty();
    }
    JsonNode current = resolve(root, root);
    for (String key : path.segments().subList(1, path.depth())) {
      JsonNode next = current.path("properties").get(key);
      if (next == null) {
        next = patternMatch(current.path("patternProperties"), key);
      }
      if (next == null && current.path("additionalProperties").isObject()) {
        next = current.get("additionalProperties");
      }
      if (next == null) {
        return Optional.empty();
      }
      current = resolve(root, next);
    }
    return Optional.of(current);
  }

  private static JsonNode patternMatch(JsonNode patterns, String key) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patterns.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (Pattern.compile(entry.getKey()).matcher(key).find()) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static JsonNode resolve(JsonNode root, JsonNode node) {
    for (int hops = 0; hops < 16 && node.path("$ref").isTextual(); hops++) {
      String ref = node.get("$ref").asText();
      if (!ref.startsWith("#")) {
        return node;
      }
      JsonNode target = root.at(ref.substring(1));
      if (target.isMissingNode()) {
        return node;
      }
      node = target;
    }
    return node;
  }
}
