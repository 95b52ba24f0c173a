package io.gitconf.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The one way configuration changes: {@code gitconf set}, {@code import}, {@code rollback}, {@code
 * secrets encrypt} and {@code secrets rotate}, and {@code ConfigManager.set}, all go through {@link
 * #apply}, so they refuse the same things in the same words. A change is made in this order:
 *
 * <ol>
 *   <li>the request: a non-blank reason and a well-formed author ({@link ChangeRequest#author});
 *   <li>a change that must be pushed needs an {@code origin};
 *   <li>the clone's lock ({@link CloneLock}), held to the end, so changes to one clone never start
 *       from the same commit;
 *   <li>a change that will be pushed first brings the clone up to date with {@code origin}, and a
 *       diverged clone is refused;
 *   <li>the repository is read from the last commit; the environment must exist; the author's rate
 *       limit is counted from the history;
 *   <li>the change edits files; files with uncommitted changes are refused, never swept in;
 *   <li>the whole repository is validated with the edits; a secret path that would hold plaintext
 *       is refused (secrets are written only encrypted);
 *   <li>a commit of exactly those files ({@link TreeCommit}), author {@code user}, message {@code
 *       reason}; then the push, whose failure says what became of the commit.
 * </ol>
 *
 * <p>Stateless and thread-safe; changes to one clone are serialized by its lock.
 */
public final class ConfigChange {
  private static final int HISTORY_SCANNED = 500;

  /** The rule {@code gitconf validate} names a plaintext value at an {@code x-secret} path by. */
  private static final String SECRET_PLAINTEXT_RULE = "secret-plaintext";

  /**
   * What a change did.
   *
   * @param commit the commit id, empty when the change changed nothing
   * @param files the files the commit wrote, by path in the config repository
   * @param pushedTo the remote the commit was pushed to, if it was
   * @param notPushed why a commit that could have been pushed was not (no {@code origin})
   */
  public record Result(
      Optional<String> commit,
      List<String> files,
      Optional<String> pushedTo,
      Optional<String> notPushed) {
    static final Result NONE =
        new Result(Optional.empty(), List.of(), Optional.empty(), Optional.empty());
  }

  private ConfigChange() {}

  /**
   * Makes {@code change} in {@code target} for {@code request}, as the class comment describes.
   *
   * @throws GitconfException.BadRequest for a blank reason, a malformed author, an unknown
   *     environment or category, plaintext for a secret, no {@code origin} for a change that must
   *     be pushed
   * @throws GitconfException.RateLimited when the author made as many changes as the limit allows
   * @throws GitconfException.ValidationFailed when the repository would not be valid
   * @throws GitconfException.Conflict when the clone diverged, holds uncommitted changes to the
   *     files, is locked by another change too long, or the remote moved
   * @throws GitconfException.Unavailable when the clone or its remote cannot be used
   */
  // "try": the clone's lock is held for the whole block by being open; nothing in it calls the
  // lock.
  @SuppressWarnings("try")
  public static Result apply(ChangeTarget target, ChangeRequest request, Change change) {
    PersonIdent author = request.author();
    Git git = target.git();
    Repository repository = git.getRepository();
    boolean origin = GitRemotes.hasOrigin(git);
    if (target.pushMode() == ChangeTarget.Push.ALWAYS && !origin) {
      throw GitRemotes.noOrigin(target.configDir());
    }
    boolean pushes = origin && target.pushMode() != ChangeTarget.Push.NEVER;
    String folder = target.folder();
    try (CloneLock lock = CloneLock.acquire(repository, target.lockWait())) {
      if (pushes) {
        GitRemotes.catchUp(git, target.configDir(), target.ownedBranch(), target.credentials());
      }
      RevCommit head = head(repository, target);
      ConfigRepository before =
          ConfigRepository.load(GitTrees.commit(repository, head).under(folder));
      Manifest manifest = before.requireManifest();
      change
          .environment()
          .filter(env -> !env.equals("base"))
          .ifPresent(manifest::requireEnvironment);
      checkRateLimit(git, author, request.rateLimit(), Instant.now());
      Map<String, String> edits = changedFiles(before, change.edit(before));
      if (edits.isEmpty()) {
        return Result.NONE;
      }
      Map<String, String> byGitPath = new LinkedHashMap<>();
      edits.keySet().forEach(file -> byGitPath.put(join(folder, file), file));
      TreeCommit.requireUnmodified(git, byGitPath, target.configDir());
      ConfigRepository after = ConfigRepository.load(EditedTree.of(before.tree(), edits));
      validate(change, before, after, edits);
      change.check(before, after);
      Map<String, Optional<byte[]>> objects = new LinkedHashMap<>();
      edits.forEach(
          (file, text) ->
              objects.put(
                  join(folder, file),
                  text.isEmpty()
                      ? Optional.empty()
                      : Optional.of(text.getBytes(StandardCharsets.UTF_8))));
      RevCommit commit =
          TreeCommit.commit(repository, head, objects, author, change.message(request.reason()));
      TreeCommit.checkOut(repository, commit, objects);
      return publish(target, commit, List.copyOf(edits.keySet()), pushes);
    }
  }

  /** Pushes the commit when it should be, and says what became of it. */
  private static Result publish(
      ChangeTarget target, RevCommit commit, List<String> files, boolean pushes) {
    Optional<String> id = Optional.of(commit.name());
    if (pushes) {
      push(target, commit);
      return new Result(
          id, files, Optional.of(GitRemotes.describe(target.git())), Optional.empty());
    }
    Optional<String> notPushed =
        target.pushMode() == ChangeTarget.Push.IF_ORIGIN
            ? Optional.of(
                target.configDir()
                    + " has no remote named origin: commit "
                    + commit.abbreviate(8).name()
                    + " stays in this clone and reaches no other until it is pushed")
            : Optional.empty();
    return new Result(id, files, Optional.empty(), notPushed);
  }

  /**
   * The config repository at the clone's last commit: what a change would start from, for a preview
   * shown before it is made.
   */
  public static ConfigRepository head(ChangeTarget target) {
    Repository repository = target.git().getRepository();
    return ConfigRepository.load(
        GitTrees.commit(repository, head(repository, target)).under(target.folder()));
  }

  /** The file that holds a category's values for an environment ({@code base} for defaults). */
  public static String overlayFile(String environment, String category) {
    return (environment.equals("base") ? "base/" : "environments/" + environment + "/")
        + category
        + ".yaml";
  }

  /** A file's text in a repository, empty when it does not exist. */
  static String text(ConfigRepository repository, String file) {
    return repository
        .tree()
        .read(file, YamlLimits.defaults().maxFileBytes())
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
        .orElse("");
  }

  private static void push(ChangeTarget target, RevCommit commit) {
    try {
      GitRemotes.push(
          target.git(), target.keptWhere(commit.abbreviate(8).name()), target.credentials());
    } catch (GitconfException e) {
      if (target.ownedBranch().isPresent()) {
        discard(target);
      }
      throw e;
    }
  }

  /** An owned clone goes back to the remote branch, as its message has said it would. */
  private static void discard(ChangeTarget target) {
    try {
      target
          .git()
          .reset()
          .setMode(ResetCommand.ResetType.HARD)
          .setRef("refs/remotes/origin/" + target.ownedBranch().get())
          .call();
    } catch (GitAPIException | RuntimeException e) {
      // The next change resets it again before it starts.
    }
  }

  private static RevCommit head(Repository repository, ChangeTarget target) {
    try (RevWalk walk = new RevWalk(repository)) {
      ObjectId id = repository.resolve("HEAD");
      if (id == null) {
        throw new GitconfException.BadRequest(
            target.configDir()
                + " has no commit yet: commit the configuration first (gitconf init makes one)");
      }
      return walk.parseCommit(id);
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot read HEAD of " + target.configDir() + ": " + e.getMessage(), e);
    }
  }

  private static String join(String folder, String file) {
    return folder.isEmpty() ? file : folder + "/" + file;
  }

  /** The edits whose text differs from the file's at the last commit. */
  private static Map<String, String> changedFiles(
      ConfigRepository before, Map<String, String> edits) {
    Map<String, String> changed = new LinkedHashMap<>();
    new TreeSet<>(edits.keySet())
        .forEach(
            file -> {
              String text = edits.get(file);
              if (!text.equals(text(before, file))) {
                changed.put(file, text);
              }
            });
    return changed;
  }

  /**
   * Refuses an invalid result. A plaintext value at a secret path that this change wrote is a bad
   * request rather than an invalid file: secrets are written with {@code gitconf secrets encrypt}.
   */
  private static void validate(
      Change change, ConfigRepository before, ConfigRepository after, Map<String, String> edits) {
    List<Problem> errors = after.validate().stream().filter(Problem::isError).toList();
    if (errors.isEmpty()) {
      return;
    }
    Set<ConfigPath> written = EditedTree.changedPaths(before, edits);
    for (Problem problem : errors) {
      if (problem.rule().equals(SECRET_PLAINTEXT_RULE) && touches(written, problem.path())) {
        throw new GitconfException.BadRequest(
            problem.path()
                + " is a secret: set it with gitconf secrets encrypt (the value is read from"
                + " standard input)");
      }
    }
    throw new GitconfException.ValidationFailed(change.describe(), errors);
  }

  private static boolean touches(Set<ConfigPath> written, String problemPath) {
    if (problemPath.isEmpty()) {
      return false;
    }
    ConfigPath path;
    try {
      path = ConfigPath.parse(problemPath);
    } catch (GitconfException e) {
      return false;
    }
    return written.stream().anyMatch(w -> w.startsWith(path) || path.startsWith(w));
  }

  /**
   * Refuses a change when the author already made {@code limit} changes in its window, counted from
   * the commits on HEAD, so every clone that has fetched sees the same count.
   *
   * @throws GitconfException.RateLimited saying when to retry
   */
  static void checkRateLimit(Git git, PersonIdent author, ChangeRateLimit limit, Instant now) {
    List<Instant> recent = new ArrayList<>();
    try {
      if (git.getRepository().resolve("HEAD") != null) {
        for (RevCommit commit : git.log().setMaxCount(HISTORY_SCANNED).call()) {
          Instant when = commit.getAuthorIdent().getWhenAsInstant();
          if (when.isBefore(now.minus(limit.window()))) {
            break;
          }
          if (commit.getAuthorIdent().getName().equals(author.getName())) {
            recent.add(when);
          }
        }
      }
    } catch (IOException | GitAPIException e) {
      throw new GitconfException.Unavailable(
          "cannot read the history of " + git.getRepository() + ": " + e.getMessage(), e);
    }
    Optional<Duration> retry = limit.retryAfter(recent, now);
    if (retry.isPresent()) {
      throw new GitconfException.RateLimited(
          author.getName()
              + " made "
              + recent.size()
              + " changes in the last "
              + limit.window().toSeconds()
              + " s (limit "
              + limit
              + "); retry in "
              + retry.get().toSeconds()
              + " s",
          retry.get());
    }
  }
}
