package io.gitconf.core;

import java.util.List;

/**
 * The one unchecked exception of gitconf. It is abstract: every failure is one of the nested
 * subtypes, named for what went wrong, so a caller (and the CLI's exit code) can tell them apart:
 *
 * <ul>
 *   <li>{@link Parse}, {@link ValidationFailed}, {@link Integrity}, {@link Decryption}: the input
 *       or stored data is wrong, or cannot be read with the key given (exit 1);
 *   <li>{@link BadRequest} (and {@link RateLimited}), {@link Missing}, {@link WrongType}: the
 *       caller asked for something that cannot be done as asked (exit 2);
 *   <li>{@link Unavailable}: something gitconf depends on is not there: a Git remote, the database,
 *       a file, a key variable (exit 3);
 *   <li>{@link Conflict}: the repository or the mirror moved under the operation, which may succeed
 *       once that is resolved (exit 4).
 * </ul>
 *
 * <p>Every message starts with its origin (file:line, commit or resource) and never contains a
 * secret value.
 */
public abstract class GitconfException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected GitconfException(String message) {
    super(message);
  }

  protected GitconfException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A file could not be read as configuration: bad YAML, bad encoding, too big, too deep. */
  public static final class Parse extends GitconfException {
    private static final long serialVersionUID = 1L;
    private final transient Problem problem;

    public Parse(Problem problem) {
      super(problem.toString());
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  /** Configuration failed validation; carries every problem found, not only the first. */
  public static final class ValidationFailed extends GitconfException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public ValidationFailed(String origin, List<Problem> problems) {
      super(summary(origin, problems));
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }

    private static String summary(String origin, List<Problem> problems) {
      StringBuilder text =
          new StringBuilder(origin)
              .append(": ")
              .append(problems.size())
              .append(problems.size() == 1 ? " problem" : " problems");
      for (Problem problem : problems) {
        text.append(System.lineSeparator()).append("  ").append(problem);
      }
      return text.toString();
    }
  }

  /** A path that has no value in the snapshot being read. */
  public static final class Missing extends GitconfException {
    private static final long serialVersionUID = 1L;

    public Missing(String message) {
      super(message);
    }
  }

  /** A value exists but is not of the type asked for. */
  public static final class WrongType extends GitconfException {
    private static final long serialVersionUID = 1L;

    public WrongType(String message) {
      super(message);
    }
  }

  /** Something gitconf depends on is not available: a Git remote, the database, a key variable. */
  public static final class Unavailable extends GitconfException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message) {
      super(message);
    }

    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * An encrypted value could not be decrypted: the wrong key, a value altered or moved from another
   * path or scope, or a malformed {@code ENC[...]} string. The message names the path, scope and
   * key id; it never carries plaintext, and no cipher exception is chained as its cause.
   */
  public static final class Decryption extends GitconfException {
    private static final long serialVersionUID = 1L;

    public Decryption(String message) {
      super(message);
    }
  }

  /**
   * The caller asked for something that cannot be done as asked (bad argument, unknown
   * environment).
   */
  public static class BadRequest extends GitconfException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
      super(message);
    }
  }

  /** A user made as many configuration changes as the rate limit allows; it says when to retry. */
  public static final class RateLimited extends BadRequest {
    private static final long serialVersionUID = 1L;
    private final java.time.Duration retryAfter;

    public RateLimited(String message, java.time.Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }

    /** How long until one more change is allowed. */
    public java.time.Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * Stored or transmitted data does not match what it claims to be: items that do not reproduce
   * their version's checksum, a broken audit hash chain, a backup whose trailer does not match, a
   * cache file or payload that is not the format it should be.
   */
  public static final class Integrity extends GitconfException {
    private static final long serialVersionUID = 1L;

    public Integrity(String message) {
      super(message);
    }

    public Integrity(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The repository or the mirror moved under an operation: a clone that diverged from its remote, a
   * push refused because the remote moved, another change holding the clone's lock. Retrying after
   * the other side is resolved may succeed.
   */
  public static final class Conflict extends GitconfException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message);
    }

    public Conflict(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
