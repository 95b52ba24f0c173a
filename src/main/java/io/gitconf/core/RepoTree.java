package io.gitconf.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
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

/** How trees refuse a file, in the same words whichever tree it is. Stateless. */
final class TreeFailures {
  private TreeFailures() {}

  /**
   * The refusal of a file larger than {@code maxBytes}, at the line where {@code head} (its first
   * bytes, at least {@code maxBytes} of them) passes the limit.
   */
  static GitconfException.Parse tooLarge(String path, long size, int maxBytes, byte[] head) {
    return StrictYamlReader.tooLarge(path, size, maxBytes, YamlText.lineAtByte(head, maxBytes));
  }

  /**
   * A file that is there but could not be read, named with the tree it belongs to: gitconf cannot
   * tell what it holds, so nothing may be concluded from the rest.
   */
  static GitconfException.Unavailable unreadable(String tree, String path, Exception cause) {
    String reason;
    if (cause instanceof java.nio.file.NoSuchFileException) {
      reason = "it was removed or renamed while the repository was being read";
    } else if (cause instanceof java.nio.file.AccessDeniedException) {
      reason = "permission denied";
    } else if (cause instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      reason = fs.getReason();
    } else {
      reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
    return new GitconfException.Unavailable(
        path + ": cannot read (" + tree + "): " + reason, cause);
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
    } catch (UncheckedIOException e) {
      // The walk meets a folder that is removed or unreadable while it lists the tree.
      throw new GitconfException.Unavailable(
          root + ": cannot list files: " + e.getCause().getMessage(), e.getCause());
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
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.exists(file)) {
      // A folder, a pipe (which would block the read forever) or a device where a file should be.
      throw new GitconfException.Parse(
          Problem.error(
              Origin.file(path),
              "",
              "not a plain file; a config repository holds plain files only",
              "file-type"));
    }
    // One open file for size and content: a file replaced in between cannot mix the two.
    try (SeekableByteChannel channel =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = channel.size();
      if (size > maxBytes) {
        throw TreeFailures.tooLarge(path, size, maxBytes, readUpTo(channel, maxBytes));
      }
      return Optional.of(readUpTo(channel, (int) size));
    } catch (IOException e) {
      throw TreeFailures.unreadable(describe(), path, e);
    }
  }

  /** Up to {@code limit} bytes from the channel's position; fewer if the file ends sooner. */
  private static byte[] readUpTo(SeekableByteChannel channel, int limit) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(limit);
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // read until full or at the end
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private boolean isUnderGitDir(Path p) {
    Path rel = root.relativize(p);
    return rel.getNameCount() > 0 && rel.getName(0).toString().equals(".git");
  }

  private String relative(Path p) {
    return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
  }
}
