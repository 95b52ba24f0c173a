package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.PersonIdent;

/** Parses {@code Name <email>} into a Git identity. */
final class Authors {
  private static final Pattern IDENT = Pattern.compile("^\\s*([^<>]+?)\\s*<([^<>\\s]+)>\\s*$");

  private Authors() {}

  static PersonIdent parse(String text) {
    if (text == null) {
      return new PersonIdent("gitconf", "gitconf@localhost");
    }
    Matcher m = IDENT.matcher(text);
    if (!m.matches()) {
      throw new GitconfException.BadRequest(
          "'" + text + "' is not an author; write it as: Name <email>");
    }
    return new PersonIdent(m.group(1), m.group(2));
  }
}
