package etcetera.robustness.run;

import etcetera.robustness.history.Outcome;
import etcetera.robustness.history.Request;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Injects faults into a {@link ProcessCluster} while the recorder runs: every {@code interval}
 * one fault (rounds of every enabled kind, each round shuffled), held for {@code hold}, then
 * healed; after each, measures how long until every member answers a linearizable read again
 * (the time to recover). Runs on its own virtual thread; {@link #stop} ends it and returns what
 * happened.
 */
public final class FaultSchedule {

    /** One injected fault: what, on which member, when (ms since the schedule started), and the time to recover (-1: not within a minute). */
    public record Injected(FaultKind kind, String member, long atMillis, long heldMillis, long recoveredAfterMillis) {}

    private final ProcessCluster cluster;
    private final List<FaultKind> kinds;
    private final Duration interval;
    private final Duration hold;
    private final Random random;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Injected> injected = new ArrayList<>();
    private final long started = System.nanoTime();
    private Thread thread;

    public FaultSchedule(ProcessCluster cluster, List<FaultKind> kinds, Duration interval, Duration hold, long seed) {
        this.cluster = cluster;
        this.kinds = List.copyOf(kinds);
        this.interval = interval;
        this.hold = hold;
        this.random = new Random(seed);
    }

    public FaultSchedule start() {
        thread = Thread.ofVirtual().name("faults").start(this::run);
        return this;
    }

    private void run() {
        try {
            // Rounds of every enabled kind in a random order, so that a short run still covers them all.
            List<FaultKind> round = new ArrayList<>();
            while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS) && !kinds.isEmpty()) {
                if (round.isEmpty()) {
                    round.addAll(kinds);
                    Collections.shuffle(round, random);
                }
                inject(round.removeFirst());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void inject(FaultKind kind) throws InterruptedException {
        long at = millisSinceStart();
        int member = switch (kind) {
            case KILL_LEADER, PAUSE_LEADER, PARTITION_LEADER -> cluster.leader().orElse(random.nextInt(cluster.size()));
            default -> random.nextInt(cluster.size());
        };
        switch (kind) {
            case KILL, KILL_LEADER -> {
                cluster.kill(member);
                stop.await(hold.toMillis(), TimeUnit.MILLISECONDS);
                cluster.restart(member);
            }
            case PAUSE, PAUSE_LEADER -> {
                cluster.freeze(member);
                stop.await(hold.toMillis(), TimeUnit.MILLISECONDS);
                cluster.thaw(member);
            }
            case PARTITION, PARTITION_LEADER -> {
                cluster.isolate(OptionalInt.of(member));
                stop.await(hold.toMillis(), TimeUnit.MILLISECONDS);
                cluster.isolate(OptionalInt.empty());
            }
            case REMOVE_READD -> cluster.removeAndReadd(member);
            case TORN_TAIL -> cluster.killAndTearWalTail(member, random);
            case DELAY -> {
                cluster.delayPeers(Duration.ofMillis(50 + random.nextInt(150)));
                stop.await(hold.toMillis(), TimeUnit.MILLISECONDS);
                cluster.delayPeers(Duration.ZERO);
            }
        }
        long healed = millisSinceStart();
        long recovered = awaitRecovery(Duration.ofSeconds(60));
        synchronized (this) {
            injected.add(new Injected(kind, cluster.name(member), at, healed - at, recovered));
        }
    }

    /** Milliseconds until every member answers a linearizable read, or -1. */
    private long awaitRecovery(Duration timeout) {
        long begin = System.nanoTime();
        long deadline = begin + timeout.toNanos();
        for (String endpoint : cluster.endpoints()) {
            String[] hostPort = endpoint.split(":");
            ManagedChannel channel = NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext().build();
            try {
                KvClient client = new KvClient(channel, Duration.ofSeconds(1));
                while (!(client.execute(new Request.Get("probe", false)) instanceof Outcome.Ok)) {
                    if (System.nanoTime() > deadline) {
                        return -1;
                    }
                    ProcessCluster.pause(Duration.ofMillis(50));
                }
            } finally {
                channel.shutdownNow();
            }
        }
        return (System.nanoTime() - begin) / 1_000_000;
    }

    private long millisSinceStart() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** Ends the schedule: the fault in progress is healed at once; returns everything injected. */
    public List<Injected> stop() throws InterruptedException {
        stop.countDown();
        thread.join(Duration.ofSeconds(120));
        synchronized (this) {
            return List.copyOf(injected);
        }
    }
}
