package io.gitconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.client.ConfigManager;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;

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
      Object value;
      try {
        value = client.get(path.toString(), Object.class);
      } catch (GitconfException.Missing e) {
        throw new GitconfException.BadRequest(path + ": not set in environment " + environment);
      }
      return Values.fromMirror(path, Json.MAPPER.valueToTree(value), reveal);
    }
  }
}
