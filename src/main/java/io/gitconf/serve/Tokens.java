package io.gitconf.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The relay's bearer tokens, as a token file holds them: for each a name, the environments it may
 * read, and the SHA-256 of the token, never the token itself. A token is 256 random bits, written
 * {@code gct_} and 43 base64url characters; it is shown once, when created.
 *
 * <p>The file is JSON, {@code {"tokens":[{"name":…,"environments":[…],"sha256":…,"created":…}]}},
 * written whole to a temporary file and moved over the old one, so a relay re-reading it never sees
 * half a file.
 *
 * <p>Immutable and thread-safe; changes return the new set and {@link #write} stores it.
 */
public final class Tokens {
  /** What every token starts with, so one is recognisable in a secret scanner. */
  public static final String PREFIX = "gct_";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** One token: what it may read. */
  public record Grant(String name, Set<String> environments, String sha256, Instant created) {
    public Grant {
      environments = Collections.unmodifiableSortedSet(new TreeSet<>(environments));
    }

    /** True when the token may read {@code environment}. */
    public boolean allows(String environment) {
      return environments.contains(environment);
    }
  }

  /** A token just made: its grant, and the token itself, to be shown once. */
  public record Created(Grant grant, String token) {
    @Override
    public String toString() {
      return "Created[" + grant.name() + ", token=****]";
    }
  }

  private final List<Grant> grants;

  private Tokens(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  /** No tokens. */
  public static Tokens none() {
    return new Tokens(List.of());
  }

  /**
   * The tokens of {@code file}; none when it does not exist yet.
   *
   * @throws GitconfException.BadRequest naming the file when it is not a token file
   */
  public static Tokens read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return none();
    } catch (IOException e) {
      throw new GitconfException.Unavailable("cannot read the token file " + file + ": " + e, e);
    }
    JsonNode root;
    try {
      root = Json.parse(file.toString(), text);
    } catch (GitconfException e) {
      throw new GitconfException.BadRequest(e.getMessage());
    }
    List<Grant> grants = new ArrayList<>();
    JsonNode list = root.path("tokens");
    if (!list.isArray()) {
      throw new GitconfException.BadRequest(file + ": not a token file (no \"tokens\" list)");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode entry = list.get(i);
      String hash = entry.path("sha256").asText("");
      if (!entry.path("name").isTextual()
          || !hash.matches("[0-9a-f]{64}")
          || !entry.path("environments").isArray()) {
        throw new GitconfException.BadRequest(
            file
                + ": token "
                + (i + 1)
                + " needs a name, environments and a sha256 of 64 hex digits");
      }
      Set<String> environments = new TreeSet<>();
      entry.path("environments").forEach(e -> environments.add(e.asText()));
      Instant created =
          entry.path("created").isTextual()
              ? Instant.parse(entry.path("created").asText())
              : Instant.EPOCH;
      grants.add(new Grant(entry.path("name").asText(), environments, hash, created));
    }
    return new Tokens(grants);
  }

  /** Writes these tokens to {@code file} at once (a temporary file moved over it). */
  public void write(Path file) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode list = root.putArray("tokens");
    for (Grant grant : grants) {
      ObjectNode entry = list.addObject();
      entry.put("name", grant.name());
      ArrayNode environments = entry.putArray("environments");
      grant.environments().forEach(environments::add);
      entry.put("sha256", grant.sha256());
      entry.put("created", grant.created().toString());
    }
    Path absolute = file.toAbsolutePath();
    try {
      Files.createDirectories(absolute.getParent());
      Path temporary = Files.createTempFile(absolute.getParent(), ".tokens", ".tmp");
      Files.writeString(temporary, Json.pretty(root) + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(
            temporary,
            absolute,
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new GitconfException.Unavailable("cannot write the token file " + file + ": " + e, e);
    }
  }

  public List<Grant> grants() {
    return grants;
  }

  /**
   * A new token named {@code name} for {@code environments}.
   *
   * @throws GitconfException.BadRequest when the name is taken or no environment is given
   */
  public Created create(String name, Set<String> environments, Instant now) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new GitconfException.BadRequest(
          "a token name is 1 to 64 letters, digits, '.', '_' or '-': " + name);
    }
    if (environments.isEmpty()) {
      throw new GitconfException.BadRequest("a token needs at least one environment (--env)");
    }
    if (grants.stream().anyMatch(g -> g.name().equals(name))) {
      throw new GitconfException.BadRequest(
          "a token named " + name + " exists already; revoke it first or choose another name");
    }
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    return new Created(new Grant(name, environments, hash(token), now), token);
  }

  /** These tokens and {@code created}. */
  public Tokens with(Created created) {
    List<Grant> next = new ArrayList<>(grants);
    next.add(created.grant());
    return new Tokens(next);
  }

  /**
   * These tokens without the one named {@code name}.
   *
   * @throws GitconfException.BadRequest when there is none of that name
   */
  public Tokens without(String name) {
    List<Grant> next = new ArrayList<>(grants);
    if (!next.removeIf(g -> g.name().equals(name))) {
      throw new GitconfException.BadRequest("no token named " + name);
    }
    return new Tokens(next);
  }

  /**
   * The grant of {@code presented}, if it is one of these tokens. Every stored hash is compared, in
   * constant time, whatever matches, so timing tells nothing of the hashes.
   */
  public Optional<Grant> find(String presented) {
    byte[] hash = HexFormat.of().parseHex(hash(presented));
    Grant found = null;
    for (Grant grant : grants) {
      if (MessageDigest.isEqual(hash, HexFormat.of().parseHex(grant.sha256())) && found == null) {
        found = grant;
      }
    }
    return Optional.ofNullable(found);
  }

  /** SHA-256 of a token's UTF-8 bytes, hex. */
  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
