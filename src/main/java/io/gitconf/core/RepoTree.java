package io.gitconf.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files of one state of a config repository: a working directory, a commit, or Git's staged
 * index. Paths are relative, separated by {@code /}. Implementations are immutable views; see
 * {@link GitTrees} for the Git ones.
 */
public interface RepoTree {

  /**
   * Where this tree comes from, for messages: {@code directory /srv/config}, {@code commit
   * 3f2a1c9}.
   */
  String describe();

  /** Every file path, sorted. */
  List<String> files();

  /**
   * The bytes of a file, if it exists. A file larger than {@code maxBytes} is refused without being
   * read whole, with a {@link GitconfException.Parse} at the line where it passes the limit; a file
   * that exists but cannot be read is {@link GitconfException.Unavailable}, naming it.
   */
  Optional<byte[]> read(String path, int maxBytes);

  /**
   * The working files under a directory. The {@code .git} folder is skipped; symbolic links are
   * refused.
   */
  static RepoTree directory(Path root) {
    return new DirectoryTree(root);
  }

  /**
   * This tree with some files replaced or added, in memory: how a change is validated before
   * anything is written or committed.
   */
  default RepoTree with(java.util.Map<String, byte[]> changes) {
    RepoTree base = this;
    java.util.Map<String, byte[]> copy = java.util.Map.copyOf(changes);
    return new RepoTree() {
      @Override
      public String describe() {
        return base.describe()
            + " with changes to "
            + String.join(", ", new java.util.TreeSet<>(copy.keySet()));
      }

      @Override
      public List<String> files() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(base.files());
        all.addAll(copy.keySet());
        return List.copyOf(all);
      }

      @Override
      public Optional<byte[]> read(String path, int maxBytes) {
        byte[] changed = copy.get(path);
        if (changed == null) {
          return base.read(path, maxBytes);
        }
        if (changed.length > maxBytes) {
          throw TreeFailures.tooLarge(path, changed.length, maxBytes, changed);
        }
        return Optional.of(changed.clone());
      }
    };
  }

  /**
   * The files below one folder of this tree, with paths relative to it: a config repository kept in
   * a folder of a larger Git repository. An empty folder name is this tree itself.
   */
  default RepoTree under(String folder) {
    String trimmed = folder.replaceAll("^/+|/+$", "");
    if (trimmed.isEmpty()) {
      return this;
    }
    RepoTree base = this;
    String prefix = trimmed + "/";
    return new RepoTree() {
      @Override
      public String describe() {
        return base.describe() + ", folder " + prefix;
      }

      @Override
      public List<String> files() {
        return base.files().stream()
            .filter(f -> f.startsWith(prefix))
            .map(f -> f.substring(prefix.length()))
            .toList();
      }

      @Override
      public Optional<byte[]> read(String path, int maxBytes) {
        return base.read(prefix + path, maxBytes);
      }
    };
  }
}
