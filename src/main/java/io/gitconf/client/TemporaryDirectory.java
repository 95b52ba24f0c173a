package io.gitconf.client;

import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder a client makes for itself in the temporary directory (the Git source's clone, when the
 * application names none) and removes, with everything in it, when the client closes or fails to
 * start. Its name says what it holds ({@code gitconf-client-config.git-12345}), so a folder left by
 * a killed process can be told apart.
 *
 * <p>Thread-safe: deleting twice deletes once.
 */
final class TemporaryDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(TemporaryDirectory.class);

  private final Path path;
  private boolean deleted;

  private TemporaryDirectory(Path path) {
    this.path = path;
  }

  /**
   * A new, empty folder in {@code root}, named {@code gitconf-client-<label>-<random>}; the label
   * is cut to a file name's safe characters.
   */
  static TemporaryDirectory create(Path root, String label) {
    String safe = label.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.length() > 40) {
      safe = safe.substring(safe.length() - 40);
    }
    try {
      Files.createDirectories(root);
      return new TemporaryDirectory(
          Files.createTempDirectory(root, "gitconf-client-" + safe + "-"));
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot create a temporary folder in " + root + ": " + e.getMessage(), e);
    }
  }

  Path path() {
    return path;
  }

  /** Removes the folder and everything in it; a failure is logged, since nothing can be done. */
  synchronized void delete() {
    if (deleted) {
      return;
    }
    deleted = true;
    try {
      Files.walkFileTree(
          path,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException e) {
      // Already gone (a failed clone cleans up after itself).
    } catch (IOException e) {
      LOG.warn("cannot remove the temporary folder {}: {}", path, e.toString());
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
