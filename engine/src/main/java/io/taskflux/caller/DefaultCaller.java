package io.taskflux.caller;

import io.taskflux.internal.Closing;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The caller. What it tracks for {@link #stop()}: calls waiting on the serial queue are in {@link
 * SerialExecutor}'s queue; worker calls in {@link WorkerPool}'s queue or on a worker; timer calls
 * are in {@code live} until they end; keyed queues in {@code queues}; children in {@code children}.
 * A call that starts after a stop is cancelled by {@link CallTask#run()}, which closes the race
 * between a submit and a stop.
 */
final class DefaultCaller implements Caller {

  private static final System.Logger LOG = System.getLogger("io.taskflux.caller");

  /** The pending of the call running on this thread. */
  static final ThreadLocal<DefaultPending<?>> CURRENT = new ThreadLocal<>();

  /** The group whose body or member call runs on this thread. */
  static final ThreadLocal<DefaultPendingGroup> GROUP = new ThreadLocal<>();

  private final CallerOptions options;
  private final DefaultCaller parent;
  private final SerialExecutor serial;
  private final WorkerPool pool;
  private final Set<CallTask<?>> live = ConcurrentHashMap.newKeySet();
  private final Map<Object, DefaultPending<Void>> queues = new ConcurrentHashMap<>();
  private final Map<String, DefaultCaller> children = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  DefaultCaller(CallerOptions options, DefaultCaller parent, WorkerPool pool) {
    this.options = Objects.requireNonNull(options, "options");
    this.parent = parent;
    this.serial = new SerialExecutor(options.scheduler());
    this.pool =
        pool != null
            ? pool
            : new WorkerPool(
                options.name(),
                options.maxThreads(),
                options.queueCapacity(),
                options.idleWorkerShutdown().toNanos());
  }

  @Override
  public String name() {
    return options.name();
  }

  @Override
  public CallerOptions options() {
    return options;
  }

  @Override
  public boolean isStopped() {
    return stopped || (parent != null && parent.isStopped());
  }

  WorkerPool pool() {
    return pool;
  }

  // ---- scheduling ------------------------------------------------------------------------

  @Override
  public <T> Pending<T> callSoon(Callable<? extends T> call) {
    return callSoon(call, GROUP.get());
  }

  <T> Pending<T> callSoon(Callable<? extends T> call, DefaultPendingGroup group) {
    Objects.requireNonNull(call, "call");
    CallTask<T> task = new CallTask<>(this, call, false, null, group);
    if (admit(task)) {
      serial.execute(task);
    }
    return task.pending;
  }

  @Override
  public <T> Pending<T> callLater(Duration delay, Callable<? extends T> call, Scheduler timer) {
    return callLater(delay, call, timer, GROUP.get());
  }

  <T> Pending<T> callLater(
      Duration delay, Callable<? extends T> call, Scheduler timer, DefaultPendingGroup group) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(timer, "timer");
    CallTask<T> task = new CallTask<>(this, call, false, live, group);
    live.add(task);
    if (admit(task)) {
      var swap = Disposables.swap();
      task.timer(swap);
      swap.update(
          timer.schedule(() -> serial.execute(task), delay.toNanos(), TimeUnit.NANOSECONDS));
      if (task.pending.isDone()) {
        swap.dispose(); // cancelled before the timer was set
      }
    }
    return task.pending;
  }

  @Override
  public void callDirect(Runnable call) {
    Objects.requireNonNull(call, "call");
    if (!isStopped()) {
      serial.execute(call);
    }
  }

  @Override
  public <T> Pending<T> toThread(Callable<? extends T> call) {
    return toThread(call, GROUP.get());
  }

  <T> Pending<T> toThread(Callable<? extends T> call, DefaultPendingGroup group) {
    Objects.requireNonNull(call, "call");
    CallTask<T> task = new CallTask<>(this, call, true, null, group);
    if (admit(task) && !pool.offer(task)) {
      task.pending.fail(
          new CallerRejectedException(
              "Caller '"
                  + name()
                  + "' rejected a worker call: "
                  + options.maxThreads()
                  + " threads busy and "
                  + options.queueCapacity()
                  + " calls waiting"));
    }
    return task.pending;
  }

  /** Joins the task to its group; returns false if it is already cancelled (caller stopped). */
  private boolean admit(CallTask<?> task) {
    if (isStopped()) {
      task.pending.cancel(CallTask.STOPPED);
      return false;
    }
    if (task.group() != null) {
      task.group().add(task.pending);
    }
    return !task.pending.isDone();
  }

  // ---- keyed queues ----------------------------------------------------------------------

  @Override
  public void queueCall(Object key, Runnable call) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(call, "call");
    if (isStopped()) {
      return;
    }
    DefaultPending<Void> queue = queues.computeIfAbsent(key, k -> newQueuePending(k));
    serial.execute(
        () -> {
          if (queue.isDone()) {
            return; // closed: calls not yet started are dropped
          }
          DefaultPending<?> outer = CURRENT.get();
          CURRENT.set(queue);
          try {
            call.run();
          } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "A queued call of key " + key + " failed", e);
          } finally {
            CURRENT.set(outer);
          }
        });
  }

  private static DefaultPending<Void> newQueuePending(Object key) {
    DefaultPending<Void> p = new DefaultPending<>(null);
    p.metadata().put("name", "queue " + key);
    return p;
  }

  @Override
  public Optional<Pending<Void>> queueGet(Object key) {
    return Optional.ofNullable(queues.get(key));
  }

  @Override
  public boolean queueClose(Object key) {
    DefaultPending<Void> queue = queues.remove(key);
    if (queue == null) {
      return false;
    }
    queue.cancel("The queue was closed");
    return true;
  }

  // ---- waiting ---------------------------------------------------------------------------

  @Override
  public <T> Flux<Pending<T>> asCompleted(Collection<? extends Pending<T>> items) {
    return Awaiting.asCompleted(Flux.fromIterable(List.copyOf(items)), Integer.MAX_VALUE, true);
  }

  @Override
  public <T> Flux<Pending<T>> asCompleted(
      Publisher<? extends Pending<T>> items, int maxConcurrent, boolean cancelUnfinished) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
    }
    return Awaiting.asCompleted(items, maxConcurrent, cancelUnfinished);
  }

  @Override
  public <T> Mono<WaitResult<T>> wait(
      Collection<? extends Pending<T>> items, ReturnWhen returnWhen) {
    return Awaiting.waitFor(items, null, returnWhen, null);
  }

  @Override
  public <T> Mono<WaitResult<T>> wait(
      Collection<? extends Pending<T>> items,
      Duration timeout,
      ReturnWhen returnWhen,
      Scheduler timer) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(timer, "timer");
    return Awaiting.waitFor(items, timeout, returnWhen, timer);
  }

  // ---- groups, children, stop ------------------------------------------------------------

  @Override
  public PendingGroup newGroup(GroupOptions options) {
    return new DefaultPendingGroup(this, Objects.requireNonNull(options, "options"));
  }

  @Override
  public Caller child(String name) {
    Objects.requireNonNull(name, "name");
    return children.computeIfAbsent(
        name, n -> new DefaultCaller(options.name(options.name() + "/" + n), this, pool));
  }

  @Override
  public Collection<Caller> children() {
    return List.copyOf(children.values());
  }

  @Override
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    children.values().forEach(DefaultCaller::stop);
    serial.drainCancelled(CallTask.STOPPED);
    serial.dispose();
    live.forEach(task -> task.pending.cancel(CallTask.STOPPED));
    pool.cancelCallsOf(this, CallTask.STOPPED);
    queues.keySet().forEach(this::queueClose);
    if (parent == null) {
      pool.shutdown();
    }
  }

  @Override
  public Mono<Void> closeAsync() {
    return Mono.defer(
        () -> {
          stop();
          // Children share the root's pool: only the root waits for its threads.
          return parent == null ? pool.terminated() : Mono.empty();
        });
  }

  @Override
  public void close() {
    Closing.await(closeAsync(), CLOSE_TIMEOUT, "caller " + name());
  }

  @Override
  public String toString() {
    return "Caller(" + name() + (stopped ? ", stopped" : "") + ")";
  }
}
