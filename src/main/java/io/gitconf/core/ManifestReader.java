package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks {@code gitconf.yaml}; reports every problem with its line. */
final class ManifestReader {
  static final Pattern ENVIRONMENT_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");
  static final Pattern CATEGORY_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,63}$");
  private static final String FILE = Manifest.FILE;

  private final List<Problem> problems;

  ManifestReader(List<Problem> problems) {
    this.problems = problems;
  }

  /** The manifest, or empty when it has errors (which are added to the problem list). */
  Optional<Manifest> read(ParsedFile parsed) {
    int before = problems.size();
    ObjectNode root = parsed.content();
    Map<String, Integer> lines = parsed.lines();
    onlyKeys(root, "", lines, Set.of("version", "environments", "categories"));
    JsonNode version = root.get("version");
    if (version == null) {
      error(lines, "version", "required key is missing (write version: 1)", "required");
    } else if (!version.isIntegralNumber() || !version.bigIntegerValue().equals(BigInteger.ONE)) {
      // Compared exactly: asInt() would read 4294967297 as 1.
      error(lines, "version", "must be 1, the only manifest version this gitconf reads", "const");
    }
    Map<String, Manifest.Environment> environments = environments(root.get("environments"), lines);
    Map<String, Manifest.Category> categories = categories(root.get("categories"), lines);
    Map<String, ReleasePolicy> releases = releases(root.get("environments"), lines);
    if (problems.size() > before) {
      return Optional.empty();
    }
    checkInheritance(environments, lines);
    return problems.size() > before
        ? Optional.empty()
        : Optional.of(new Manifest(environments, categories, releases));
  }

  private Map<String, Manifest.Environment> environments(
      JsonNode node, Map<String, Integer> lines) {
    Map<String, Manifest.Environment> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : required(node, "environments", "environment", lines)) {
      String name = entry.getKey();
      String path = "environments." + name;
      if (!ENVIRONMENT_NAME.matcher(name).matches() || name.equals("base")) {
        error(
            lines,
            path,
            "environment names are lower-case letters, digits and '-', and not 'base'",
            "pattern");
        continue;
      }
      JsonNode body = entry.getValue();
      if (body.isNull()) {
        result.put(name, new Manifest.Environment(name, Optional.empty(), ""));
        continue;
      }
      if (!body.isObject()) {
        error(lines, path, "must be a map (description, inherits)", "type");
        continue;
      }
      onlyKeys((ObjectNode) body, path, lines, Set.of("description", "inherits", "release"));
      Optional<String> inherits =
          Optional.ofNullable(body.get("inherits")).filter(n -> !n.isNull()).map(JsonNode::asText);
      String description = body.has("description") ? body.get("description").asText() : "";
      result.put(name, new Manifest.Environment(name, inherits, description));
    }
    return result;
  }

  /** The release policies of the environments that declare one. */
  private Map<String, ReleasePolicy> releases(JsonNode node, Map<String, Integer> lines) {
    Map<String, ReleasePolicy> result = new LinkedHashMap<>();
    if (node == null || !node.isObject()) {
      return result;
    }
    ReleasePolicyReader reader = new ReleasePolicyReader(FILE, problems, lines);
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode release = entry.getValue().get("release");
      if (entry.getValue().isObject() && release != null && !release.isNull()) {
        reader
            .read(release, "environments." + entry.getKey() + ".release")
            .ifPresent(policy -> result.put(entry.getKey(), policy));
      }
    }
    return result;
  }

  private Map<String, Manifest.Category> categories(JsonNode node, Map<String, Integer> lines) {
    Map<String, Manifest.Category> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : required(node, "categories", "category", lines)) {
      String name = entry.getKey();
      String path = "categories." + name;
      if (!CATEGORY_NAME.matcher(name).matches()) {
        error(lines, path, "category names are lower-case letters, digits and '-'", "pattern");
        continue;
      }
      JsonNode body = entry.getValue();
      if (!body.isObject()
          || !body.path("schema").isTextual()
          || body.path("schema").asText().isBlank()) {
        error(lines, path, "must name its schema (schema: " + name + ")", "required");
        continue;
      }
      onlyKeys((ObjectNode) body, path, lines, Set.of("schema"));
      result.put(name, new Manifest.Category(name, body.get("schema").asText()));
    }
    return result;
  }

  /**
   * The entries of {@code section}, a map that must have at least one {@code entry}; none, with an
   * error, when it is missing, empty or not a map.
   */
  private Set<Map.Entry<String, JsonNode>> required(
      JsonNode node, String section, String entry, Map<String, Integer> lines) {
    if (node == null || !node.isObject() || node.isEmpty()) {
      error(lines, section, "must be a map with at least one " + entry, "required");
      return Set.of();
    }
    return node.properties();
  }

  private void checkInheritance(
      Map<String, Manifest.Environment> environments, Map<String, Integer> lines) {
    for (Manifest.Environment env : environments.values()) {
      if (env.inherits().isPresent() && !environments.containsKey(env.inherits().get())) {
        String path = "environments." + env.name() + ".inherits";
        error(lines, path, "unknown parent environment '" + env.inherits().get() + "'", "inherits");
      }
    }
    for (Manifest.Environment env : environments.values()) {
      Set<String> seen = new HashSet<>();
      StringBuilder chain = new StringBuilder(env.name());
      Optional<String> current = env.inherits();
      seen.add(env.name());
      while (current.isPresent() && environments.containsKey(current.get())) {
        chain.append(" -> ").append(current.get());
        if (!seen.add(current.get())) {
          if (current.get().equals(env.name())) {
            String path = "environments." + env.name() + ".inherits";
            error(lines, path, "inheritance cycle: " + chain, "inherits-cycle");
          }
          break;
        }
        current = environments.get(current.get()).inherits();
      }
    }
  }

  private void onlyKeys(
      ObjectNode node, String prefix, Map<String, Integer> lines, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        String path = prefix.isEmpty() ? key : prefix + "." + key;
        error(
            lines,
            path,
            "unknown key (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")",
            "additionalProperties");
      }
    }
  }

  /** An error at {@code path}, on its line in the manifest (the first line, if it has none). */
  private void error(Map<String, Integer> lines, String path, String message, String rule) {
    problems.add(Problem.error(Origin.of(FILE, lines.getOrDefault(path, 1)), path, message, rule));
  }
}
