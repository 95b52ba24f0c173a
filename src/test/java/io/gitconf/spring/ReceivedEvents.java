package io.gitconf.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitconf.client.ConfigChangeEvent;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.context.event.EventListener;

/** A test application's bean that hears gitconf's events as any application bean does. */
class ReceivedEvents {
  private final BlockingQueue<ConfigChangeEvent> received = new LinkedBlockingQueue<>();

  @EventListener
  void on(ConfigChangeEvent event) {
    received.add(event);
  }

  /** The next event, waiting up to a minute for it. */
  ConfigChangeEvent next() throws InterruptedException {
    ConfigChangeEvent event = received.poll(60, TimeUnit.SECONDS);
    assertThat(event).as("no event from gitconf").isNotNull();
    return event;
  }

  /** The next event of {@code type}, skipping others. */
  <T extends ConfigChangeEvent> T next(Class<T> type) throws InterruptedException {
    while (true) {
      ConfigChangeEvent event = next();
      if (type.isInstance(event)) {
        return type.cast(event);
      }
    }
  }
}
