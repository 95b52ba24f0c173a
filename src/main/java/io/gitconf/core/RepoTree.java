package io.gitconf.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

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
   * The bytes of a file, if it exists. Refuses files larger than {@code maxBytes} without reading
   * them whole.
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
          throw new TooLarge(path, changed.length, maxBytes);
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

  /** A file that is larger than the reader allows. */
  final class TooLarge extends GitconfException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final int maxBytes;

    public TooLarge(String path, long size, int maxBytes) {
      super(path + ": file is " + size + " bytes, larger than the limit of " + maxBytes);
      this.size = size;
      this.maxBytes = maxBytes;
    }

    public long size() {
      return size;
    }

    public int maxBytes() {
      return maxBytes;
    }
  }
}

/** A config repository as a folder on disk. */
final class DirectoryTree implements RepoTree {
  private final Path root;

  /**
   * The refusal of a symbolic link: a problem of that file, so loading reports it with the others
   * instead of stopping. Links are not followed because they could reach outside the repository.
   */
  static GitconfException.Parse symbolicLink(String path) {
    return new GitconfException.Parse(
        Problem.error(
            Origin.file(path),
            "",
            "symbolic link; a config repository holds plain files only",
            "symlink"));
  }

  DirectoryTree(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String describe() {
    return "directory " + root;
  }

  @Override
  public List<String> files() {
    if (!Files.isDirectory(root)) {
      throw new GitconfException.Unavailable(root + ": not a directory");
    }
    List<String> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> !isUnderGitDir(p))
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p))
          .forEach(p -> files.add(relative(p)));
    } catch (IOException e) {
      throw new GitconfException.Unavailable(root + ": cannot list files: " + e.getMessage(), e);
    }
    files.sort(null);
    return files;
  }

  @Override
  public Optional<byte[]> read(String path, int maxBytes) {
    Path file = root.resolve(path).normalize();
    if (!file.startsWith(root) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    if (Files.isSymbolicLink(file)) {
      throw symbolicLink(path);
    }
    try {
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new RepoTree.TooLarge(path, size, maxBytes);
      }
      return Optional.of(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read", e);
    }
  }

  private boolean isUnderGitDir(Path p) {
    Path rel = root.relativize(p);
    return rel.getNameCount() > 0 && rel.getName(0).toString().equals(".git");
  }

  private String relative(Path p) {
    return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
  }
}
