package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.client.ConfigManager;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;

/** One read through a relay, as a client makes it: loaded, checked, validated, then closed. */
final class RelayReads {
  private RelayReads() {}

  /** The value at {@code path} in the environment's active version, secrets as in the mirror. */
  static JsonNode value(ServerOptions server, String environment, ConfigPath path, boolean reveal) {
    try (ConfigManager client =
        ConfigManager.builder()
            .server(server.urls, server.token())
            .environment(environment)
            .build()) {
      JsonNode value;
      try {
        // A subtree too, as from the mirror: bound as a JSON tree, copied before it is masked.
        value = client.get(path.toString(), JsonNode.class).deepCopy();
      } catch (GitconfException.Missing e) {
        throw new GitconfException.BadRequest(path + ": not set in environment " + environment);
      }
      return Values.fromMirror(path, value, reveal);
    }
  }
}
