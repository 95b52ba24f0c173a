package io.gitconf.sync;

import static io.gitconf.sync.CommandLineTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.gitconf.sync.CommandLineTest.Result;
import io.gitconf.testing.TestDatabase;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A password written into a database or Git URL, in any of the places a URL can carry one, never
 * shows in what the commands print (text or JSON), in their errors, or in any log line, whether the
 * connection works or fails.
 */
class CredentialLeakTest {
  /** Distinctive enough that finding it anywhere means it leaked. */
  static final String SECRET = "Zq9-pw-4f1c";

  @TempDir Path dir;
  TestDatabase testDb;
  String hostPort;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final List<String> seen = new ArrayList<>();

  @BeforeEach
  void setUp() {
    testDb = TestDatabase.create();
    Matcher m = Pattern.compile("jdbc:postgresql://([^/]+)/").matcher(testDb.jdbcUrl());
    assertThat(m.find()).isTrue();
    hostPort = m.group(1);
    // The mirror exists, so the commands that work have something to show.
    Database.connect(testDb.jdbcUrl(), Optional.empty()).close();
    logs.start();
    root().addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    root().detachAppender(logs);
    testDb.close();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** URLs of the test database that carry {@link #SECRET} and work (the server trusts). */
  private List<String> working() {
    String db = "jdbc:postgresql://" + hostPort + "/" + testDb.name();
    return List.of(
        "jdbc:postgresql://postgres:" + SECRET + "@" + hostPort + "/" + testDb.name(),
        db + "?user=postgres&password=" + SECRET,
        db + "?user=postgres&PassWord=" + SECRET + "&connectTimeout=5",
        db + "?user=postgres&sslpassword=" + SECRET,
        db + "?user=postgres&sslmode=disable&sslkey=/keys/" + SECRET + ".pk8");
  }

  /** URLs that carry {@link #SECRET} and fail: nothing listens there, or no such database. */
  private List<String> failing() {
    return List.of(
        "jdbc:postgresql://postgres:" + SECRET + "@127.0.0.1:1/x?connectTimeout=2",
        "jdbc:postgresql://127.0.0.1:1/x?connectTimeout=2&user=postgres&password=" + SECRET,
        "jdbc:postgresql://127.0.0.1:1/x?connectTimeout=2&SSLPASSWORD=" + SECRET,
        "jdbc:postgresql://postgres:" + SECRET + "@" + hostPort + "/no_such_" + testDb.name(),
        "jdbc:postgresql://" + hostPort + "/no_such?user=postgres&sslkey=/k/" + SECRET + ".pk8");
  }

  @Test
  void aDatabaseUrlThatWorksNeverShowsItsCredentials() {
    for (String url : working()) {
      record(url, run("status", "--db", url), 0);
      record(url, run("status", "--db", url, "--output", "json"), 0);
      Path file = dir.resolve("backup-" + seen.size());
      Result backup = run("backup", "--db", url, "--out", file.toString(), "--output", "json");
      record(url, backup, 0);
      assertThat(backup.out()).contains("\"database\" : \"jdbc:postgresql://" + hostPort + "/");
      record(url, run("verify", "--db", url), 0);
    }
    assertNothingLeaked();
  }

  @Test
  void aDatabaseUrlThatFailsNeverShowsItsCredentials() {
    for (String url : failing()) {
      Result status = record(url, run("status", "--db", url), 3);
      assertThat(status.err()).startsWith("gitconf: cannot connect to the mirror database at ");
      record(url, run("history", "--db", url, "--env", "prod", "--output", "json"), 3);
    }
    assertNothingLeaked();
  }

  @Test
  void aGitUrlWithAPasswordNeverShowsItInRebuild() {
    String git = "http://syncer:" + SECRET + "@127.0.0.1:1/trading/config.git";
    Result rebuilt =
        run(
            "rebuild",
            "--repo",
            git,
            "--db",
            working().get(0),
            "--cache-dir",
            dir.resolve("cache").toString(),
            "--output",
            "json");
    record(git, rebuilt, 3);
    assertThat(rebuilt.err())
        .contains(
            "gitconf: cannot fetch http://syncer:****@127.0.0.1:1/trading/config.git (main): ");
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"));
        TestDatabase other = TestDatabase.create()) {
      String url = "jdbc:postgresql://postgres:" + SECRET + "@" + hostPort + "/" + other.name();
      Result done =
          run("rebuild", "--repo", repo.root().toString(), "--db", url, "--output", "json");
      record(url, done, 0);
      assertThat(done.out()).contains("\"database\" : \"jdbc:postgresql://" + hostPort + "/");
    }
    assertNothingLeaked();
  }

  private Result record(String url, Result result, int exitCode) {
    assertThat(result.exitCode()).as(url + "\n" + result.out() + result.err()).isEqualTo(exitCode);
    seen.add(result.out());
    seen.add(result.err());
    return result;
  }

  private void assertNothingLeaked() {
    assertThat(seen).noneMatch(text -> text.contains(SECRET));
    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage()).doesNotContain(SECRET);
      if (event.getThrowableProxy() != null) {
        assertThat(ThrowableProxyUtil.asString(event.getThrowableProxy())).doesNotContain(SECRET);
      }
    }
  }
}
