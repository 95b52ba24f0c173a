package io.gitconf.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.core.GoldenRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each subscription has its own bounded delivery: whatever one subscriber does (block, throw, run
 * on an executor that refuses work), every other subscriber gets every event.
 */
class SubscriptionDeliveryTest {
  static final int RELOADS = 5;

  /** Per reload: one changed value and the activation. */
  static final int EVENTS_PER_RELOAD = 2;

  @TempDir Path dir;
  Path repo;
  ConfigManager test;
  final CountDownLatch unblock = new CountDownLatch(1);

  @BeforeEach
  void start() {
    repo = GoldenRepos.template(dir.resolve("config"));
    test =
        ConfigManager.builder()
            .directory(repo)
            .environment("test")
            .subscriberCapacity(3)
            .debounce(Duration.ofHours(1))
            .build();
  }

  @AfterEach
  void stop() {
    unblock.countDown();
    test.close();
  }

  /** Reloads {@link #RELOADS} times, each changing one circuit-breaker value. */
  private void reloadChanges() throws IOException {
    for (int i = 1; i <= RELOADS; i++) {
      Files.writeString(
          repo.resolve("environments/test/circuit-breaker.yaml"),
          "errorRate:\n  tripPercent: " + i + "\n  minRequests: 20\n");
      assertThat(test.reload()).isTrue();
    }
  }

  /** A healthy subscriber on the manager's own threads, and what it has received. */
  private BlockingQueue<ConfigChangeEvent> healthy() {
    BlockingQueue<ConfigChangeEvent> received = new LinkedBlockingQueue<>();
    test.subscribe("", received::add);
    return received;
  }

  private static List<ConfigChangeEvent> take(BlockingQueue<ConfigChangeEvent> from, int count)
      throws InterruptedException {
    List<ConfigChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ConfigChangeEvent event = from.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("event %d of %d; so far %s", i + 1, count, events).isNotNull();
      events.add(event);
    }
    return events;
  }

  /** The two events of each reload, in order: the change of tripPercent, then the activation. */
  private void assertEveryReload(List<ConfigChangeEvent> events) {
    String version = "directory " + repo.toAbsolutePath();
    assertThat(events).hasSize(RELOADS * EVENTS_PER_RELOAD);
    for (int i = 1; i <= RELOADS; i++) {
      assertThat(events.get(2 * (i - 1)))
          .isEqualTo(
              ConfigChangeEvent.ValueChanged.of(
                  "circuit-breaker.errorRate.tripPercent",
                  i == 1 ? 10L : i - 1L,
                  (long) i,
                  version));
      assertThat(events.get(2 * i - 1))
          .isInstanceOfSatisfying(
              ConfigChangeEvent.VersionActivated.class,
              activated -> assertThat(activated.version()).isEqualTo(version));
    }
  }

  @Test
  void aListenerThatBlocksForeverDelaysNoOtherSubscriber() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    List<ConfigChangeEvent> slow = new ArrayList<>();
    test.subscribe(
        "",
        event -> {
          blocked.countDown();
          awaitQuietly(unblock);
          synchronized (slow) {
            slow.add(event);
          }
        });
    BlockingQueue<ConfigChangeEvent> received = healthy();

    reloadChanges();

    // Every event reaches the healthy subscriber while the other one is still blocked.
    assertEveryReload(take(received, RELOADS * EVENTS_PER_RELOAD));
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(unblock.getCount()).isOne();
    // The blocked one holds its first event; its queue keeps 3 more and drops the other 6.
    assertThat(test.eventsLost()).isEqualTo(6);
    unblock.countDown();
    for (int i = 0; i < 600 && sizeOf(slow) < 5; i++) {
      Thread.sleep(50);
    }
    synchronized (slow) {
      // The loss is reported as soon as the listener is free, ahead of the events still queued.
      assertThat(slow).hasSize(5);
      assertThat(slow.get(0)).isInstanceOf(ConfigChangeEvent.ValueChanged.class);
      assertThat(slow.get(1)).isEqualTo(new ConfigChangeEvent.EventsLost(6));
    }
  }

  @Test
  void aListenerThatThrowsDelaysNoOtherSubscriberAndKeepsReceiving() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    test.subscribe(
        "",
        event -> {
          calls.incrementAndGet();
          throw new IllegalStateException("listener bug");
        });
    BlockingQueue<ConfigChangeEvent> received = healthy();

    reloadChanges();

    assertEveryReload(take(received, RELOADS * EVENTS_PER_RELOAD));
    for (int i = 0; i < 600 && calls.get() < RELOADS * EVENTS_PER_RELOAD; i++) {
      Thread.sleep(50);
    }
    assertThat(calls.get()).isEqualTo(RELOADS * EVENTS_PER_RELOAD);
    assertThat(test.eventsLost()).isZero();
  }

  @Test
  void anExecutorThatRejectsDelaysNoOtherSubscriber() throws Exception {
    AtomicInteger refused = new AtomicInteger();
    Executor rejecting =
        task -> {
          refused.incrementAndGet();
          throw new RejectedExecutionException("queue full");
        };
    List<ConfigChangeEvent> never = new ArrayList<>();
    test.subscribe("", never::add, rejecting);
    BlockingQueue<ConfigChangeEvent> received = healthy();

    reloadChanges();

    assertEveryReload(take(received, RELOADS * EVENTS_PER_RELOAD));
    assertThat(never).isEmpty();
    // Each event tried the executor again; the queue kept 3 events and dropped the rest.
    assertThat(refused.get()).isEqualTo(RELOADS * EVENTS_PER_RELOAD);
    assertThat(test.eventsLost()).isEqualTo(RELOADS * EVENTS_PER_RELOAD - 3);
  }

  @Test
  void aListenerOnTheCallingThreadGetsItsEventsInOrder() throws Exception {
    List<ConfigChangeEvent> direct = new ArrayList<>();
    Consumer<ConfigChangeEvent> listener = direct::add;
    test.subscribe("circuit-breaker", listener, Runnable::run);

    reloadChanges();

    assertEveryReload(direct);
  }

  private static int sizeOf(List<?> list) {
    synchronized (list) {
      return list.size();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
