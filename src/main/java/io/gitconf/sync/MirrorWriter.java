package io.gitconf.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.Json;
import io.gitconf.core.Problem;
import io.gitconf.core.SchemaSet;
import io.gitconf.core.SecretMask;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes one commit into the mirror in one transaction: the commit record, a version per changed
 * environment with its items and audit rows, the activation, the sync position and the {@code
 * NOTIFY}. Either all of it is committed or none of it.
 *
 * <p>Exactly once: the caller holds the mirror's write lock (a transaction-level advisory lock), so
 * a commit already in {@code sync_commits} is seen and skipped; that table's unique key, the
 * version numbers' primary key and the one-active index refuse what slips past anyway.
 *
 * <p>Thread-safe. Keeps the current items of each environment in memory (canonical JSON by path),
 * keyed by the active version they belong to, so a one-path change does not read the whole snapshot
 * back; the cache is checked against the database's active version inside every transaction and
 * only updated after a commit succeeds.
 */
final class MirrorWriter {
  static final String CHANNEL = "gitconf_config";

  /** The items (canonical JSON by path) of an environment's active version. */
  record Current(int version, SortedMap<String, String> items) {}

  private final Map<String, Current> cache = new ConcurrentHashMap<>();

  /** Mirrors {@code commit}, whose tree {@code repository} was loaded from. */
  Written write(Connection conn, String branch, CommitInfo commit, ConfigRepository repository)
      throws SQLException {
    if (isRecorded(conn, commit.id())) {
      return new Written(
          new CommitOutcome(commit, CommitOutcome.Kind.ALREADY_DONE, List.of(), List.of()),
          Map.of());
    }
    List<String> errors =
        repository.validate().stream().filter(Problem::isError).map(Problem::toString).toList();
    List<String> environments = environmentsOf(conn, repository);
    lockEnvironments(conn, environments);

    List<VersionPlan> plans = new ArrayList<>();
    for (String env : environments) {
      Optional<ConfigSnapshot> snapshot = Optional.ofNullable(repository.snapshots().get(env));
      plan(conn, env, snapshot, errors.isEmpty(), repository).ifPresent(plans::add);
    }
    CommitOutcome.Kind kind =
        !errors.isEmpty()
            ? CommitOutcome.Kind.REJECTED
            : plans.isEmpty() ? CommitOutcome.Kind.UNCHANGED : CommitOutcome.Kind.MIRRORED;

    insertCommit(conn, branch, commit, kind, errors);
    List<CommitOutcome.EnvironmentVersion> written = new ArrayList<>();
    Map<String, Current> activated = new HashMap<>();
    for (VersionPlan plan : plans) {
      apply(conn, commit, plan, errors);
      if (plan.status() == VersionStatus.ACTIVE) {
        activated.put(plan.environment(), new Current(plan.version(), plan.next()));
      }
      written.add(
          new CommitOutcome.EnvironmentVersion(
              plan.environment(),
              plan.version(),
              plan.status(),
              plan.checksum().orElse(""),
              plan.changes().size()));
    }
    savePosition(conn, branch, commit.id());
    return new Written(new CommitOutcome(commit, kind, written, errors), activated);
  }

  /**
   * What {@link #write} did, with the items each activated environment now has; hand it to {@link
   * #committed} once the transaction has committed.
   */
  record Written(CommitOutcome outcome, Map<String, Current> activated) {}

  /** Remembers the items of the versions a committed transaction activated. */
  void committed(Written written) {
    cache.putAll(written.activated());
  }

