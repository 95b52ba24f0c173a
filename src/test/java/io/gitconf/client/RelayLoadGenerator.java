package io.gitconf.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The load generator of the relay benchmark, run in a JVM of its own: N watchers, each a connection
 * of its own (HTTP/1.1, as N processes of a fleet would have), each doing what {@code
 * ConfigManager.server(...)} does: a long poll on the version it holds ({@code
 * watch?version=V&timeout=60s}), the next one on the same connection as soon as it returns, and on
 * a failure a new connection after the client's exponential backoff with jitter ({@link Backoff},
 * 250 ms doubling to 10 s). One thread and one selector drive every connection, so that the
 * generator costs the shared cores as little as possible: in a fleet each client has its own
 * machine. Commands on standard input, answers on standard output:
 *
 * <ul>
 *   <li>{@code report V}: {@code REPORT V count min p50 p99 max}, the times (epoch microseconds) at
 *       which the watchers received version V;
 *   <li>{@code peak S}: {@code PEAK rate}, the most requests sent in one second since epoch second
 *       S.
 * </ul>
 *
 * <p>Usage: {@code RelayLoadGenerator URL N ENV}. Prints {@code READY} once every watcher holds a
 * version.
 */
public final class RelayLoadGenerator {
  private static final byte[] VERSION = "\"version\":".getBytes(StandardCharsets.US_ASCII);

