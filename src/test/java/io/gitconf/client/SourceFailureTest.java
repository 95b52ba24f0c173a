package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitconf.core.GitconfException;
import io.gitconf.core.GoldenRepos;
import io.gitconf.core.RepoTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every failure of a source is a failed load, whatever its kind: a reload reports it and keeps the
 * snapshot, a start falls back to the last-known-good cache.
 */
class SourceFailureTest {
  static final String PROD_RISK = "environments/prod/risk.yaml";

  @TempDir Path dir;
  Path repo;
  Path cacheFile;

  @BeforeEach
  void template() {
    repo = GoldenRepos.template(dir.resolve("config"));
    cacheFile = dir.resolve("prod.cache.json");
  }

  private ConfigManager.Builder prod() {
    return ConfigManager.builder()
        .directory(repo)
        .environment("prod")
        .cacheFile(cacheFile)
        .cacheTtl(Duration.ofHours(1))
        .debounce(Duration.ofHours(1));
  }

  /** How a file of the repository can disappear between the listing and the reading of it. */
  enum Vanishing {
    DELETED,
    REPLACED_BY_A_FOLDER
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Vanishing.class)
  void aFileThatVanishesDuringADirectoryReloadFailsItAndKeepsTheSnapshot(Vanishing how)
      throws Exception {
    AtomicBoolean armed = new AtomicBoolean();
    try (ConfigManager prod =
        prod()
            .source(
                (options, resources) ->
                    new DirectorySource(
                        repo,
                        options.debounce,
                        resources.threads(),
                        folder -> new Sabotaged(RepoTree.directory(folder), armed, how)))
            .build()) {
      ConfigSubscription events = prod.subscribe();
      ClientSnapshot served = prod.snapshot();
      armed.set(true);

      assertThat(prod.reload()).isFalse();

      String reason =
          switch (how) {
            case DELETED ->
                "directory "
                    + repo.toAbsolutePath()
                    + ": "
                    + PROD_RISK
                    + " vanished while it was read";
            case REPLACED_BY_A_FOLDER ->
                PROD_RISK
                    + ": not a plain file; a config repository holds plain files only"
                    + " (file-type)";
          };
      assertThat(events.poll(Duration.ofSeconds(10)))
          .contains(new ConfigChangeEvent.ReloadFailed(List.of(reason)));
      assertThat(prod.snapshot()).isSameAs(served);
      assertThat(prod.getDouble("risk.parameters.maxPositionSizeUsd")).isEqualTo(500.0);
    }
  }