  private Optional<VersionPlan> plan(
      Connection conn,
      String env,
      Optional<ConfigSnapshot> snapshot,
      boolean valid,
      ConfigRepository repository)
      throws SQLException {
    Optional<ActiveVersion> active = activeVersion(conn, env);
    int nextVersion = nextVersion(conn, env);
    Optional<String> checksum = snapshot.map(ConfigSnapshot::checksum);
    if (!valid) {
      return Optional.of(
          new VersionPlan(
              env,
              nextVersion,
              VersionStatus.REJECTED,
              checksum,
              snapshot.map(s -> s.leaves().size()).orElse(0),
              new TreeMap<>(),
              List.of()));
    }
    if (active.isPresent() && checksum.equals(Optional.of(active.get().checksum()))) {
      return Optional.empty();
    }
    SortedMap<String, String> current = currentItems(conn, env, active);
    SortedMap<String, String> next = new TreeMap<>();
    for (Map.Entry<String, JsonNode> leaf : snapshot.orElseThrow().leaves().entrySet()) {
      next.put(leaf.getKey(), Json.canonical(leaf.getValue()));
    }
    SchemaSet schemas = repository.schemas();
    List<VersionPlan.Change> changes = new ArrayList<>();
    for (Map.Entry<String, String> item : next.entrySet()) {
      String old = current.get(item.getKey());
      if (old == null) {
        changes.add(
            new VersionPlan.Change(
                item.getKey(), "create", null, audited(schemas, item.getKey(), item.getValue())));
      } else if (!old.equals(item.getValue())) {
        changes.add(
            new VersionPlan.Change(
                item.getKey(),
                "update",
                audited(schemas, item.getKey(), old),
                audited(schemas, item.getKey(), item.getValue())));
      }
    }
    for (Map.Entry<String, String> item : current.entrySet()) {
      if (!next.containsKey(item.getKey())) {
        changes.add(
            new VersionPlan.Change(
                item.getKey(), "delete", audited(schemas, item.getKey(), item.getValue()), null));
      }
    }
    changes.sort((a, b) -> a.path().compareTo(b.path()));
    VersionStatus status =
        EnvironmentPins.isPinned(conn, env) ? VersionStatus.HELD : VersionStatus.ACTIVE;
    return Optional.of(
        new VersionPlan(env, nextVersion, status, checksum, next.size(), next, changes));
  }

  /** A value as the audit trail shows it: {@code "****"} for secrets and any ciphertext. */
  private static String audited(SchemaSet schemas, String path, String canonical) {
    boolean secret = canonical.startsWith("\"ENC[") || schemas.isSecret(ConfigPath.parse(path));
    return secret ? "\"" + SecretMask.MASK + "\"" : canonical;
  }