  private final InetSocketAddress address;
  private final String path;
  private final String host;
  private final int count;
  private final Watcher[] watchers;
  private final Map<Integer, AtomicLongArray> received = new ConcurrentHashMap<>();
  private final AtomicLong holding = new AtomicLong();
  private final Map<Long, AtomicLong> perSecond = new ConcurrentHashMap<>();
  private final Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10));
  private final PriorityQueue<long[]> timers =
      new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
  private final Selector selector;

  /** One watcher: its connection, what it holds, what it has read of the current answer. */
  private final class Watcher {
    final int index;
    SocketChannel channel;
    int held;
    int failures;
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    ByteBuffer out;

    Watcher(int index) {
      this.index = index;
    }
  }

  private RelayLoadGenerator(String url, int count, String environment) throws IOException {
    URI uri = URI.create(url);
    this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
    this.host = uri.getHost() + ":" + uri.getPort();
    this.path = "/v1/environments/" + environment + "/watch?timeout=60s&version=";
    this.count = count;
    this.watchers = new Watcher[count];
    this.selector = Selector.open();
    long now = System.nanoTime();
    for (int i = 0; i < count; i++) {
      watchers[i] = new Watcher(i);
      // 250 new connections every 50 ms, as a fleet starting up would trickle in.
      timers.add(new long[] {now + (i / 250) * 50_000_000L, i});
    }
  }

  public static void main(String[] args) throws Exception {
    RelayLoadGenerator generator =
        new RelayLoadGenerator(args[0], Integer.parseInt(args[1]), args[2]);
    Thread loop = new Thread(generator::run, "load-generator");
    loop.setDaemon(true);
    loop.start();
    while (generator.holding.get() < generator.count) {
      Thread.sleep(50);
    }
    System.out.println("READY");
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ");
      if (words[0].equals("report")) {
        System.out.println(generator.report(Integer.parseInt(words[1])));
      } else if (words[0].equals("peak")) {
        System.out.println("PEAK " + generator.peak(Long.parseLong(words[1])));
      }
      System.out.flush();
    }
    System.exit(0);
  }

  private void run() {
    while (true) {
      long now = System.nanoTime();
      while (!timers.isEmpty() && timers.peek()[0] <= now) {
        connect(watchers[(int) timers.poll()[1]]);
      }
      long wait = timers.isEmpty() ? 100 : Math.max(1, (timers.peek()[0] - now) / 1_000_000);
      try {
        selector.select(Math.min(wait, 100));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      for (SelectionKey key : selector.selectedKeys()) {
        Watcher watcher = (Watcher) key.attachment();
        try {
          if (key.isConnectable()) {
            watcher.channel.finishConnect();
            send(watcher);
          } else if (key.isWritable()) {
            flush(watcher);
          } else if (key.isReadable()) {
            read(watcher);
          }
        } catch (IOException | RuntimeException e) {
          fail(watcher);
        }
      }
      selector.selectedKeys().clear();
    }
  }

  private void connect(Watcher watcher) {
    try {
      watcher.channel = SocketChannel.open();
      watcher.channel.configureBlocking(false);
      watcher.in.clear();
      if (watcher.channel.connect(address)) {
        watcher.channel.register(selector, 0, watcher);
        send(watcher);
      } else {
        watcher.channel.register(selector, SelectionKey.OP_CONNECT, watcher);
      }
    } catch (IOException e) {
      fail(watcher);
    }
  }

  private void send(Watcher watcher) throws IOException {
    perSecond
        .computeIfAbsent(Instant.now().getEpochSecond(), s -> new AtomicLong())
        .incrementAndGet();
    watcher.out =
        ByteBuffer.wrap(
            ("GET " + path + watcher.held + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    flush(watcher);
  }

  private void flush(Watcher watcher) throws IOException {
    watcher.channel.write(watcher.out);
    watcher
        .channel
        .keyFor(selector)
        .interestOps(watcher.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  private void read(Watcher watcher) throws IOException {
    if (!watcher.in.hasRemaining()) {
      watcher.in = ByteBuffer.allocate(watcher.in.capacity() * 2).put(watcher.in.flip());
    }
    if (watcher.channel.read(watcher.in) < 0) {
      throw new IOException("closed by the relay");
    }
    byte[] data = watcher.in.array();
    int length = watcher.in.position();
    int headersEnd = indexOf(data, length, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (headersEnd < 0) {
      return;
    }
    String headers = new String(data, 0, headersEnd, StandardCharsets.US_ASCII);
    int status = Integer.parseInt(headers.substring(9, 12));
    int contentLength = 0;
    for (String line : headers.split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        contentLength = Integer.parseInt(line.substring(15).strip());
      }
    }
    int bodyStart = headersEnd + 4;
    if (length < bodyStart + contentLength) {
      return;
    }
    if (status == 200) {
      Instant now = Instant.now();
      int at = indexOf(data, bodyStart + contentLength, VERSION, bodyStart) + VERSION.length;
      int version = 0;
      while (data[at] >= '0' && data[at] <= '9') {
        version = version * 10 + (data[at++] - '0');
      }
      if (watcher.held == 0) {
        holding.incrementAndGet();
      }
      watcher.held = version;
      received
          .computeIfAbsent(
              version,
              v -> {
                AtomicLongArray times = new AtomicLongArray(count);
                for (int i = 0; i < count; i++) {
                  times.set(i, Long.MAX_VALUE);
                }
                return times;
              })
          .set(watcher.index, now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000);
    } else if (status != 304) {
      throw new IOException("relay answered " + status);
    }
    watcher.failures = 0;
    watcher.in.clear();
    send(watcher);
  }

  private void fail(Watcher watcher) {
    try {
      if (watcher.channel != null) {
        watcher.channel.close();
      }
    } catch (IOException e) {
      // Gone already.
    }
    watcher.failures++;
    timers.add(
        new long[] {System.nanoTime() + backoff.delay(watcher.failures).toNanos(), watcher.index});
  }

  private static int indexOf(byte[] data, int length, byte[] what, int from) {
    outer:
    for (int i = from; i <= length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (data[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private String report(int version) {
    AtomicLongArray times = received.get(version);
    List<Long> got = new ArrayList<>();
    if (times != null) {
      for (int i = 0; i < count; i++) {
        if (times.get(i) != Long.MAX_VALUE) {
          got.add(times.get(i));
        }
      }
    }
    if (got.isEmpty()) {
      return "REPORT " + version + " 0 0 0 0 0";
    }
    long[] sorted = got.stream().mapToLong(Long::longValue).sorted().toArray();
    return "REPORT "
        + version
        + " "
        + sorted.length
        + " "
        + sorted[0]
        + " "
        + sorted[(int) Math.floor(0.5 * (sorted.length - 1))]
        + " "
        + sorted[(int) Math.floor(0.99 * (sorted.length - 1))]
        + " "
        + sorted[sorted.length - 1];
  }

  private long peak(long since) {
    return perSecond.entrySet().stream()
        .filter(e -> e.getKey() >= since)
        .mapToLong(e -> e.getValue().get())
        .max()
        .orElse(0);
  }
}
