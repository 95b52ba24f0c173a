package io.gitconf.sync;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitRemotes;
import io.gitconf.core.GitTrees;
import io.gitconf.core.GitconfException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;

/**
 * Follows one branch of a config repository. A local repository (a folder with {@code .git}, or a
 * bare one) is read in place; anything else is a remote URL, cloned bare into a cache folder and
 * fetched on every {@link #refresh}. Trees are read from Git objects; nothing is checked out.
 *
 * <p>Not thread-safe: one syncer thread uses it.
 */
final class GitFollower implements AutoCloseable {

  /** What lies between the last processed commit and the branch head. */
  sealed interface Plan {
    /** Nothing new. */
    record UpToDate() implements Plan {}

    /** New commits on the branch's first-parent history, oldest first. */
    record Forward(List<RevCommit> commits) implements Plan {}

    /** The branch no longer contains the last processed commit: its history was rewritten. */
    record Rewritten(String oldHead, RevCommit newHead, Optional<String> mergeBase)
        implements Plan {}
  }

  private final String source;
  private final String branch;
  private final Repository repository;
  private final boolean remote;
  private final Optional<CredentialsProvider> credentials;

  private GitFollower(
      String source,
      String branch,
      Repository repository,
      boolean remote,
      Optional<CredentialsProvider> credentials) {
    this.source = source;
    this.branch = branch;
    this.repository = repository;
    this.remote = remote;
    this.credentials = credentials;
  }

