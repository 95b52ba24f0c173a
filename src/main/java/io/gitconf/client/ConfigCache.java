package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The last-known-good cache: every snapshot a client applies is written to a local file, so a
 * client that cannot reach its source at start can serve what it served last. Secrets stay
 * encrypted in the file, as they are in the snapshot. Writes go to a temporary file that is then
 * moved into place, so a crash never leaves a half-written cache.
 */
public final class ConfigCache {
  private final Path file;

  public ConfigCache(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  void write(ClientSnapshot snapshot) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("environment", snapshot.environment());
    snapshot.version().ifPresent(v -> root.put("version", v));
    root.put("commit", snapshot.commit());
    root.put("checksum", snapshot.checksum());
    ObjectNode values = root.putObject("values");
    snapshot.source().leaves().forEach(values::set);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temporary, Json.canonical(root), StandardCharsets.UTF_8);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new GitconfException.Unavailable(
          "cannot write the last-known-good cache " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The cached snapshot of {@code environment}, if the file exists, is intact and is for that
   * environment.
   */
  Optional<ClientSnapshot> read(String environment) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode root = Json.parse(file.toString(), Files.readString(file));
      if (!environment.equals(root.path("environment").asText())) {
        return Optional.empty();
      }
      SortedMap<String, JsonNode> leaves = new TreeMap<>();
      root.path("values").fields().forEachRemaining(e -> leaves.put(e.getKey(), e.getValue()));
      ConfigSnapshot snapshot = ConfigSnapshot.fromLeaves(environment, leaves);
      if (!snapshot.checksum().equals(root.path("checksum").asText())) {
        return Optional.empty();
      }
      OptionalLong version =
          root.has("version")
              ? OptionalLong.of(root.get("version").asLong())
              : OptionalLong.empty();
      return Optional.of(ClientSnapshot.of(snapshot, version, root.path("commit").asText()));
    } catch (IOException | GitconfException e) {
      return Optional.empty();
    }
  }
}
