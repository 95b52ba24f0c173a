package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.crypto.EncryptionKeys;
import io.gitconf.core.crypto.SecretRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A config repository loaded from one {@link RepoTree}: its manifest and the resolved snapshot of
 * every environment, together with every problem found while reading and merging files. Loading
 * never stops at the first problem; schema validation is separate ({@link ConfigSchemaValidator},
 * or {@link #validate()} for both).
 *
 * <p>Immutable and thread-safe once loaded.
 */
public final class ConfigRepository {
  static final String BASE_DIR = "base/";
  static final String ENVIRONMENTS_DIR = "environments/";
  static final String SCHEMAS_DIR = "schemas/";

  private final RepoTree tree;
  private final Optional<Manifest> manifest;
  private final Map<String, ConfigSnapshot> snapshots;
  private final List<Problem> problems;
  private final Optional<SchemaSet> schemas;
  private volatile ConfigSchemaValidator validator;

  private ConfigRepository(
      RepoTree tree,
      Optional<Manifest> manifest,
      Map<String, ConfigSnapshot> snapshots,
      List<Problem> problems) {
    this.tree = tree;
    this.manifest = manifest;
    this.schemas = manifest.map(m -> SchemaSet.forManifest(m, tree));
    this.snapshots = Collections.unmodifiableMap(snapshots);
    this.problems = List.copyOf(problems);
  }

  public static ConfigRepository load(RepoTree tree) {
    return load(tree, YamlLimits.defaults());
  }

  public static ConfigRepository load(RepoTree tree, YamlLimits limits) {
    return new Loader(tree, limits).load();
  }

  public RepoTree tree() {
    return tree;
  }

  /** The manifest, unless {@code gitconf.yaml} is missing or broken (see {@link #problems()}). */
  public Optional<Manifest> manifest() {
    return manifest;
  }

  /**
   * The manifest, or a {@link GitconfException.ValidationFailed} with the reasons it could not be
   * read.
   */
  public Manifest requireManifest() {
    return manifest.orElseThrow(
        () -> new GitconfException.ValidationFailed(tree.describe(), problems));
  }

  /** The schemas the manifest names, read when the repository was loaded. */
  public SchemaSet schemas() {
    requireManifest();
    return schemas.orElseThrow();
  }

  /** The validator for this repository's schemas, built once. */
  public ConfigSchemaValidator validator() {
    ConfigSchemaValidator current = validator;
    if (current == null) {
      current = ConfigSchemaValidator.of(schemas());
      validator = current;
    }
    return current;
  }

  /**
   * Resolved snapshots by environment, in manifest order. Present even when problems were found.
   */
  public Map<String, ConfigSnapshot> snapshots() {
    return snapshots;
  }

  /**
   * The snapshot of one environment; a clear error for an environment the manifest does not
   * declare.
   */
  public ConfigSnapshot snapshot(String environment) {
    requireManifest().requireEnvironment(environment);
    return snapshots.get(environment);
  }

  /**
   * Problems found while reading and merging (YAML, layout, manifest, {@code !delete}); schema
   * checks not included.
   */
  public List<Problem> problems() {
    return problems;
  }

  /**
   * Loading problems plus schema and cross-field validation of every environment, de-duplicated, in
   * reading order.
   */
  public List<Problem> validate() {
    return validate(List.copyOf(snapshots.keySet()));
  }

  /**
   * As {@link #validate()}, for the given environments only (loading problems are always included).
   * A problem found in some of the environments but reported at a shared file (base, an ancestor's
   * overlay) names those environments, since the file alone does not say where it breaks.
   */
  public List<Problem> validate(List<String> environments) {
    return validate(environments, EncryptionKeys.none());
  }

  /**
   * As {@link #validate(List)}; with keys, every encrypted value they can open is also proven to
   * decrypt. Without keys, secrets are checked for format and scope only.
   */
  public List<Problem> validate(List<String> environments, EncryptionKeys keys) {
    Set<Problem> all = new LinkedHashSet<>(problems);
    manifest.ifPresent(
        m -> {
          all.addAll(validator().schemaProblems());
          Map<Problem, List<String>> found = new LinkedHashMap<>();
          for (String env : environments) {
            List<Problem> envProblems = new ArrayList<>(validator().validate(snapshot(env)));
            envProblems.addAll(SecretRules.check(snapshot(env), schemas(), keys));
            for (Problem problem : envProblems) {
              found.computeIfAbsent(problem, p -> new ArrayList<>()).add(env);
            }
          }
          found.forEach((problem, envs) -> all.add(scoped(problem, envs, environments)));
        });
    List<Problem> sorted = new ArrayList<>(all);
    sorted.sort(Problem.READING_ORDER);
    return sorted;
  }

  private static Problem scoped(Problem problem, List<String> found, List<String> validated) {
    String file = problem.origin().map(Origin::file).orElse("");
    boolean inOwnOverlay =
        found.stream().anyMatch(env -> file.startsWith(ENVIRONMENTS_DIR + env + "/"));
    if (found.size() == validated.size() || inOwnOverlay) {
      return problem;
    }
    String where =
        (found.size() == 1 ? "in environment " : "in environments ") + String.join(", ", found);
    return new Problem(
        problem.severity(),
        problem.origin(),
        problem.path(),
        problem.message() + " (" + where + ")",
        problem.rule());
  }

  /** Reads the files of a tree and merges them environment by environment. */
  private static final class Loader {
    private final RepoTree tree;
    private final YamlLimits limits;
    private final StrictYamlReader reader;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, ParsedFile> parsed = new HashMap<>();
    private final Set<String> files;

    Loader(RepoTree tree, YamlLimits limits) {
      this.tree = tree;
      this.files = new java.util.HashSet<>(tree.files());
      this.limits = limits;
      this.reader = new StrictYamlReader(limits);
    }

    ConfigRepository load() {
      Optional<ParsedFile> manifestFile = parse(Manifest.FILE);
      if (manifestFile.isEmpty()) {
        if (!files.contains(Manifest.FILE)) {
          problems.add(
              Problem.error(
                  Origin.file(Manifest.FILE),
                  "",
                  "missing: every config repository has a manifest (run gitconf init to start one)",
                  "manifest"));
        }
        return new ConfigRepository(tree, Optional.empty(), Map.of(), problems);
      }
      Optional<Manifest> manifest = new ManifestReader(problems).read(manifestFile.get());
      if (manifest.isEmpty()) {
        return new ConfigRepository(tree, Optional.empty(), Map.of(), problems);
      }
      problems.addAll(
          RepositoryLayout.check(manifest.get(), tree.files())); // sorted: a stable report
      Map<String, ConfigSnapshot> snapshots = new LinkedHashMap<>();
      Set<Problem> mergeProblems = new LinkedHashSet<>();
      for (String env : manifest.get().environmentNames()) {
        snapshots.put(env, resolve(manifest.get(), env, mergeProblems));
      }
      problems.addAll(mergeProblems);
      problems.sort(Problem.READING_ORDER);
      return new ConfigRepository(tree, manifest, snapshots, problems);
    }

    private ConfigSnapshot resolve(Manifest manifest, String env, Set<Problem> mergeProblems) {
      ObjectNode root = Json.MAPPER.createObjectNode();
      Map<String, List<ConfigSnapshot.Layer>> provenance = new HashMap<>();
      List<String> files = new ArrayList<>();
      for (String category : manifest.categories().keySet()) {
        files.clear();
        files.add(baseFile(category));
        for (String layer : manifest.chain(env)) {
          files.add(ENVIRONMENTS_DIR + layer + "/" + category + ".yaml");
        }
        ObjectNode categoryRoot = root.putObject(category);
        for (String file : files) {
          Optional<ParsedFile> layer = parse(file);
          if (layer.isPresent()) {
            new Merge(category, layer.get(), provenance, mergeProblems).apply(categoryRoot);
          }
        }
      }
      return new ConfigSnapshot(env, root, provenance);
    }

    private static String baseFile(String category) {
      return BASE_DIR + category + ".yaml";
    }

    /**
     * Parses a file once; empty if it does not exist or could not be read (the problem is
     * recorded).
     */
    private Optional<ParsedFile> parse(String file) {
      if (parsed.containsKey(file)) {
        return Optional.ofNullable(parsed.get(file));
      }
      ParsedFile result = null;
      try {
        Optional<byte[]> bytes = tree.read(file, limits.maxFileBytes());
        if (bytes.isPresent()) {
          result = reader.readMapping(file, bytes.get());
        } else if (files.contains(file)) {
          // Read as absent, the file would turn into misleading problems (a missing base file,
          // missing required keys) about a repository that merely changed under the reader.
          throw new GitconfException.Unavailable(
              file
                  + ": cannot read ("
                  + tree.describe()
                  + "): it was removed or renamed while the repository was being read");
        }
      } catch (GitconfException.Parse e) {
        problems.add(e.problem());
      }
      parsed.put(file, result);
      return Optional.ofNullable(result);
    }
  }

  /**
   * Applies one layer (file) to a category's tree: maps merge, scalars and lists replace, !delete
   * removes.
   */
  private static final class Merge {
    private final String category;
    private final ParsedFile layer;
    private final Map<String, List<ConfigSnapshot.Layer>> provenance;
    private final Set<Problem> problems;

    Merge(
        String category,
        ParsedFile layer,
        Map<String, List<ConfigSnapshot.Layer>> provenance,
        Set<Problem> problems) {
      this.category = category;
      this.layer = layer;
      this.provenance = provenance;
      this.problems = problems;
    }

    void apply(ObjectNode target) {
      merge(target, layer.content(), "");
      for (Map.Entry<String, Integer> delete : layer.deletes().entrySet()) {
        delete(target, delete.getKey(), delete.getValue());
      }
    }

    private void merge(ObjectNode target, ObjectNode source, String prefix) {
      for (Iterator<Map.Entry<String, JsonNode>> it = source.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String relative = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
        JsonNode existing = target.get(field.getKey());
        JsonNode incoming = field.getValue();
        record(relative, ConfigSnapshot.Layer.Action.SET, incoming);
        if (existing instanceof ObjectNode existingMap
            && incoming instanceof ObjectNode incomingMap) {
          merge(existingMap, incomingMap, relative);
        } else {
          target.set(field.getKey(), incoming.deepCopy());
          if (incoming instanceof ObjectNode incomingMap) {
            recordAll(incomingMap, relative);
          }
        }
      }
    }

    private void recordAll(ObjectNode node, String prefix) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String relative = prefix + "." + field.getKey();
        record(relative, ConfigSnapshot.Layer.Action.SET, field.getValue());
        if (field.getValue() instanceof ObjectNode child) {
          recordAll(child, relative);
        }
      }
    }

    private void delete(ObjectNode target, String relative, int line) {
      String[] keys = relative.split("\\.");
      JsonNode parent = target;
      for (int i = 0; i < keys.length - 1 && parent != null; i++) {
        parent = parent.get(keys[i]);
      }
      String path = category + "." + relative;
      if (!(parent instanceof ObjectNode parentMap) || !parentMap.has(keys[keys.length - 1])) {
        problems.add(
            Problem.error(
                Origin.of(layer.file(), line),
                path,
                "!delete removes nothing: no earlier layer sets this key",
                "delete"));
        return;
      }
      JsonNode removed = parentMap.remove(keys[keys.length - 1]);
      record(relative, ConfigSnapshot.Layer.Action.DELETE, null);
      if (removed instanceof ObjectNode removedMap) {
        recordDeleted(removedMap, relative, line);
      }
    }

    /**
     * Deleting a map deletes every key below it: their provenance ends at the same {@code !delete},
     * so explaining one of them does not show an inherited value as if it were still there.
     */
    private void recordDeleted(ObjectNode node, String prefix, int line) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String relative = prefix + "." + field.getKey();
        provenance
            .computeIfAbsent(category + "." + relative, k -> new ArrayList<>(2))
            .add(
                new ConfigSnapshot.Layer(
                    Origin.of(layer.file(), line),
                    ConfigSnapshot.Layer.Action.DELETE,
                    Optional.empty()));
        if (field.getValue() instanceof ObjectNode child) {
          recordDeleted(child, relative, line);
        }
      }
    }

    private void record(String relative, ConfigSnapshot.Layer.Action action, JsonNode value) {
      Map<String, Integer> lines =
          action == ConfigSnapshot.Layer.Action.DELETE ? layer.deletes() : layer.lines();
      Origin origin = Origin.of(layer.file(), lines.getOrDefault(relative, 0));
      provenance
          .computeIfAbsent(category + "." + relative, k -> new ArrayList<>(2))
          .add(
              new ConfigSnapshot.Layer(
                  origin,
                  action,
                  value == null || value.isObject()
                      ? Optional.empty()
                      : Optional.of(value.deepCopy())));
    }
  }
}