  private void apply(Connection conn, CommitInfo commit, VersionPlan plan, List<String> errors)
      throws SQLException {
    String env = plan.environment();
    if (plan.status() == VersionStatus.ACTIVE) {
      try (PreparedStatement supersede =
          conn.prepareStatement(
              "UPDATE config_versions SET status = 'superseded'"
                  + " WHERE environment = ? AND status = 'active'")) {
        supersede.setString(1, env);
        supersede.executeUpdate();
      }
    }
    VersionRows.insertVersion(conn, commit, plan, errors);
    if (plan.status() == VersionStatus.HELD) {
      // A pinned environment keeps its history and item ranges, but nothing becomes active.
      VersionRows.writeItems(conn, plan);
      return;
    }
    if (plan.status() != VersionStatus.ACTIVE) {
      return;
    }
    VersionRows.writeItems(conn, plan);
    VersionRows.writeAudit(conn, commit, plan);
    try (PreparedStatement notify = conn.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, CHANNEL);
      notify.setString(2, notification(env, plan.version(), plan.checksum().orElseThrow()));
      notify.execute();
    }
  }

  /** The {@code NOTIFY} payload: {@code {"checksum":"…","environment":"prod","version":7}}. */
  static String notification(String environment, int version, String checksum) {
    return Json.canonical(
        Json.MAPPER
            .createObjectNode()
            .put("environment", environment)
            .put("version", version)
            .put("checksum", checksum));
  }

  private record ActiveVersion(int version, String checksum) {}

  private static Optional<ActiveVersion> activeVersion(Connection conn, String env)
      throws SQLException {
    try (PreparedStatement select =
        conn.prepareStatement(
            "SELECT version, checksum FROM config_versions"
                + " WHERE environment = ? AND status = 'active'")) {
      select.setString(1, env);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next()
            ? Optional.of(new ActiveVersion(rs.getInt(1), rs.getString(2)))
            : Optional.empty();
      }
    }
  }

  private static int nextVersion(Connection conn, String env) throws SQLException {
    try (PreparedStatement select =
        conn.prepareStatement(
            "SELECT coalesce(max(version), 0) + 1 FROM config_versions WHERE environment = ?")) {
      select.setString(1, env);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private SortedMap<String, String> currentItems(
      Connection conn, String env, Optional<ActiveVersion> active) throws SQLException {
    Current cached = cache.get(env);
    if (active.isEmpty()) {
      return new TreeMap<>();
    }
    if (cached != null && cached.version() == active.get().version()) {
      return cached.items();
    }
    SortedMap<String, String> items = new TreeMap<>();
    try (PreparedStatement select =
        conn.prepareStatement(
            "SELECT path, value FROM config_items WHERE environment = ? AND valid_to IS NULL")) {
      select.setString(1, env);
      select.setFetchSize(5_000);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          items.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return items;
  }

  private static boolean isRecorded(Connection conn, String commitId) throws SQLException {
    try (PreparedStatement select =
        conn.prepareStatement("SELECT 1 FROM sync_commits WHERE commit_id = ?")) {
      select.setString(1, commitId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * The environments a commit is written to: those its manifest declares, or, when the manifest
   * cannot be read (a rejected commit), every environment mirrored so far.
   */
  private static List<String> environmentsOf(Connection conn, ConfigRepository repository)
      throws SQLException {
    if (repository.manifest().isPresent()) {
      return repository.manifest().get().environmentNames();
    }
    List<String> names = new ArrayList<>();
    try (PreparedStatement select =
            conn.prepareStatement("SELECT name FROM environments ORDER BY name");
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /** Creates missing environment rows and locks all of them, in name order to avoid deadlocks. */
  private static void lockEnvironments(Connection conn, List<String> environments)
      throws SQLException {
    Array names = textArray(conn, environments);
    try (PreparedStatement insert =
        conn.prepareStatement(
            "INSERT INTO environments (name) SELECT unnest(?::text[]) ON CONFLICT DO NOTHING")) {
      insert.setArray(1, names);
      insert.executeUpdate();
    }
    try (PreparedStatement lock =
        conn.prepareStatement(
            "SELECT name FROM environments WHERE name = ANY (?) ORDER BY name FOR UPDATE")) {
      lock.setArray(1, names);
      lock.executeQuery().close();
    }
  }

  private static void insertCommit(
      Connection conn,
      String branch,
      CommitInfo commit,
      CommitOutcome.Kind kind,
      List<String> errors)
      throws SQLException {
    try (PreparedStatement insert =
        conn.prepareStatement(
            "INSERT INTO sync_commits (commit_id, branch, parent_id, author_name, author_email,"
                + " committed_at, message, outcome, errors)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
      insert.setString(1, commit.id());
      insert.setString(2, branch);
      insert.setString(3, commit.parentId().orElse(null));
      insert.setString(4, commit.authorName());
      insert.setString(5, commit.authorEmail());
      insert.setTimestamp(6, Timestamp.from(commit.time()));
      insert.setString(7, commit.message());
      insert.setString(8, kind.name().toLowerCase(java.util.Locale.ROOT));
      insert.setString(9, jsonArray(errors));
      insert.executeUpdate();
    }
  }

  /** Records where the syncer of {@code branch} stands; part of the caller's transaction. */
  static void savePosition(Connection conn, String branch, String commitId) throws SQLException {
    try (PreparedStatement upsert =
        conn.prepareStatement(
            "INSERT INTO sync_state (branch, last_commit_id) VALUES (?, ?)"
                + " ON CONFLICT (branch) DO UPDATE"
                + " SET last_commit_id = excluded.last_commit_id, updated_at = now()")) {
      upsert.setString(1, branch);
      upsert.setString(2, commitId);
      upsert.executeUpdate();
    }
  }

  static Array textArray(Connection conn, List<String> values) throws SQLException {
    return conn.createArrayOf("text", values.toArray(new String[0]));
  }

  static String jsonArray(List<String> values) {
    try {
      return Json.MAPPER.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
