package io.gitconf.sync;

import java.time.Instant;
import java.util.Optional;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * What the mirror records about a Git commit: its id, first parent, author (the audit user) and
 * message (the audit reason). Immutable.
 *
 * @param time the author time, to the second, as Git stores it
 */
public record CommitInfo(
    String id,
    Optional<String> parentId,
    String authorName,
    String authorEmail,
    Instant time,
    String message) {

  public static CommitInfo of(RevCommit commit) {
    PersonIdent author = commit.getAuthorIdent();
    return new CommitInfo(
        commit.name(),
        commit.getParentCount() == 0 ? Optional.empty() : Optional.of(commit.getParent(0).name()),
        storable(author.getName()),
        storable(author.getEmailAddress()),
        author.getWhenAsInstant(),
        storable(commit.getFullMessage().strip()));
  }

  /**
   * Text as PostgreSQL can store it: a NUL character (which Git objects may hold, and {@code text}
   * and {@code jsonb} refuse) becomes U+FFFD, so such a commit is recorded rather than refused.
   */
  static String storable(String text) {
    return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
  }

  /** {@code Name <email>}, as audit rows name the user. */
  public String author() {
    return authorName + " <" + authorEmail + ">";
  }

  public String shortId() {
    return id.substring(0, Math.min(10, id.length()));
  }

  /** The first line of the message. */
  public String subject() {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
