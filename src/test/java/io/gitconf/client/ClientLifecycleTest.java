package io.gitconf.client;

import static io.gitconf.client.TradingDesk.BO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitconf.core.GitconfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client's life, for every kind of source: what {@link ConfigManager#close()} and a failed {@link
 * ConfigManager.Builder#build()} leave behind (no thread, no temporary folder), and what a closed
 * manager still does.
 */
class ClientLifecycleTest {
  static final String PROD_RISK = "environments/prod/risk.yaml";

  @TempDir Path dir;
  Path temporary;
  TradingDesk desk;

  enum Kind {
    DIRECTORY,
    GIT,
    MIRROR
  }

  @BeforeEach
  void open() throws IOException {
    desk = TradingDesk.open(dir);
    temporary = Files.createDirectories(dir.resolve("tmp"));
  }

  @AfterEach
  void close() {
    desk.close();
  }

  private ConfigManager.Builder prod(Kind kind) {
    ConfigManager.Builder builder =
        ConfigManager.builder()
            .environment("prod")
            .temporaryRoot(temporary)
            .cacheTtl(Duration.ofMillis(100))
            .debounce(Duration.ofHours(1));
    return switch (kind) {
      case DIRECTORY -> builder.directory(desk.clone);
      case GIT -> builder.git(desk.originUrl(), "main");
      case MIRROR -> {
        desk.syncOnce();
        yield builder.postgres(desk.database.dataSource());
      }
    };
  }

  private String describe(Kind kind) {
    return switch (kind) {
      case DIRECTORY -> "directory " + desk.clone.toAbsolutePath();
      case GIT -> "git " + desk.originUrl() + " (main)";
      case MIRROR -> "mirror";
    };
  }

