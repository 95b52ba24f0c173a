package io.gitconf.sync;

import io.gitconf.core.ConfigRepository;
import io.gitconf.core.GitconfException;
import io.gitconf.mirror.MirrorSql;
import io.gitconf.mirror.ReleaseReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The syncer: follows a branch and mirrors each new commit, oldest first, into the database.
 *
 * <p>Several syncers may run against one database; the one holding the {@link LeaderLock} works,
 * the others poll the lock and take over when it frees. Only genuine unavailability (the database
 * or Git cannot be reached) is retried, with exponential backoff; since each commit is one
 * transaction recorded in {@code sync_commits}, a retry or a restart never mirrors it twice, and a
 * restart resumes after the last processed commit. A commit that cannot be processed for any other
 * reason (its tree cannot be read, a check throws, the database refuses its data) is recorded as
 * rejected with the reason and the syncer moves on: one commit never stops the branch. A rewritten
 * branch is recorded ({@link MirrorStore#recordForcePush}) and its new head adopted without
 * mirroring it.
 *
 * <p>While it leads, the syncer also runs the releases in progress ({@link ReleaseController}):
 * every {@value #RELEASE_TICK_MILLIS} ms between fetches, with the time of the clock it was given.
 *
 * <p>Thread-safe: {@link #start} runs the loop on its own thread; {@link #trigger} and {@link
 * #close} may be called from any thread.
 */
public final class Syncer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Syncer.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

  /** How often the leader evaluates releases in progress, between fetches of the branch. */
  static final long RELEASE_TICK_MILLIS = 250;

  static final Duration RELEASE_TICK = Duration.ofMillis(RELEASE_TICK_MILLIS);

  private final SyncSettings settings;
  private final MirrorStore store;
  private final GitFollower follower;
  private final LeaderLock lock;
  private final SyncListener listener;
  private final ReleaseController releases;
  private final SyncMetrics metrics = new SyncMetrics();
  private final BlockingQueue<Object> wakeUps = new LinkedBlockingQueue<>();
  private final OutageLog outage = new OutageLog(log);
  private volatile boolean closed;
  private boolean released;
  // Only the thread that runs the loop (or syncOnce) reads and writes it.
  private Optional<Boolean> role = Optional.empty();
  private Thread thread;

  public Syncer(Database database, SyncSettings settings, SyncListener listener) {
    this(database, settings, listener, Clock.systemUTC());
  }

  /** A syncer whose releases read the time from {@code clock}. */
  public Syncer(Database database, SyncSettings settings, SyncListener listener, Clock clock) {
    this.settings = settings;
    this.store = new MirrorStore(database.dataSource(), clock);
    this.releases = new ReleaseController(store);
    this.follower =
        GitFollower.open(
            settings.source(), settings.branch(), settings.cacheDir(), settings.credentials());
    this.lock = new LeaderLock(database, settings.branch());
    this.listener = listener;
  }

  public SyncMetrics metrics() {
    return metrics;
  }

  public MirrorStore store() {
    return store;
  }

  /** The releases this syncer runs while it leads, and operators steer. */
  public ReleaseController releases() {
    return releases;
  }

  /** Starts following the branch on a background thread, until {@link #close}. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this::loop, "gitconf-syncer-" + settings.branch());
    thread.start();
  }

  /** Asks the loop to fetch now instead of at the next poll (e.g. from a webhook). */
  public void trigger() {
    wakeUps.offer(Boolean.TRUE);
  }

  /**
   * Processes what the branch holds now, on the caller's thread, and returns the number of commits
   * processed. Needs the leader lock.
   *
   * @throws GitconfException.Unavailable if another syncer leads, or Git or the database fail
   */
  public int syncOnce() {
    if (!becomeLeader()) {
      throw new GitconfException.Unavailable(
          "another syncer holds the leader lock for branch " + settings.branch());
    }
    int processed = catchUp();
    tickReleases();
    return processed;
  }

  /** Evaluates the releases in progress, as the leader; the standby leaves them be. */
  private void tickReleases() {
    if (lock.isHeld()) {
      releases.tick().forEach(kind -> metrics.releaseTransition(kind.sql()));
      metrics.releases(ReleaseReader.of(store.dataSource()).states());
    }
  }

  private void loop() {
    Duration backoff = FIRST_BACKOFF;
    log.info("following {} every {}s", follower.describe(), settings.poll().toMillis() / 1000.0);
    Instant nextFetch = Instant.MIN;
    while (!closed) {
      Duration wait = settings.poll();
      try {
        if (becomeLeader()) {
          if (wait.compareTo(RELEASE_TICK) > 0) {
            wait = RELEASE_TICK;
          }
          // Releases are evaluated every tick; the branch is fetched every poll (or when woken).
          if (!Instant.now().isBefore(nextFetch)) {
            catchUp();
            nextFetch = Instant.now().plus(settings.poll());
          }
          tickReleases();
        }
        outage.recovered();
        backoff = FIRST_BACKOFF;
      } catch (GitconfException.Unavailable e) {
        outage.failed("cannot follow " + follower.describe(), e, backoff);
        wait = backoff;
        backoff = next(backoff);
      } catch (Stopped e) {
        break;
      } catch (RuntimeException e) {
        // Not a commit's fault (those are rejected where they are processed): a listener, or a
        // bug. Said once, retried like an outage, so the syncer goes on when it clears.
        outage.failed("unexpected failure (" + e.getClass().getSimpleName() + ")", e, backoff);
        wait = backoff;
        backoff = next(backoff);
      }
      if (pause(wait)) {
        nextFetch = Instant.MIN;
      }
    }
  }

  private boolean becomeLeader() {
    boolean leader;
    try {
      leader = lock.tryAcquire();
    } catch (GitconfException.Unavailable e) {
      // Cut off from the database: not leading, but no one else is known to lead either.
      metrics.leader(false);
      throw e;
    }
    metrics.leader(leader);
    // The first answer is announced too, so a syncer that starts as standby says so.
    if (role.isEmpty() || role.get() != leader) {
      role = Optional.of(leader);
      log.info(
          leader ? "leader: mirroring {}" : "standby: another syncer leads {}",
          follower.describe());
      listener.roleChanged(leader);
    }
    return leader;
  }

  /** Mirrors every commit between the last processed one and the head. */
  private int catchUp() {
    RevCommit head = follower.refresh();
    Optional<String> last = store.reader().lastCommit(settings.branch());
    metrics.reachable();
    GitFollower.Plan plan = follower.plan(last, head);
    if (plan instanceof GitFollower.Plan.Rewritten rewritten) {
      recordForcePush(rewritten);
      return 0;
    }
    if (!(plan instanceof GitFollower.Plan.Forward forward)) {
      metrics.lag(0, 0);
      last.ifPresent(id -> metrics.position(id, Instant.ofEpochSecond(head.getCommitTime())));
      return 0;
    }
    List<RevCommit> commits = forward.commits();
    Instant started = Instant.now();
    Instant lastReport = started;
    if (commits.size() > 1) {
      log.info("{} new commits on {}", commits.size(), follower.describe());
    }
    for (int i = 0; i < commits.size(); i++) {
      if (!lock.isHeld()) {
        throw new GitconfException.Unavailable(
            "lost the leader lock after " + i + " of " + commits.size() + " commits");
      }
      RevCommit commit = commits.get(i);
      metrics.lag(
          commits.size() - i, Math.max(0, Instant.now().getEpochSecond() - commit.getCommitTime()));
      CommitOutcome outcome = process(commit);
      metrics.processed(outcome);
      listener.commitProcessed(outcome);
      Instant now = Instant.now();
      if (commits.size() > 1
          && (i + 1 == commits.size()
              || Duration.between(lastReport, now).compareTo(PROGRESS_EVERY) >= 0)) {
        double seconds = Math.max(0.001, Duration.between(started, now).toNanos() / 1e9);
        double rate = (i + 1) / seconds;
        log.info(
            "mirrored {}/{} commits ({} commits/s)",
            i + 1,
            commits.size(),
            String.format("%.1f", rate));
        listener.progress(i + 1, commits.size(), rate);
        lastReport = now;
      }
    }
    metrics.lag(0, 0);
    return commits.size();
  }

  private void recordForcePush(GitFollower.Plan.Rewritten rewritten) {
    String newHead = rewritten.newHead().name();
    log.warn(
        "branch {} was rewritten: last mirrored {} is not in its history (new head {}, merge base"
            + " {}); recorded, not mirrored; active versions stay until the next commit",
        settings.branch(),
        rewritten.oldHead(),
        newHead,
        rewritten.mergeBase().orElse("none"));
    store.recordForcePush(
        settings.branch(),
        rewritten.oldHead(),
        newHead,
        "force push: "
            + rewritten.oldHead()
            + " is not an ancestor of "
            + newHead
            + rewritten.mergeBase().map(b -> "; merge base " + b).orElse("; no common history"));
    metrics.position(newHead, Instant.ofEpochSecond(rewritten.newHead().getCommitTime()));
    listener.forcePush(rewritten.oldHead(), newHead, rewritten.mergeBase());
  }

  /**
   * Mirrors one commit, or records it as rejected when it cannot be processed; retries with backoff
   * while the database or Git is unavailable. Stops (without mirroring) if this syncer stops
   * leading or is closed.
   */
  private CommitOutcome process(RevCommit commit) {
    CommitInfo info = CommitInfo.of(commit);
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      if (closed) {
        throw new Stopped();
      }
      try {
        CommitOutcome outcome = mirrorOrReject(commit, info);
        outage.recovered();
        return outcome;
      } catch (GitconfException.Unavailable e) {
        outage.failed("commit " + info.shortId() + " not mirrored", e, backoff);
        pause(backoff);
        backoff = next(backoff);
        if (!lock.isHeld() && !becomeLeader()) {
          throw new GitconfException.Unavailable(
              "lost the leader lock while mirroring " + info.shortId());
        }
      }
    }
  }

  /**
   * Loads and mirrors the commit. Anything but unavailability is the commit's own failure, which
   * would fail the same way at every retry: it is recorded as rejected with the reason (no stack
   * trace in the row; that goes to the debug log), so the fix in the next commit is mirrored.
   */
  private CommitOutcome mirrorOrReject(RevCommit commit, CommitInfo info) {
    try {
      ConfigRepository repository = follower.load(commit);
      return store.mirror(settings.branch(), info, repository, settings.check());
    } catch (GitconfException.Unavailable | Stopped e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      List<String> reasons = reasons(e);
      log.warn(
          "commit {} cannot be processed: {}; recorded as rejected",
          info.shortId(),
          String.join("; ", reasons));
      log.debug("commit {} cannot be processed", info.shortId(), e);
      return store.reject(settings.branch(), info, reasons);
    }
  }

  /** Why a commit could not be processed, as the lines its rejection records. */
  private static List<String> reasons(Throwable e) {
    if (e instanceof GitconfException.ValidationFailed failed && !failed.problems().isEmpty()) {
      return failed.problems().stream().map(p -> CommitVerdict.masked(p.toString())).toList();
    }
    String detail =
        e instanceof GitconfException
            ? MirrorSql.firstLine(e.getMessage())
            : e.getClass().getSimpleName() + ": " + MirrorSql.firstLine(e.getMessage());
    return List.of(CommitVerdict.masked("cannot be processed: " + detail));
  }

  private static Duration next(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  /** Waits; true when woken (a trigger, or close) rather than timed out. */
  private boolean pause(Duration wait) {
    try {
      boolean woken = wakeUps.poll(wait.toMillis(), TimeUnit.MILLISECONDS) != null;
      wakeUps.clear();
      return woken;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
      return true;
    }
  }

  /**
   * Stops the loop (after the commit in progress), gives up leadership and closes the repository.
   */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      closed = true;
      running = thread;
    }
    wakeUps.offer(Boolean.TRUE);
    if (running != null && running != Thread.currentThread()) {
      try {
        running.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lock.close();
    metrics.leader(false);
    follower.close();
  }

  /** Thrown inside the loop when {@link #close} was called. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("stopped", null, false, false);
    }
  }
}
