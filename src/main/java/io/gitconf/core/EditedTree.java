package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A repository tree with a change's edits applied in memory, where an empty text removes the file:
 * what a change is validated as before it is committed. Also tells which configuration paths the
 * edits wrote.
 *
 * <p>Immutable.
 */
final class EditedTree implements RepoTree {
  private final RepoTree base;
  private final Set<String> removed;

  private EditedTree(RepoTree base, Set<String> removed) {
    this.base = base;
    this.removed = removed;
  }

  static RepoTree of(RepoTree tree, Map<String, String> edits) {
    Map<String, byte[]> written = new LinkedHashMap<>();
    Set<String> removed = new HashSet<>();
    edits.forEach(
        (file, text) -> {
          if (text.isEmpty()) {
            removed.add(file);
          } else {
            written.put(file, text.getBytes(StandardCharsets.UTF_8));
          }
        });
    return new EditedTree(tree.with(written), Set.copyOf(removed));
  }

  @Override
  public String describe() {
    return base.describe() + (removed.isEmpty() ? "" : " without " + String.join(", ", removed));
  }

  @Override
  public List<String> files() {
    return base.files().stream().filter(f -> !removed.contains(f)).toList();
  }

  @Override
  public Optional<byte[]> read(String path, int maxBytes) {
    return removed.contains(path) ? Optional.empty() : base.read(path, maxBytes);
  }

  /**
   * The paths whose value the edits of category files change, add or remove. A file that cannot be
   * read contributes nothing here: validation reports it.
   */
  static Set<ConfigPath> changedPaths(ConfigRepository before, Map<String, String> edits) {
    Set<ConfigPath> paths = new HashSet<>();
    edits.forEach(
        (file, text) -> {
          Optional<String> category = category(file);
          if (category.isEmpty()) {
            return;
          }
          SortedMap<String, JsonNode> old = leaves(file, ConfigChange.text(before, file));
          SortedMap<String, JsonNode> now = leaves(file, text);
          Set<String> keys = new HashSet<>(old.keySet());
          keys.addAll(now.keySet());
          for (String key : keys) {
            if (!Json.sameValue(old.get(key), now.get(key))) {
              paths.add(ConfigPath.parse(category.get() + "." + key));
            }
          }
        });
    return paths;
  }

  /**
   * The category of an overlay file ({@code base/risk.yaml}, {@code environments/prod/risk.yaml}).
   */
  private static Optional<String> category(String file) {
    String[] parts = file.split("/");
    boolean overlay =
        (parts.length == 2 && parts[0].equals("base"))
            || (parts.length == 3 && parts[0].equals("environments"));
    String name = parts[parts.length - 1];
    return overlay && name.endsWith(".yaml")
        ? Optional.of(name.substring(0, name.length() - ".yaml".length()))
        : Optional.empty();
  }

  private static SortedMap<String, JsonNode> leaves(String file, String text) {
    if (text.isBlank()) {
      return new TreeMap<>();
    }
    try {
      return OverlayEditor.leaves(file, text);
    } catch (GitconfException e) {
      return new TreeMap<>();
    }
  }
}
