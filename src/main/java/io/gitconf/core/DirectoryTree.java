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