  static Stream<Arguments> runtimeFailures() {
    return Stream.<Supplier<RuntimeException>>of(
            () -> new UncheckedIOException(new NoSuchFileException("base/risk.yaml")),
            () -> new IllegalStateException("the driver lost its connection"),
            () -> new ConcurrentModificationException("a list changed while it was read"),
            NullPointerException::new)
        .map(failure -> Arguments.of(failure.get().getClass().getSimpleName(), failure));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimeFailures")
  void aSourceThatFailsWithAnyRuntimeErrorAtStartServesTheLastKnownGood(
      String kind, Supplier<RuntimeException> failure) {
    double served;
    try (ConfigManager first = prod().build()) {
      served = first.getDouble("risk.parameters.maxPositionSizeUsd");
    }
    AtomicReference<Supplier<RuntimeException>> failing = new AtomicReference<>(failure);

    try (ConfigManager second = prod().source(failingSource(failing)).build()) {
      assertThat(second.getDouble("risk.parameters.maxPositionSizeUsd")).isEqualTo(served);
      assertThat(second.getRiskParameters().parameters().maxPositionSizeUsd()).isEqualTo(served);
    }

    RuntimeException thrown = failure.get();
    assertThatThrownBy(() -> prod().cacheFile(null).source(failingSource(failing)).build())
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessageStartingWith(
            "failing source: cannot load environment prod and there is no last-known-good cache"
                + " (none configured): failing source: "
                + (thrown.getMessage() == null
                    ? thrown.getClass().getSimpleName()
                    : thrown.getMessage()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimeFailures")
  void aSourceThatFailsWithAnyRuntimeErrorFailsTheReloadOrPollAndKeepsTheSnapshot(
      String kind, Supplier<RuntimeException> failure) throws Exception {
    AtomicReference<Supplier<RuntimeException>> failing = new AtomicReference<>();
    try (ConfigManager prod =
        prod().source(failingSource(failing)).cacheTtl(Duration.ofMillis(50)).build()) {
      ConfigSubscription events = prod.subscribe();
      ClientSnapshot served = prod.snapshot();
      failing.set(failure);
      RuntimeException thrown = failure.get();
      String reason =
          "failing source: "
              + (thrown.getMessage() == null
                  ? thrown.getClass().getSimpleName()
                  : thrown.getMessage());

      assertThat(prod.reload()).isFalse();
      // The TTL poll meets the same failure: reported by the reload, not again by each poll.
      assertThat(events.poll(Duration.ofSeconds(10)))
          .contains(new ConfigChangeEvent.ReloadFailed(List.of(reason)));
      assertThat(prod.snapshot()).isSameAs(served);

      failing.set(null);
      Files.writeString(
          repo.resolve(PROD_RISK),
          Files.readString(repo.resolve(PROD_RISK))
              .replace("maxOpenPositions: 5", "maxOpenPositions: 4"));
      assertThat(events.poll(Duration.ofSeconds(30)))
          .contains(
              ConfigChangeEvent.ValueChanged.of(
                  "risk.parameters.maxOpenPositions",
                  5L,
                  4L,
                  "directory " + repo.toAbsolutePath()));
    }
  }

  /**
   * The directory source, failing with {@code failing}'s error on every load and fingerprint while
   * it is set; polled every TTL so that a poll meets the failure too.
   */
  private ClientSources.Factory failingSource(AtomicReference<Supplier<RuntimeException>> failing) {
    return (options, resources) -> {
      ConfigSource directory = ClientSources.directory(repo).create(options, resources);
      return new ConfigSource() {
        @Override
        public Loaded load(String environment) {
          fail();
          return directory.load(environment);
        }

        @Override
        public Optional<String> fingerprint(String environment) {
          fail();
          return Optional.empty();
        }

        private void fail() {
          Supplier<RuntimeException> failure = failing.get();
          if (failure != null) {
            throw failure.get();
          }
        }

        @Override
        public void watch(Runnable changed) {
          directory.watch(changed);
        }

        @Override
        public boolean needsPolling() {
          return true;
        }

        @Override
        public String describe() {
          return "failing source";
        }

        @Override
        public void close() {
          directory.close();
        }
      };
    };
  }

  /**
   * The files of a folder; armed, it makes the prod risk overlay vanish as it is about to be read.
   */
  private record Sabotaged(RepoTree tree, AtomicBoolean armed, Vanishing how) implements RepoTree {
    @Override
    public String describe() {
      return tree.describe();
    }

    @Override
    public List<String> files() {
      return tree.files();
    }

    @Override
    public Optional<byte[]> read(String path, int maxBytes) {
      if (path.equals(PROD_RISK) && armed.compareAndSet(true, false)) {
        Path file = Path.of(tree.describe().substring("directory ".length())).resolve(path);
        try {
          Files.delete(file);
          if (how == Vanishing.REPLACED_BY_A_FOLDER) {
            Files.createDirectory(file);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return tree.read(path, maxBytes);
    }
  }

  @Test
  void aFailedReloadNamesTheSourceAndTheFailureButNeverAPasswordInAUrl() {
    GitconfException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            GitconfException.Unavailable.class,
            () ->
                Reloader.guarded(
                    new ConfigSource() {
                      @Override
                      public Loaded load(String environment) {
                        throw new UnsupportedOperationException();
                      }

                      @Override
                      public void watch(Runnable changed) {}

                      @Override
                      public boolean needsPolling() {
                        return false;
                      }

                      @Override
                      public String describe() {
                        return "git https://ada:****@git.example/config.git (main)";
                      }

                      @Override
                      public void close() {}
                    },
                    () -> {
                      throw new IllegalStateException(
                          "cannot reach https://ada:hunter2@git.example/config.git");
                    }));
    assertThat(e)
        .hasMessage(
            "git https://ada:****@git.example/config.git (main): cannot reach"
                + " https://ada:****@git.example/config.git");
  }
}
