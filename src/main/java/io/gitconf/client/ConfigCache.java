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
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a client keeps what it serves fresh and safe:
 *
 * <ul>
 *   <li>the <b>TTL</b>: a snapshot from a source that can miss telling of a change (the mirror,
 *       whose notifications can be lost, or a Git remote) is checked against the source again once
 *       it is this old;
 *   <li>the <b>last-known-good file</b>: every snapshot the client loads is written to a local
 *       file, so a client that cannot reach its source at start can serve what it served last.
 *       Secrets stay encrypted in the file, as they are in the snapshot. Writes go to a temporary
 *       file that is then moved into place, so a crash never leaves a half-written cache.
 * </ul>
 *
 * <p>Immutable settings; reading and writing the file is thread-safe.
 */
final class ConfigCache {
  static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(ConfigCache.class);

  private final Duration ttl;
  private final Optional<Path> file;

  ConfigCache(Duration ttl, Optional<Path> file) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new GitconfException.BadRequest("the cache TTL must be positive, not " + ttl);
    }
    this.ttl = ttl;
    this.file = file;
  }

  Duration ttl() {
    return ttl;
  }

  /** The last-known-good file, if one is configured. */
  Optional<Path> file() {
    return file;
  }

  /**
   * Writes a loaded snapshot to the last-known-good file. A failure is logged, not thrown: the
   * snapshot is served either way.
   */
  synchronized void write(ConfigSource.Loaded loaded) {
    if (file.isEmpty()) {
      return;
    }
    ConfigSnapshot snapshot = loaded.snapshot();
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("environment", snapshot.environment());
    loaded.version().ifPresent(v -> root.put("version", v));
    root.put("commit", loaded.commit());
    root.put("fingerprint", loaded.fingerprint());
    root.put("checksum", snapshot.checksum());
    ObjectNode values = root.putObject("values");
    snapshot.leaves().forEach(values::set);
    Path target = file.get();
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.writeString(temporary, Json.canonical(root), StandardCharsets.UTF_8);
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot write the last-known-good cache {}: {}", target, e.toString());
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException again) {
        // Left for the next write to replace.
      }
    }
  }

  /** A snapshot read back from the file, with the fingerprint of the load that wrote it. */
  record Cached(ClientSnapshot snapshot, String fingerprint) {}

  /**
   * The cached snapshot of {@code environment}, if the file exists, is intact and is for that
   * environment.
   */
  synchronized Optional<Cached> read(String environment) {
    if (file.isEmpty() || !Files.isRegularFile(file.get())) {
      return Optional.empty();
    }
    try {
      JsonNode root = Json.parse(file.get().toString(), Files.readString(file.get()));
      if (!environment.equals(root.path("environment").asText())) {
        LOG.warn(
            "{} holds environment {}, not {}", file.get(), root.path("environment"), environment);
        return Optional.empty();
      }
      SortedMap<String, JsonNode> leaves = new TreeMap<>();
      root.path("values").properties().forEach(e -> leaves.put(e.getKey(), e.getValue()));
      ConfigSnapshot snapshot = ConfigSnapshot.fromLeaves(environment, leaves);
      if (!snapshot.checksum().equals(root.path("checksum").asText())) {
        LOG.warn("{} is damaged: its values do not give its checksum", file.get());
        return Optional.empty();
      }
      OptionalLong version =
          root.has("version")
              ? OptionalLong.of(root.get("version").asLong())
              : OptionalLong.empty();
      return Optional.of(
          new Cached(
              ClientSnapshot.of(snapshot, version, root.path("commit").asText()),
              root.path("fingerprint").asText()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read the last-known-good cache {}: {}", file.get(), e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "ConfigCache[ttl=" + ttl + file.map(f -> ", file=" + f).orElse("") + "]";
  }
}
