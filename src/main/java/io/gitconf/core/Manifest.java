package io.gitconf.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manifest {@code gitconf.yaml}: the environments with their inheritance, and the schema of
 * each category. Immutable; a manifest that exists has already been checked (no cycles, no unknown
 * parents).
 */
public final class Manifest {
  public static final String FILE = "gitconf.yaml";

  /** One environment: its name, its optional parent and a description for people. */
  public record Environment(String name, Optional<String> inherits, String description) {}

  /**
   * One category: its name and schema. {@code schema} is the name of a schema shipped with gitconf
   * ({@code risk} for {@code risk.schema.json}) or a path inside the config repository ({@code
   * schemas/x.schema.json}).
   */
  public record Category(String name, String schema) {}

  private final Map<String, Environment> environments;
  private final Map<String, Category> categories;
  private final Map<String, ReleasePolicy> releases;

  Manifest(
      Map<String, Environment> environments,
      Map<String, Category> categories,
      Map<String, ReleasePolicy> releases) {
    this.environments = Collections.unmodifiableMap(new LinkedHashMap<>(environments));
    this.categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories));
    this.releases = Collections.unmodifiableMap(new LinkedHashMap<>(releases));
  }

  /**
   * The release policy of an environment ({@code environments.<env>.release}); empty when it
   * declares none, and its versions activate at once.
   */
  public Optional<ReleasePolicy> releasePolicy(String environment) {
    return Optional.ofNullable(releases.get(environment));
  }

  /** Environments in the order the manifest declares them. */
  public Map<String, Environment> environments() {
    return environments;
  }

  public List<String> environmentNames() {
    return List.copyOf(environments.keySet());
  }

  public Map<String, Category> categories() {
    return categories;
  }

  public boolean hasEnvironment(String name) {
    return environments.containsKey(name);
  }

  /**
   * The resolution order of an environment's overlays, oldest ancestor first, ending with the
   * environment itself. {@code base} comes before all of them and is not listed.
   */
  public List<String> chain(String environment) {
    requireEnvironment(environment);
    List<String> chain = new ArrayList<>();
    Optional<String> current = Optional.of(environment);
    while (current.isPresent()) {
      chain.add(0, current.get());
      current = environments.get(current.get()).inherits();
    }
    return chain;
  }

  /** A clear error for an environment the manifest does not declare. */
  public Environment requireEnvironment(String name) {
    Environment env = environments.get(name);
    if (env == null) {
      throw new GitconfException.BadRequest(
          "unknown environment '"
              + name
              + "' (gitconf.yaml declares: "
              + String.join(", ", environments.keySet())
              + ")");
    }
    return env;
  }
}
