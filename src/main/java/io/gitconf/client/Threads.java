package io.gitconf.client;

import java.util.concurrent.ThreadFactory;

/** Daemon threads with names, so a client never keeps a JVM alive and shows up in a thread dump. */
final class Threads {
  private Threads() {}

  static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
