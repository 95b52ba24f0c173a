package io.gitconf.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * One value changed as a Git commit in a working copy of the config repository: the overlay file of
 * the environment is edited in place (comments and layout kept), the whole repository is validated
 * with the edit, and only then is the file written and committed, with the user as author and the
 * reason as message. {@code gitconf set} and {@code ConfigManager.set} both go through here, so
 * they refuse the same things and count against the same per-user rate limit, which is read from
 * the Git history rather than kept in memory.
 *
 * <p>Stateless; callers serialize changes to one working copy.
 */
public final class ConfigChange {
  private static final Pattern IDENT = Pattern.compile("^\\s*([^<>]+?)\\s*<([^<>\\s]+)>\\s*$");
  private static final int HISTORY_SCANNED = 500;

  /**
   * What a change did: the commit, if one was made (none when the value was already set), and the
   * file it edited.
   */
  public record Result(Optional<RevCommit> commit, String file) {}

  private ConfigChange() {}

  /**
   * The author of a change: {@code Name <email>}, or a bare name (then the email is empty).
   *
   * @throws GitconfException.BadRequest for text that is neither
   */
  public static PersonIdent author(String user) {
    if (user == null || user.isBlank()) {
      throw new GitconfException.BadRequest("a change needs a user (Name <email>, or a name)");
    }
    if (!user.contains("<") && !user.contains(">")) {
      return new PersonIdent(user.strip(), "");
    }
    Matcher m = IDENT.matcher(user);
    if (!m.matches()) {
      throw new GitconfException.BadRequest(
          "'" + user + "' is not an author; write it as: Name <email>");
    }
    return new PersonIdent(m.group(1), m.group(2));
  }

  /**
   * Sets {@code path} to {@code value} in {@code environment} (or {@code base}) of the config
   * repository in {@code configDir} (the work tree of {@code git}, or a folder inside it) and
   * commits it.
   *
   * @throws GitconfException.BadRequest for an unknown environment or category, a secret path, a
   *     blank reason
   * @throws GitconfException.RateLimited when the author made {@code limit} changes already
   * @throws GitconfException.ValidationFailed when the repository would not be valid with the
   *     change (nothing is written then)
   */
  public static Result set(
      Git git,
      Path configDir,
      String environment,
      ConfigPath path,
      JsonNode value,
      PersonIdent author,
      String reason,
      ChangeRateLimit limit) {
    if (reason == null || reason.isBlank()) {
      throw new GitconfException.BadRequest("a change needs a reason: it is the commit message");
    }
    ConfigRepository before = ConfigRepository.load(RepoTree.directory(configDir));
    Manifest manifest = before.requireManifest();
    if (!environment.equals("base")) {
      manifest.requireEnvironment(environment);
    }
    if (!manifest.categories().containsKey(path.category())) {
      throw new GitconfException.BadRequest(
          "unknown category '"
              + path.category()
              + "' (gitconf.yaml declares: "
              + String.join(", ", manifest.categories().keySet())
              + ")");
    }
    if (before.schemas().isSecret(path)) {
      throw new GitconfException.BadRequest(
          path
              + " is a secret: set it with gitconf secrets encrypt (the value is read from standard input)");
    }
    checkRateLimit(git, author, limit, Instant.now());
    String file = overlayFile(environment, path.category());
    Path target = configDir.resolve(file);
    try {
      String text = Files.exists(target) ? Files.readString(target) : "";
      String edited =
          OverlayEditor.set(file, text, path.segments().subList(1, path.depth()), value);
      if (edited.equals(text)) {
        return new Result(Optional.empty(), file);
      }
      ConfigRepository after =
          ConfigRepository.load(
              RepoTree.directory(configDir)
                  .with(Map.of(file, edited.getBytes(StandardCharsets.UTF_8))));
      List<Problem> errors = after.validate().stream().filter(Problem::isError).toList();
      if (!errors.isEmpty()) {
        throw new GitconfException.ValidationFailed(
            path
                + " = "
                + (value.isTextual() ? value.asText() : Json.canonical(value))
                + " in "
                + environment,
            errors);
      }
      Files.createDirectories(target.getParent());
      Files.writeString(target, edited, StandardCharsets.UTF_8);
      String gitPath = gitPath(git, target);
      git.add().addFilepattern(gitPath).call();
      RevCommit commit =
          git.commit()
              .setOnly(gitPath)
              .setAuthor(author)
              .setCommitter(author)
              .setMessage(reason)
              .setSign(false)
              .call();
      return new Result(Optional.of(commit), file);
    } catch (IOException | GitAPIException e) {
      throw new GitconfException.Unavailable(
          "cannot commit " + path + " in " + configDir + ": " + e.getMessage(), e);
    }
  }

  /** A file as Git names it: relative to the work tree, with forward slashes. */
  private static String gitPath(Git git, Path file) {
    Path workTree = git.getRepository().getWorkTree().toPath().toAbsolutePath().normalize();
    return workTree.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  /** The file that holds a category's values for an environment ({@code base} for defaults). */
  public static String overlayFile(String environment, String category) {
    return (environment.equals("base") ? "base/" : "environments/" + environment + "/")
        + category
        + ".yaml";
  }

  /**
   * Refuses a change when the author already made {@code limit} changes in its window, counted from
   * the commits on HEAD, so every clone that has fetched sees the same count.
   *
   * @throws GitconfException.RateLimited saying when to retry
   */
  public static void checkRateLimit(
      Git git, PersonIdent author, ChangeRateLimit limit, Instant now) {
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