  /** The live threads of gitconf, as a thread dump would list them. */
  private static Set<Thread> gitconfThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("gitconf-"))
        .collect(Collectors.toSet());
  }

  private static List<String> startedSince(Set<Thread> before) {
    return gitconfThreads().stream()
        .filter(t -> !before.contains(t))
        .map(Thread::getName)
        .sorted()
        .toList();
  }

  private List<String> temporaryFolders() throws IOException {
    try (Stream<Path> entries = Files.list(temporary)) {
      return entries.map(p -> p.getFileName().toString()).toList();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void closeEndsEveryThreadTheClientStartedAndRemovesItsTemporaryFolders(Kind kind)
      throws Exception {
    Set<Thread> before = gitconfThreads();
    ConfigManager prod = prod(kind).build();
    List<ConfigChangeEvent> heard = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch activated = new CountDownLatch(1);
    prod.subscribe(
        "",
        event -> {
          heard.add(event);
          if (event instanceof ConfigChangeEvent.VersionActivated) {
            activated.countDown();
          }
        });
    desk.edit(PROD_RISK, "maxOpenPositions: 5", "maxOpenPositions: 4").commit(BO, "Four");
    if (kind == Kind.MIRROR) {
      desk.syncOnce();
    }
    assertThat(prod.reload()).isTrue();
    assertThat(activated.await(30, TimeUnit.SECONDS)).as("events: %s", heard).isTrue();
    assertThat(startedSince(before))
        .contains("gitconf-listener-1")
        .contains(
            switch (kind) {
              case DIRECTORY -> "gitconf-directory-watcher";
              case GIT -> "gitconf-config-ttl";
              case MIRROR -> "gitconf-mirror-listener-prod";
            });
    if (kind == Kind.GIT) {
      assertThat(temporaryFolders())
          .singleElement()
          .asString()
          .startsWith("gitconf-client-origin.git-");
    }

    prod.close();

    assertThat(startedSince(before)).isEmpty();
    assertThat(temporaryFolders()).isEmpty();
    assertThat(prod.isClosed()).isTrue();
    // The last snapshot stays readable; nothing that would start work again is allowed.
    assertThat(prod.getLong("risk.parameters.maxOpenPositions")).isEqualTo(4);
    assertThat(prod.getRiskParameters().parameters().maxOpenPositions()).isEqualTo(4);
    String closed = ": the ConfigManager of prod (" + describe(kind) + ") is closed";
    assertThatThrownBy(prod::reload)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("reload()" + closed);
    assertThatThrownBy(prod::subscribe)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("subscribe()" + closed);
    assertThatThrownBy(() -> prod.subscribe("risk", heard::add))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("subscribe()" + closed);
    assertThatThrownBy(() -> prod.set("risk.parameters.maxOpenPositions", 3, "Bo", "Three"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("set()" + closed);
    prod.close();
    assertThat(startedSince(before)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aBuildThatFailsAfterTheSourceStartedReleasesEverything(Kind kind) throws Exception {
    ConfigManager.Builder builder = prod(kind);
    ClientSources.Factory real = builder.sourceFactory;
    Set<Thread> before = gitconfThreads();

    assertThatThrownBy(
            () ->
                builder
                    .source(
                        (options, resources) -> new FailsToWatch(real.create(options, resources)))
                    .build())
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessage("cannot start a ConfigManager of prod: no more inotify watches");

    assertThat(startedSince(before)).isEmpty();
    assertThat(temporaryFolders()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aBuildWithAnUnreachableSourceAndNoCacheReleasesEverything(Kind kind) throws Exception {
    ConfigManager.Builder builder =
        switch (kind) {
          case DIRECTORY -> prod(kind).directory(dir.resolve("no-such-folder"));
          case GIT -> prod(kind).git(dir.resolve("no-such-remote.git").toUri().toString(), "main");
          case MIRROR ->
              prod(kind)
                  .postgres(
                      desk.testDb
                          .jdbcUrl()
                          .replace(desk.testDb.name(), desk.testDb.name() + "_none"));
        };
    Set<Thread> before = gitconfThreads();

    assertThatThrownBy(builder::build)
        .isInstanceOf(GitconfException.Unavailable.class)
        .hasMessageContaining("cannot load environment prod and there is no last-known-good cache");

    assertThat(startedSince(before)).isEmpty();
    assertThat(temporaryFolders()).isEmpty();
  }

  @Test
  void closeWaitsForTheReloadInProgressBeforeItClosesTheSource() throws Exception {
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ConfigManager prod =
        prod(Kind.DIRECTORY)
            .source(
                (options, resources) ->
                    new Recording(
                        ClientSources.directory(desk.clone).create(options, resources),
                        calls,
                        loading,
                        release))
            .build();
    calls.clear();
    Thread reloading = new Thread(prod::reload);
    reloading.start();
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();

    Thread closing = new Thread(prod::close);
    closing.start();
    for (int i = 0; i < 600 && closing.getState() == Thread.State.RUNNABLE; i++) {
      Thread.sleep(50);
    }
    assertThat(closing.getState()).isIn(Thread.State.TIMED_WAITING, Thread.State.WAITING);
    assertThat(calls).containsExactly("load");
    release.countDown();
    closing.join(30_000);
    reloading.join(30_000);

    assertThat(calls).containsExactly("load", "loaded", "close");
    assertThat(prod.isClosed()).isTrue();
  }

  /** A source that starts watching and then fails, as one out of inotify watches does. */
  private record FailsToWatch(ConfigSource delegate) implements ConfigSource {
    @Override
    public Loaded load(String environment) {
      return delegate.load(environment);
    }

    @Override
    public void watch(Runnable changed) {
      delegate.watch(changed);
      throw new IllegalStateException("no more inotify watches");
    }

    @Override
    public boolean needsPolling() {
      return delegate.needsPolling();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** A source that records its loads and closing; after the first load, loads wait for a latch. */
  private static final class Recording implements ConfigSource {
    private final ConfigSource delegate;
    private final List<String> calls;
    private final CountDownLatch loading;
    private final CountDownLatch release;
    private boolean started;

    Recording(
        ConfigSource delegate, List<String> calls, CountDownLatch loading, CountDownLatch release) {
      this.delegate = delegate;
      this.calls = calls;
      this.loading = loading;
      this.release = release;
    }

    @Override
    public Loaded load(String environment) {
      if (!started) {
        started = true;
        return delegate.load(environment);
      }
      calls.add("load");
      loading.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      calls.add("loaded");
      return delegate.load(environment);
    }

    @Override
    public void watch(Runnable changed) {
      delegate.watch(changed);
    }

    @Override
    public boolean needsPolling() {
      return delegate.needsPolling();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      calls.add("close");
      delegate.close();
    }
  }
}