  /**
   * Opens {@code source}: a local repository path, or a URL cloned (bare) under {@code cacheRoot}.
   */
  static GitFollower open(
      String source, String branch, Path cacheRoot, Optional<CredentialsProvider> credentials) {
    Optional<Repository> local = openLocal(source);
    if (local.isPresent()) {
      return new GitFollower(source, branch, local.get(), false, credentials);
    }
    if (!looksLikeUrl(source)) {
      throw new GitconfException.BadRequest(
          source + ": no such folder (a remote is given as a URL, e.g. https://host/repo.git)");
    }
    Path cache = cacheRoot.resolve(cacheName(source));
    try {
      if (!Files.exists(cache.resolve("HEAD"))) {
        Files.createDirectories(cache);
        Git.init()
            .setBare(true)
            .setGitDir(cache.toFile())
            .setDirectory(cache.toFile())
            .call()
            .close();
      }
      Repository repository =
          new FileRepositoryBuilder().setGitDir(cache.toFile()).setMustExist(true).build();
      return new GitFollower(source, branch, repository, true, credentials);
    } catch (IOException | GitAPIException e) {
      throw new GitconfException.Unavailable(
          "cannot prepare a Git cache for "
              + GitRemotes.redact(source)
              + " in "
              + cache
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static boolean looksLikeUrl(String source) {
    return source.contains("://") || source.matches("[\\w.-]+@[\\w.-]+:.+");
  }

  private static Optional<Repository> openLocal(String source) {
    File dir = new File(source);
    if (!dir.isDirectory()) {
      return Optional.empty();
    }
    try {
      FileRepositoryBuilder builder = new FileRepositoryBuilder();
      if (new File(dir, ".git").exists()) {
        builder.setWorkTree(dir);
      } else if (new File(dir, "HEAD").isFile() && new File(dir, "objects").isDirectory()) {
        builder.setGitDir(dir);
      } else {
        throw new GitconfException.BadRequest(source + ": a folder, but not a Git repository");
      }
      return Optional.of(builder.setMustExist(true).build());
    } catch (IOException e) {
      throw new GitconfException.Unavailable(source + ": cannot open: " + e.getMessage(), e);
    }
  }

  /** A readable, stable folder name for a URL's cache: its last segment and a short hash. */
  private static String cacheName(String url) {
    String tail = url.replaceAll("[/\\\\]+$", "").replaceAll(".*[/\\\\:]", "");
    tail = tail.replaceAll("[^A-Za-z0-9._-]", "_");
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      return tail + "-" + HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  String describe() {
    return GitRemotes.redact(source) + " (" + branch + ")";
  }

  /** Fetches the branch if the source is remote; returns the commit at its head. */
  RevCommit refresh() {
    String ref = Constants.R_HEADS + branch;
    if (remote) {
      try (Git git = new Git(repository)) {
        var fetch =
            git.fetch()
                .setRemote(source)
                .setRefSpecs(new RefSpec("+" + ref + ":" + ref))
                .setForceUpdate(true);
        credentials.ifPresent(fetch::setCredentialsProvider);
        fetch.call();
      } catch (GitAPIException | RuntimeException e) {
        throw new GitconfException.Unavailable(
            "cannot fetch " + describe() + ": " + GitRemotes.redact(String.valueOf(e.getMessage())),
            e);
      }
    }
    try {
      Ref head = repository.exactRef(ref);
      if (head == null) {
        throw new GitconfException.Unavailable(
            "no branch '" + branch + "' in " + GitRemotes.redact(source));
      }
      try (RevWalk walk = new RevWalk(repository)) {
        return walk.parseCommit(head.getObjectId());
      }
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot read branch " + describe() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The commits to process after {@code last} up to {@code head}, following first parents: a merge
   * of a feature branch is one commit, the state after the merge.
   */
  Plan plan(Optional<String> last, RevCommit head) {
    if (last.isPresent() && last.get().equals(head.name())) {
      return new Plan.UpToDate();
    }
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit tip = walk.parseCommit(head);
      if (last.isEmpty()) {
        return new Plan.Forward(firstParents(walk, tip, null));
      }
      Optional<RevCommit> previous = parseIfPresent(walk, last.get());
      if (previous.isEmpty()) {
        return new Plan.Rewritten(last.get(), tip, Optional.empty());
      }
      if (!walk.isMergedInto(previous.get(), tip)) {
        return new Plan.Rewritten(last.get(), tip, mergeBase(previous.get(), tip));
      }
      return new Plan.Forward(firstParents(walk, walk.parseCommit(head), previous.get()));
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot walk the history of " + describe() + ": " + e.getMessage(), e);
    }
  }

  /**
   * First-parent commits from {@code tip} back to (not including) {@code stop}, oldest first. When
   * {@code stop} was merged in from a side branch, the walk ends at the first commit it contains.
   */
  private static List<RevCommit> firstParents(RevWalk walk, RevCommit tip, RevCommit stop)
      throws IOException {
    List<RevCommit> commits = new ArrayList<>();
    RevCommit current = tip;
    while (current != null && !current.equals(stop)) {
      // Only a commit no newer than stop can be one of its ancestors; the check walks history.
      if (stop != null
          && current.getCommitTime() <= stop.getCommitTime()
          && walk.isMergedInto(current, stop)) {
        break;
      }
      commits.add(current);
      current = current.getParentCount() == 0 ? null : walk.parseCommit(current.getParent(0));
    }
    Collections.reverse(commits);
    return commits;
  }

  private Optional<RevCommit> parseIfPresent(RevWalk walk, String id) throws IOException {
    ObjectId objectId = ObjectId.fromString(id);
    if (!repository.getObjectDatabase().has(objectId)) {
      return Optional.empty();
    }
    return Optional.of(walk.parseCommit(objectId));
  }

  private Optional<String> mergeBase(RevCommit a, RevCommit b) throws IOException {
    try (RevWalk walk = new RevWalk(repository)) {
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(walk.parseCommit(a));
      walk.markStart(walk.parseCommit(b));
      RevCommit base = walk.next();
      return base == null ? Optional.empty() : Optional.of(base.name());
    }
  }

  /** The config repository as of {@code commit}, read from Git objects. */
  ConfigRepository load(RevCommit commit) {
    return ConfigRepository.load(GitTrees.commit(repository, commit));
  }

  @Override
  public void close() {
    repository.close();
  }
}
