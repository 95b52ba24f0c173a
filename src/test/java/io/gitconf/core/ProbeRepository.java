package io.gitconf.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The shipped trading template with one more environment, {@code probe}, which inherits prod and
 * has no overlays of its own: a valid repository into which a test writes one value at a time (in
 * memory, as an overlay of probe), to see what validation and the client make of it.
 */
public final class ProbeRepository {
  public static final String ENVIRONMENT = "probe";

  private final RepoTree template;

  private ProbeRepository(RepoTree template) {
    this.template = template;
  }

  /** The template copied into {@code dir}, with probe declared in its manifest. */
  public static ProbeRepository create(Path dir) {
    Path root = GoldenRepos.template(dir);
    try {
      Path manifest = root.resolve(Manifest.FILE);
      String text = Files.readString(manifest);
      Files.writeString(
          manifest,
          text.replace("environments:\n", "environments:\n  probe:\n    inherits: prod\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ProbeRepository(RepoTree.directory(root));
  }

  /** The repository unchanged: probe equals prod. */
  public ConfigRepository load() {
    return ConfigRepository.load(template);
  }

  /** The repository with probe's overlay setting {@code path} to a YAML value written as is. */
  public ConfigRepository with(ConfigPath path, String yamlValue) {
    return ConfigRepository.load(
        template.with(
            Map.of(overlayFile(path), overlay(path, yamlValue).getBytes(StandardCharsets.UTF_8))));
  }

  /** Validation of probe alone. */
  public static List<Problem> validate(ConfigRepository repository) {
    return repository.validate(List.of(ENVIRONMENT));
  }

  static String overlayFile(ConfigPath path) {
    return ConfigRepository.ENVIRONMENTS_DIR + ENVIRONMENT + "/" + path.category() + ".yaml";
  }

  /** The keys below the category nested as block maps, the value on the last one's line. */
  static String overlay(ConfigPath path, String yamlValue) {
    StringBuilder yaml = new StringBuilder();
    List<String> keys = path.segments().subList(1, path.depth());
    for (int i = 0; i < keys.size(); i++) {
      yaml.append("  ".repeat(i)).append(keys.get(i)).append(':');
      yaml.append(i == keys.size() - 1 ? " " + yamlValue + "\n" : "\n");
    }
    return yaml.toString();
  }
}
