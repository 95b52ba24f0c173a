package io.gitconf.cli;

import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which relays ({@code gitconf serve}) a client command reads, and its token: from {@code
 * --token-file} or the {@code GITCONF_TOKEN} variable, never from the command line (where {@code
 * ps} would show it).
 */
final class ServerOptions {
  static final String TOKEN_VARIABLE = "GITCONF_TOKEN";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "A relay (gitconf serve), e.g. https://relay:8443; repeat it for several, tried in turn."
              + " Token from --token-file or $GITCONF_TOKEN.")
  List<String> urls;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "A file holding the relay token (default: $GITCONF_TOKEN).")
  Path tokenFile;

  boolean given() {
    return urls != null && !urls.isEmpty();
  }

  /** The token to send: the file's first line, the variable, or none. */
  String token() {
    if (tokenFile != null) {
      try {
        return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new GitconfException.BadRequest("cannot read --token-file " + tokenFile + ": " + e);
      }
    }
    String variable = System.getenv(TOKEN_VARIABLE);
    return variable == null ? "" : variable.strip();
  }
}
