package io.gitconf.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gitconf.core.ConfigPath;
import io.gitconf.core.ConfigRepository;
import io.gitconf.core.ConfigSnapshot;
import io.gitconf.core.Json;
import io.gitconf.core.ReleasePolicy;
import io.gitconf.core.SchemaSet;
import io.gitconf.core.SecretMask;
import io.gitconf.mirror.AuditAction;
import io.gitconf.mirror.CommitStatus;
import io.gitconf.mirror.MirrorReader;
import io.gitconf.mirror.Notification;
import io.gitconf.mirror.VersionRecord;
import io.gitconf.mirror.VersionStatus;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
  /** The items (canonical JSON by path) of an environment's active version. */
  record Current(int version, SortedMap<String, String> items) {}

  private final Map<String, Current> cache = new ConcurrentHashMap<>();
  private final Clock clock;

  MirrorWriter(Clock clock) {
    this.clock = clock;
  }

  /**
   * Mirrors {@code commit}. {@code errors} are every reason it may not become active (validation,
   * the snapshot check, or a failure to process it at all), worked out before the transaction;
   * {@code repository} is its tree, absent when the commit could not even be loaded.
   */
  Written write(
      Connection conn,
      String branch,
      CommitInfo commit,
      Optional<ConfigRepository> repository,
      List<String> errors)
      throws SQLException {
    MirrorReader reader = MirrorReader.within(conn);
    if (reader.isRecorded(commit.id())) {
      return new Written(
          new CommitOutcome(commit, CommitOutcome.Kind.ALREADY_DONE, List.of(), List.of()),
          Map.of());
    }
    List<String> environments = environmentsOf(reader, repository);
    lockEnvironments(conn, environments);

    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<VersionPlan> plans = new ArrayList<>();
    Map<String, Release> releases = new HashMap<>();
    for (String env : environments) {
      Optional<ConfigSnapshot> snapshot =
          repository.flatMap(r -> Optional.ofNullable(r.snapshots().get(env)));
      if (errors.isEmpty()) {
        // The policy in force is the commit's own.
        Optional<ReleasePolicy> policy =
            repository.flatMap(ConfigRepository::manifest).flatMap(m -> m.releasePolicy(env));
        Optional<VersionPlan> plan =
            plan(
                conn,
                reader,
                env,
                snapshot.orElseThrow(),
                repository.orElseThrow().schemas(),
                policy.isPresent());
        if (plan.isPresent() && plan.get().status() == VersionStatus.CANDIDATE) {
          ReleaseRows.Start start =
              ReleaseRows.start(
                  conn, env, policy.orElseThrow(), ReleaseRows.emergency(commit.message()), now);
          releases.put(env, new Release(policy.orElseThrow(), start));
          if (start.holdUntil().isPresent()) {
            plan = Optional.of(withStatus(plan.get(), VersionStatus.HELD));
          }
        }
        plan.ifPresent(plans::add);
      } else {
        plans.add(rejected(conn, env, snapshot));
      }
    }
    CommitOutcome.Kind kind =
        !errors.isEmpty()
            ? CommitOutcome.Kind.REJECTED
            : plans.isEmpty() ? CommitOutcome.Kind.UNCHANGED : CommitOutcome.Kind.MIRRORED;

    insertCommit(conn, branch, commit, kind.stored().orElseThrow(), errors);
    List<CommitOutcome.EnvironmentVersion> written = new ArrayList<>();
    Map<String, Current> activated = new HashMap<>();
    for (VersionPlan plan : plans) {
      apply(conn, commit, plan, errors, Optional.ofNullable(releases.get(plan.environment())), now);
      if (plan.status() != VersionStatus.REJECTED) {
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

  /** The policy a new version of an environment is released under, and whether it starts now. */
  private record Release(ReleasePolicy policy, ReleaseRows.Start start) {}

  private static VersionPlan withStatus(VersionPlan plan, VersionStatus status) {
    return new VersionPlan(
        plan.environment(),
        plan.version(),
        status,
        plan.checksum(),
        plan.itemCount(),
        plan.next(),
        plan.changes());
  }

  /**
   * What {@link #write} did, with the items of the newest version of each environment it wrote
   * (active, candidate or held: the items still open); hand it to {@link #committed} once the
   * transaction has committed.
   */
  record Written(CommitOutcome outcome, Map<String, Current> activated) {}

  /** Remembers the items of the versions a committed transaction activated. */
  void committed(Written written) {
    cache.putAll(written.activated());
  }

  /** A rejected version: its number is used, it has no items and never becomes active. */
  private static VersionPlan rejected(
      Connection conn, String env, Optional<ConfigSnapshot> snapshot) throws SQLException {
    return new VersionPlan(
        env,
        nextVersion(conn, env),
        VersionStatus.REJECTED,
        snapshot.map(ConfigSnapshot::checksum),
        snapshot.map(s -> s.leaves().size()).orElse(0),
        new TreeMap<>(),
        List.of());
  }

  private Optional<VersionPlan> plan(
      Connection conn,
      MirrorReader reader,
      String env,
      ConfigSnapshot snapshot,
      SchemaSet schemas,
      boolean released)
      throws SQLException {
    Optional<VersionRecord> active = reader.activeVersion(env);
    // The newest version that has items (active, candidate, held or rolled back): a commit equal to
    // it, or to the active one, changes nothing; a rolled-back version is never released again.
    Optional<VersionRecord> head = reader.latestVersion(env);
    Optional<String> checksum = Optional.of(snapshot.checksum());
    if (active.isPresent() && checksum.equals(active.get().checksum())
        || head.isPresent() && checksum.equals(head.get().checksum())) {
      return Optional.empty();
    }
    int nextVersion = nextVersion(conn, env);
    SortedMap<String, String> current = currentItems(conn, env, head.map(VersionRecord::version));
    SortedMap<String, String> next = new TreeMap<>();
    for (Map.Entry<String, JsonNode> leaf : snapshot.leaves().entrySet()) {
      next.put(leaf.getKey(), Json.canonical(leaf.getValue()));
    }
    List<VersionPlan.Change> changes = new ArrayList<>();
    for (Map.Entry<String, String> item : next.entrySet()) {
      String old = current.get(item.getKey());
      if (old == null) {
        changes.add(
            new VersionPlan.Change(
                item.getKey(),
                AuditAction.CREATE,
                null,
                audited(schemas, item.getKey(), item.getValue())));
      } else if (!old.equals(item.getValue())) {
        changes.add(
            new VersionPlan.Change(
                item.getKey(),
                AuditAction.UPDATE,
                audited(schemas, item.getKey(), old),
                audited(schemas, item.getKey(), item.getValue())));
      }
    }
    for (Map.Entry<String, String> item : current.entrySet()) {
      if (!next.containsKey(item.getKey())) {
        changes.add(
            new VersionPlan.Change(
                item.getKey(),
                AuditAction.DELETE,
                audited(schemas, item.getKey(), item.getValue()),
                null));
      }
    }
    changes.sort((a, b) -> a.path().compareTo(b.path()));
    VersionStatus status;
    if (reader.pin(env).isPresent()) {
      status = VersionStatus.HELD;
    } else if (released && active.isPresent()) {
      // A release needs a base to serve the others and to return to; the first version has none.
      status = VersionStatus.CANDIDATE;
    } else {
      status = VersionStatus.ACTIVE;
    }
    return Optional.of(
        new VersionPlan(env, nextVersion, status, checksum, next.size(), next, changes));
  }

  /** A value as the audit trail shows it: {@code "****"} for secrets and any ciphertext. */
  private static String audited(SchemaSet schemas, String path, String canonical) {
    boolean secret = canonical.startsWith("\"ENC[") || schemas.isSecret(ConfigPath.parse(path));
    return secret ? "\"" + SecretMask.MASK + "\"" : canonical;
  }

  private void apply(
      Connection conn,
      CommitInfo commit,
      VersionPlan plan,
      List<String> errors,
      Optional<Release> release,
      Instant now)
      throws SQLException {
    String env = plan.environment();
    if (plan.status() == VersionStatus.ACTIVE) {
      VersionRows.supersedeActive(conn, env);
    }
    if (release.isPresent()) {
      // Before the insert: the database keeps at most one candidate per environment.
      ReleaseRows.replace(conn, env, plan.version(), commit.shortId(), now);
      VersionRows.insertVersion(conn, commit, plan, errors);
      // Items now; audit rows when the release completes and the version becomes active.
      VersionRows.writeItems(conn, plan);
      ReleaseRows.begin(
          conn,
          env,
          plan.version(),
          commit.id(),
          release.get().policy(),
          release.get().start(),
          "commit " + commit.shortId() + " by " + commit.author() + ": " + commit.subject(),
          now);
      return;
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
    VersionRows.notifyClients(
        conn, new Notification(env, plan.version(), plan.checksum().orElseThrow()));
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

  /**
   * The items still open (not closed by a later version): those of the newest version with items
   * ({@code head}: the active one, or a candidate, held or rolled-back one written after it).
   */
  private SortedMap<String, String> currentItems(
      Connection conn, String env, Optional<Integer> head) throws SQLException {
    Current cached = cache.get(env);
    if (head.isEmpty()) {
      return new TreeMap<>();
    }
    if (cached != null && cached.version() == head.get()) {
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

  /**
   * The environments a commit is written to: those its manifest declares, or, when the manifest
   * cannot be read or the commit not loaded at all (a rejected commit), every environment mirrored
   * so far.
   */
  private static List<String> environmentsOf(
      MirrorReader reader, Optional<ConfigRepository> repository) {
    return repository
        .flatMap(ConfigRepository::manifest)
        .map(m -> m.environmentNames())
        .orElseGet(reader::environments);
  }

  /** Creates missing environment rows and locks all of them, in name order to avoid deadlocks. */
  private static void lockEnvironments(Connection conn, List<String> environments)
      throws SQLException {
    Array names = textArray(conn, environments);
    execute(
        conn,
        "INSERT INTO environments (name) SELECT unnest(?::text[]) ON CONFLICT DO NOTHING",
        names);
    try (PreparedStatement lock =
        conn.prepareStatement(
            "SELECT name FROM environments WHERE name = ANY (?) ORDER BY name FOR UPDATE")) {
      lock.setArray(1, names);
      lock.executeQuery().close();
    }
  }

  private static void insertCommit(
      Connection conn, String branch, CommitInfo commit, CommitStatus status, List<String> errors)
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
      insert.setString(8, status.sql());
      insert.setString(9, jsonArray(errors));
      insert.executeUpdate();
    }
  }

  /** Records where the syncer of {@code branch} stands; part of the caller's transaction. */
  static void savePosition(Connection conn, String branch, String commitId) throws SQLException {
    execute(
        conn,
        "INSERT INTO sync_state (branch, last_commit_id) VALUES (?, ?)"
            + " ON CONFLICT (branch) DO UPDATE"
            + " SET last_commit_id = excluded.last_commit_id, updated_at = now()",
        branch,
        commitId);
  }

  /**
   * Runs one statement of the caller's transaction with {@code parameters} bound in order, and
   * reads nothing back: the write side of {@link MirrorReader}'s queries. For parameters that are
   * never null; the inserts with optional columns bind each column's type themselves.
   */
  static void execute(Connection conn, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = conn.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      statement.execute();
    }
  }

  static Array textArray(Connection conn, List<String> values) throws SQLException {
    return conn.createArrayOf("text", values.toArray(new String[0]));
  }

  /** A JSON list of strings for a {@code jsonb} column, which cannot hold NUL either. */
  static String jsonArray(List<String> values) {
    try {
      return Json.MAPPER.writeValueAsString(values.stream().map(CommitInfo::storable).toList());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
