package io.gitconf.cli;

import io.gitconf.core.ChangeRequest;
import io.gitconf.core.GitconfException;
import org.eclipse.jgit.lib.PersonIdent;

/** Parses {@code Name <email>} into a Git identity. */
final class Authors {
  private Authors() {}

  static PersonIdent parse(String text) {
    if (text == null) {
      return new PersonIdent("gitconf", "gitconf@localhost");
    }
    if (!text.contains("<")) {
      throw new GitconfException.BadRequest(
          "'" + text + "' is not an author; write it as: Name <email>");
    }
    return ChangeRequest.parseAuthor(text);
  }
}
