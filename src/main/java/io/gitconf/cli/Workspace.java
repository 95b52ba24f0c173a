package io.gitconf.cli;

import io.gitconf.core.ChangeTarget;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/**
 * The working copy a change is committed in: a local clone the user names, or a temporary clone of
 * a remote URL. A temporary clone is always pushed (a commit left in it would be lost) and deleted
 * on close; a local clone is pushed only when asked.
 *
 * <p>Not thread-safe: one command uses one workspace.
 */
final class Workspace implements AutoCloseable {
  private final Path dir;
  private final Git git;
  private final boolean temporary;
  private final boolean push;

  private Workspace(Path dir, Git git, boolean temporary, boolean push) {
    this.dir = dir;
    this.git = git;
    this.temporary = temporary;
    this.push = push;
  }

  /**
   * Opens {@code location}: a URL ({@code https://…}, {@code file://…}) is cloned into a temporary
   * directory, anything else is a local directory inside a Git repository.
   */
  static Workspace open(String location, boolean push) {
    if (isUrl(location)) {
      return cloneOf(location);
    }
    Path dir = Path.of(location);
    if (!Files.isDirectory(dir)) {
      throw new GitconfException.BadRequest(location + ": no such directory");
    }
    return new Workspace(dir, new Git(RepoOptions.openGit(dir)), false, push);
  }

  static boolean isUrl(String location) {
    return location.contains("://");
  }

  private static Workspace cloneOf(String url) {
    Path dir;
    try {
      dir = Files.createTempDirectory("gitconf-change-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Git git =
          GitRemotes.withCredentials(Git.cloneRepository().setURI(url).setDirectory(dir.toFile()))
              .call();
      if (git.getRepository().resolve("HEAD") == null) {
        git.close();
        throw new GitconfException.BadRequest(GitRemotes.redact(url) + " has no commits");
      }
      return new Workspace(dir, git, true, true);
    } catch (GitAPIException | IOException | RuntimeException e) {
      delete(dir);
      if (e instanceof GitconfException gitconf) {
        throw gitconf;
      }
      throw new GitconfException.Unavailable(
          "cannot clone " + GitRemotes.redact(url) + ": " + GitRemotes.redact(e.getMessage()), e);
    }
  }

  /** The config repository's directory: its file paths resolve against it. */
  Path dir() {
    return dir;
  }

  Git git() {
    return git;
  }

  /**
   * Where a change is made: pushed when asked, and always from a temporary clone, whose commit
   * would otherwise be lost with it.
   */
  ChangeTarget target() {
    ChangeTarget target =
        ChangeTarget.of(git, dir)
            .push(push || temporary ? ChangeTarget.Push.ALWAYS : ChangeTarget.Push.NEVER);
    return temporary ? target.temporary() : target;
  }

  @Override
  public void close() {
    git.close();
    if (temporary) {
      delete(dir);
    } else {
      // A Git made around an opened repository leaves the repository open; a clone's Git closes it.
      git.getRepository().close();
    }
  }

  private static void delete(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // A temporary clone left behind holds only what the remote holds; not worth failing for.
    }
  }
}
