package io.gitconf.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.Json;
import io.gitconf.sync.Database;
import io.gitconf.sync.SyncListener;
import io.gitconf.sync.SyncSettings;
import io.gitconf.sync.Syncer;
import io.gitconf.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;

/**
 * Everything a client test needs around it, all real: a bare "remote" config repository made from
 * the trading template, an engineer's clone of it, a PostgreSQL mirror and a syncer following the
 * remote's {@code main}. Public for the integrations' tests.
 */
public final class TradingDesk implements AutoCloseable {
  public static final PersonIdent ADA = new PersonIdent("Ada Trader", "ada@desk.example");
  public static final PersonIdent BO = new PersonIdent("Bo Risk", "bo@desk.example");

  final Path origin;
  final Path clone;
  final Git git;
  public final TestDatabase testDb;
  public final Database database;
  private final Path dir;
  private Syncer syncer;

  private TradingDesk(Path dir, Path origin, Path clone, Git git, TestDatabase testDb) {
    this.dir = dir;
    this.origin = origin;
    this.clone = clone;
    this.git = git;
    this.testDb = testDb;
    this.database = Database.connect(testDb.jdbcUrl(), Optional.empty());
  }

  /** The remote with the template as its first commit, a clone of it, and an empty mirror. */
  public static TradingDesk open(Path dir) {
    try {
      Path origin = dir.resolve("origin.git");
      Git.init().setBare(true).setInitialBranch("main").setGitDir(origin.toFile()).call().close();
      Path clone = GoldenRepos.templateWithoutReleases(dir.resolve("engineer"));
      Git git = Git.init().setDirectory(clone.toFile()).setInitialBranch("main").call();
      git.remoteAdd().setName("origin").setUri(new URIish(origin.toUri().toString())).call();
      TradingDesk desk = new TradingDesk(dir, origin, clone, git, TestDatabase.create());
      desk.commit(ADA, "Initial configuration from the trading template");
      return desk;
    } catch (GitAPIException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Declares prod's release policy in the clone's {@code gitconf.yaml}: {@code release} is the
   * policy's lines, each as it stands under {@code release:} without indentation.
   */
  TradingDesk releasePolicy(String release) {
    String prod =
        "    description: Live trading with real funds. Conservative limits; every change is"
            + " reviewed.\n";
    return edit("gitconf.yaml", prod, prod + "    release:\n" + release.indent(6));
  }

  String originUrl() {
    return origin.toUri().toString();
  }

  /** Replaces {@code old} with {@code replacement} in a file of the engineer's clone. */
  public TradingDesk edit(String file, String old, String replacement) {
    try {
      Path path = clone.resolve(file);
      String text = Files.readString(path);
      if (!text.contains(old)) {
        throw new IllegalArgumentException(file + " does not contain " + old);
      }
      Files.writeString(path, text.replace(old, replacement), StandardCharsets.UTF_8);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TradingDesk write(String file, String text) {
    try {
      Path path = clone.resolve(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, text, StandardCharsets.UTF_8);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Gives the repository its own risk schema without the maximum of {@code maxExposurePercent} (not
   * committed): the syncer then accepts what a client's shipped schemas refuse.
   */
  public TradingDesk looseRiskSchema() {
    try (var in = TradingDesk.class.getResourceAsStream("/gitconf/schemas/risk.schema.json")) {
      ObjectNode loose =
          (ObjectNode)
              Json.parse("risk schema", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      ((ObjectNode) loose.at("/properties/parameters/properties/maxExposurePercent"))
          .remove("maximum");
      return write("schemas/risk-loose.schema.json", Json.pretty(loose))
          .edit(
              "gitconf.yaml",
              "risk: {schema: risk}",
              "risk: {schema: schemas/risk-loose.schema.json}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String read(String file) {
    try {
      return Files.readString(clone.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Commits every change of the clone and pushes it to the remote. */
  public RevCommit commit(PersonIdent author, String message) {
    try {
      git.pull().setRemote("origin").setRemoteBranchName("main").call();
    } catch (GitAPIException e) {
      // The first commit: the remote has no main yet.
    }
    try {
      git.add().addFilepattern(".").call();
      RevCommit commit =
          git.commit()
              .setAuthor(author)
              .setCommitter(author)
              .setMessage(message)
              .setSign(false)
              .call();
      git.push().setRemote("origin").add("main").call();
      return commit;
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts a syncer following the remote's main, polling every {@code poll}. */
  public Syncer startSyncer(Duration poll) {
    syncer =
        new Syncer(
            database,
            SyncSettings.of(origin.toString(), "main", poll, dir.resolve("syncer-cache")),
            SyncListener.NONE);
    syncer.start();
    return syncer;
  }

  /** Mirrors what the remote holds now, on this thread. */
  public int syncOnce() {
    try (Syncer once =
        new Syncer(
            database,
            SyncSettings.of(
                origin.toString(), "main", Duration.ofHours(1), dir.resolve("syncer-cache")),
            SyncListener.NONE)) {
      return once.syncOnce();
    }
  }

  @Override
  public void close() {
    if (syncer != null) {
      syncer.close();
    }
    git.close();
    database.close();
    testDb.close();
  }
}
