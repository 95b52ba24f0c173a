package io.gitconf.core;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Who asks for a change and why: the commit's author ({@code Name <email>}, or a bare name) and its
 * message, and the rate limit that applies to that author. The user and reason are checked by
 * {@link #author()}, which every change calls first, so each entry point refuses them alike.
 *
 * <p>Immutable.
 */
public record ChangeRequest(String user, String reason, ChangeRateLimit rateLimit) {
  private static final Pattern IDENT = Pattern.compile("^\\s*([^<>]+?)\\s*<([^<>\\s]+)>\\s*$");

  public ChangeRequest {
    Objects.requireNonNull(rateLimit, "rateLimit");
  }

  /** A request under the default rate limit. */
  public static ChangeRequest of(String user, String reason) {
    return new ChangeRequest(user, reason, ChangeRateLimit.defaults());
  }

  /**
   * The author, once the request is known to be complete: a non-blank reason (it is the commit
   * message) and a user that is {@code Name <email>} or a name.
   *
   * @throws GitconfException.BadRequest naming what is missing or malformed
   */
  public PersonIdent author() {
    if (reason == null || reason.isBlank()) {
      throw new GitconfException.BadRequest("a change needs a reason: it is the commit message");
    }
    return parseAuthor(user);
  }

  /**
   * {@code Name <email>}, or a bare name (then the email is empty).
   *
   * @throws GitconfException.BadRequest for text that is neither
   */
  public static PersonIdent parseAuthor(String user) {
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
}
