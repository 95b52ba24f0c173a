package io.gitconf.serve;

import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may read what, from the token file the relay was given, re-read whenever the file changes
 * (its time, size or file key), so a revoked token is refused without a restart. A file that cannot
 * be read or is not a token file keeps the tokens read before, with one log line.
 *
 * <p>Thread-safe.
 */
final class TokenGate {
  private static final Logger LOG = LoggerFactory.getLogger(TokenGate.class);

  /** The outcome of checking a request's credentials. */
  sealed interface Verdict {
    /** The token is known and may read the environment. */
    record Allowed(String name) implements Verdict {}

    /** No token, or one not in the file (HTTP 401). */
    record Unknown(String reason) implements Verdict {}

    /** A known token that may not read this environment (HTTP 403). */
    record Forbidden(String name) implements Verdict {}
  }

  private final Optional<Path> file;
  private volatile Tokens tokens = Tokens.none();
  private volatile String stamp = "";

  private TokenGate(Optional<Path> file) {
    this.file = file;
  }

  /** Everyone may read everything: a relay without a token file. */
  static TokenGate open() {
    return new TokenGate(Optional.empty());
  }

  /**
   * The tokens of {@code file}, read now.
   *
   * @throws GitconfException.BadRequest when it is not a token file
   */
  static TokenGate of(Path file) {
    TokenGate gate = new TokenGate(Optional.of(file));
    gate.tokens = Tokens.read(file);
    gate.stamp = stamp(file);
    return gate;
  }

  boolean required() {
    return file.isPresent();
  }

  /**
   * Whether the bearer of {@code authorization} (the header's value, may be null) may read {@code
   * environment}.
   */
  Verdict check(String authorization, String environment) {
    if (file.isEmpty()) {
      return new Verdict.Allowed("(no token file)");
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Verdict.Unknown("no bearer token");
    }
    Optional<Tokens.Grant> grant = current().find(authorization.substring(7).strip());
    if (grant.isEmpty()) {
      return new Verdict.Unknown("unknown or revoked token");
    }
    return grant.get().allows(environment)
        ? new Verdict.Allowed(grant.get().name())
        : new Verdict.Forbidden(grant.get().name());
  }

  /** The tokens as the file has them now. */
  private Tokens current() {
    Path path = file.orElseThrow();
    String now = stamp(path);
    if (!now.equals(stamp)) {
      synchronized (this) {
        if (!now.equals(stamp)) {
          try {
            tokens = Tokens.read(path);
            LOG.info("token file {} re-read: {} tokens", path, tokens.grants().size());
          } catch (GitconfException e) {
            LOG.warn(
                "token file {} not re-read, keeping the tokens read before: {}",
                path,
                e.getMessage());
          }
          stamp = now;
        }
      }
    }
    return tokens;
  }

  private static String stamp(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return attributes.lastModifiedTime().toMillis()
          + ":"
          + attributes.size()
          + ":"
          + attributes.fileKey();
    } catch (NoSuchFileException e) {
      return "none";
    } catch (IOException e) {
      return "unreadable";
    }
  }
}
