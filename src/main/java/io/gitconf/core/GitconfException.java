package io.gitconf.core;

import java.util.List;

/**
 * The one unchecked exception of gitconf. Each failure has a nested subtype named for what went
 * wrong, and every message starts with its origin (file:line, commit or resource) and never
 * contains a secret value.
 */
public class GitconfException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GitconfException(String message) {
    super(message);
  }

  public GitconfException(String message, Throwable cause) {
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
}
