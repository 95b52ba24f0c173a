package io.gitconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.GitconfException;
import io.gitconf.core.Problem;
import io.gitconf.core.SnapshotCheck;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One immutable version of an environment's configuration as a client serves it: the values by path
 * (plain Java values, frozen at every depth, so a getter is a hash lookup) and the six trading
 * records, all built when the snapshot is made. A reader holding a snapshot never sees a mix of two
 * versions.
 *
 * <p>{@link #version()}, {@link #commit()} and {@link #checksum()} identify the version as its
 * source has it. The values served are that version's, except at the paths of {@link #heldBack()}:
 * paths marked {@code x-reload: restart} whose change waits for a restart and which keep their
 * start-up values meanwhile.
 *
 * <p>Immutable and thread-safe. Objects bound with {@link #get(String, Class)} are bound once and
 * shared by every caller, so bind to records or other immutable types.
 */
public final class ClientSnapshot {
  /**
   * The types {@link #get(String, Class)} reads as a value at a path rather than binds: {@code
   * Object} stands for any of them.
   */
  private static final Set<Class<?>> VALUE_TYPES =
      Set.of(
          String.class,
          Long.class,
          Double.class,
          Boolean.class,
          BigInteger.class,
          List.class,
          Map.class,
          Object.class);

  private final ConfigSnapshot source;
  private final OptionalLong version;
  private final String commit;
  private final String checksum;
  private final List<String> heldBack;
  private final Map<String, Object> values;
  private final TypedRecords records;
  private final Map<Bound, Object> bound = new ConcurrentHashMap<>();

  private record Bound(String path, Class<?> type) {}

  private ClientSnapshot(
      ConfigSnapshot source,
      OptionalLong version,
      String commit,
      String checksum,
      List<String> heldBack) {
    this.source = source;
    this.version = version;
    this.commit = commit;
    this.checksum = checksum;
    this.heldBack = List.copyOf(heldBack);
    Map<String, Object> plain = new HashMap<>();
    source.leaves().forEach((path, value) -> plain.put(path, leaf(value)));
    this.values = Collections.unmodifiableMap(plain);
    List<Problem> problems = new ArrayList<>();
    this.records = TypedRecords.bind(source, problems);
    if (!problems.isEmpty()) {
      throw new GitconfException.ValidationFailed(
          "environment " + source.environment() + " (" + describe(version, commit) + ")", problems);
    }
  }

  /**
   * A client snapshot of a resolved environment, served as it is; a {@link
   * GitconfException.ValidationFailed} if a category does not bind to its typed record (a reload
   * failure, never a half-built snapshot).
   */
  static ClientSnapshot of(ConfigSnapshot source, OptionalLong version, String commit) {
    return new ClientSnapshot(source, version, commit, source.checksum(), List.of());
  }

  /**
   * A client snapshot whose {@code served} values differ from the version the source has (checksum
   * {@code checksum}) at the {@code heldBack} paths.
   */
  static ClientSnapshot of(
      ConfigSnapshot served,
      OptionalLong version,
      String commit,
      String checksum,
      List<String> heldBack) {
    return new ClientSnapshot(served, version, commit, checksum, heldBack);
  }

  /**
   * The check the syncer runs before it activates a version: every trading record binds as a client
   * binds it. Its problems name the file and line (when known), the path and the reason, with the
   * rule {@code binding}; e.g. an {@code int} setting holding {@code 99999999999999999999999}.
   */
  public static SnapshotCheck bindingCheck() {
    return snapshot -> {
      List<Problem> problems = new ArrayList<>();
      TypedRecords.bind(snapshot, problems);
      return List.copyOf(problems);
    };
  }

  public String environment() {
    return source.environment();
  }

  /** The mirror's version number, when the snapshot came from the mirror. */
  public OptionalLong version() {
    return version;
  }

  /** The Git commit (or, for a working directory, a description of it). */
  public String commit() {
    return commit;
  }

  /** The checksum of the version as its source has it (the mirror's, or the resolved files'). */
  public String checksum() {
    return checksum;
  }

  /**
   * Paths marked {@code x-reload: restart} whose value in this version differs from the start-up
   * value, which is served instead until a restart; empty when every value is the version's.
   */
  public List<String> heldBack() {
    return heldBack;
  }

  /** The resolved snapshot of the values served. */
  ConfigSnapshot source() {
    return source;
  }

  /** Values by path: String, Long, Double, Boolean, List or (empty) Map. */
  Map<String, Object> values() {
    return values;
  }

  TypedRecords records() {
    return records;
  }

  /**
   * The configuration at {@code path} as a {@code type}.
   *
   * <ul>
   *   <li>{@code String}, {@code Long}, {@code BigInteger}, {@code Double}, {@code Boolean}, {@code
   *       List} or {@code Map}: the value set at that path, as it is ({@code Object} for any of
   *       them). Lists and maps cannot be modified, at any depth.
   *   <li>any other type (a record or a bean): the subtree at {@code path} (a category such as
   *       {@code liquidity}, or a map inside one) bound with Jackson, once per snapshot and type.
   * </ul>
   *
   * @throws GitconfException.Missing when nothing is set at the path
   * @throws GitconfException.WrongType when the value is of another type, or the subtree does not
   *     bind; the message names the exact path that does not fit
   */
  public <T> T get(String path, Class<T> type) {
    if (!VALUE_TYPES.contains(type)) {
      return type.cast(bound.computeIfAbsent(new Bound(path, type), this::bind));
    }
    Object value = values.get(path);
    if (value != NULL && type.isInstance(value)) {
      return type.cast(value);
    }
    throw value == null ? missing(path) : wrongType(path, value, type.getSimpleName());
  }

  public String getString(String path) {
    return get(path, String.class);
  }

  public long getLong(String path) {
    return get(path, Long.class);
  }

  /** A number as a double (integers included). */
  public double getDouble(String path) {
    Object value = values.get(path);
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof Long l) {
      return l;
    }
    throw value == null ? missing(path) : wrongType(path, value, "a number");
  }

  public boolean getBoolean(String path) {
    return get(path, Boolean.class);
  }

  private Object bind(Bound key) {
    Optional<JsonNode> node = source.get(ConfigPath.parse(key.path()));
    if (node.isEmpty()) {
      throw missing(key.path());
    }
    try {
      return Binder.bind(node.get(), key.path(), key.type());
    } catch (Binder.Failure failure) {
      throw new GitconfException.WrongType(
          failure.path()
              + ": does not bind to "
              + key.type().getSimpleName()
              + ": "
              + failure.reason());
    }
  }

  private GitconfException missing(String path) {
    return new GitconfException.Missing(
        path + ": not set in " + environment() + " (" + describe(version, commit) + ")");
  }

  private static GitconfException wrongType(String path, Object value, String wanted) {
    String actual = value == NULL ? "null" : value.getClass().getSimpleName();
    return new GitconfException.WrongType(path + ": is " + actual + ", not " + wanted);
  }

  /**
   * Stands for a YAML null set at a path, so that "no such path" and "null" stay apart; never
   * handed out.
   */
  private static final Object NULL = new Object();

  private static Object leaf(JsonNode value) {
    Object plain = PlainValues.of(value);
    return plain == null ? NULL : plain;
  }

  static String describe(OptionalLong version, String commit) {
    return (version.isPresent() ? "version " + version.getAsLong() + ", " : "") + commit;
  }

  @Override
  public String toString() {
    return "ClientSnapshot["
        + environment()
        + ", "
        + describe(version, commit)
        + ", "
        + values.size()
        + " values"
        + (heldBack.isEmpty() ? "" : ", held back until a restart: " + heldBack)
        + "]";
  }
}
