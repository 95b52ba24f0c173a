package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gitconf.core.GitconfException;
import io.gitconf.testing.TestGitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@link ConfigManager#set} on a working copy: what it writes, and what it says of pushing. */
class ConfigManagerSetTest {
  private static final String USER = "Ada Trader <ada@desk.example>";

  @TempDir Path dir;

  private ConfigManager prod(Path repo) {
    return ConfigManager.builder().directory(repo).environment("prod").build();
  }

  @Test
  void aDoubleThatIsAWholeNumberIsWrittenAsTheIntegerTheFileHolds() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"));
        ConfigManager config = prod(repo.root())) {
      assertThat(config.set("app.limits.max", 450.0, USER, "Lower")).isPresent();
      assertThat(Files.readString(repo.root().resolve("environments/prod/app.yaml")))
          .isEqualTo("limits:\n  max: 450\n");
      assertThat(config.set("app.limits.max", 440.0f, USER, "Lower")).isPresent();
      assertThat(Files.readString(repo.root().resolve("environments/prod/app.yaml")))
          .isEqualTo("limits:\n  max: 440\n");
      // The same value in another form is no change at all.
      assertThat(config.set("app.limits.max", new java.math.BigDecimal("440.00"), USER, "Same"))
          .isEmpty();

      assertThat(config.set("app.extra.ratio", 0.25, USER, "A ratio")).isPresent();
      assertThat(config.set("app.extra.ratio", 1.0, USER, "A whole ratio")).isPresent();
      assertThat(Files.readString(repo.root().resolve("environments/prod/app.yaml")))
          .isEqualTo("limits:\n  max: 440\nextra:\n  ratio: 1.0\n");
      assertThatThrownBy(() -> config.set("app.extra.ratio", Double.NaN, USER, "Broken"))
          .isInstanceOf(GitconfException.BadRequest.class)
          .hasMessage("app.extra.ratio: NaN is not a number a configuration file can hold");
    }
  }

  @Test
  void aCommitInAWorkingCopyWithoutOriginIsKeptThereAndTheLogSaysItWasNotPushed() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(ChangeWriter.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"));
        ConfigManager config = prod(repo.root())) {
      Optional<String> commit = config.set("app.limits.max", 400, USER, "Four hundred");
      assertThat(commit).isPresent();
      assertThat(repo.git().getRepository().resolve("HEAD").name()).isEqualTo(commit.get());
      assertThat(logs.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              USER
                  + " set app.limits.max in prod, not pushed: "
                  + repo.root()
                  + " has no remote named origin: commit "
                  + commit.get().substring(0, 8)
                  + " stays in this clone and reaches no other until it is pushed");
    } finally {
      logger.detachAppender(logs);
    }
  }

  @Test
  void aConfigRepositoryWithoutOriginIsRefusedBeforeAnythingIsCommitted() throws Exception {
    try (TestGitRepo repo = TestGitRepo.withFirstCommit(dir.resolve("repo"));
        ConfigManager config =
            ConfigManager.builder()
                .directory(repo.root())
                .configRepository(repo.root())
                .environment("prod")
                .build()) {
      assertThatThrownBy(() -> config.set("app.limits.max", 400, USER, "Four hundred"))
          .isInstanceOf(GitconfException.BadRequest.class)
          .hasMessage(
              repo.root()
                  + " has no remote named origin, so the change cannot be pushed; nothing was"
                  + " changed (add the remote with git remote add origin URL, or make the change"
                  + " without pushing it)");
      try (Git git = Git.open(repo.root().toFile())) {
        assertThat(git.log().call()).hasSize(1);
      }
    }
  }
}
