package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
      Optional<String> text;
      try {
        text = name.contains("/") ? local(tree, name) : builtin(name);
      } catch (GitconfException.Parse e) {
        // A schema file that is a symbolic link or too large: a problem like any other.
        problems.add(e.problem());
        continue;
      }
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
      throw new GitconfException.Unavailable(
          "the schema " + name + " shipped with gitconf cannot be read: " + e.getMessage(), e);
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
      Optional<JsonNode> next = propertySchema(root, current, key);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      current = next.get();
    }
    return Optional.of(current);
  }

  /**
   * The schema of key {@code key} of an object whose schema is {@code map}: its {@code properties}
   * entry, else the first {@code patternProperties} entry whose pattern finds the key, else an
   * {@code additionalProperties} schema; local {@code $ref}s in {@code root} followed. Empty when
   * the schema says nothing about the key. Never throws on a schema that is not valid (a pattern
   * that does not compile matches nothing, a reference that does not resolve is not followed):
   * those are reported when the schema is compiled.
   */
  public static Optional<JsonNode> propertySchema(JsonNode root, JsonNode map, String key) {
    if (map == null || !map.isObject()) {
      return Optional.empty();
    }
    JsonNode next = map.path("properties").get(key);
    for (Iterator<Map.Entry<String, JsonNode>> it =
            map.path("patternProperties").properties().iterator();
        next == null && it.hasNext(); ) {
      Map.Entry<String, JsonNode> pattern = it.next();
      if (finds(pattern.getKey(), key)) {
        next = pattern.getValue();
      }
    }
    if (next == null) {
      next = map.get("additionalProperties");
    }
    return next != null && next.isObject() ? Optional.of(resolve(root, next)) : Optional.empty();
  }

  private static boolean finds(String pattern, String key) {
    try {
      return Pattern.compile(pattern).matcher(key).find();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /**
   * Follows local {@code $ref}s ({@code #/$defs/x}) within {@code root}, at most 16 of them, so a
   * cycle cannot loop; a reference that is remote or does not resolve is left as it is.
   */
  public static JsonNode resolve(JsonNode root, JsonNode node) {
    for (int hops = 0; root != null && hops < 16 && node.path("$ref").isTextual(); hops++) {
      String ref = node.get("$ref").asText();
      if (!ref.startsWith("#")) {
        return node;
      }
      JsonNode target;
      try {
        target = root.at(ref.substring(1));
      } catch (IllegalArgumentException e) {
        return node; // not a JSON pointer (an anchor such as #name, or a bad escape)
      }
      if (target.isMissingNode()) {
        return node;
      }
      node = target;
    }
    return node;
  }
}
