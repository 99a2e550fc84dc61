package etcetera.robustness.run;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Operation;
import etcetera.robustness.history.Outcome;
import etcetera.robustness.history.Request;
import etcetera.robustness.history.Response;
import etcetera.robustness.history.WatchRecord;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a cluster with a {@link Workload} and records the history: one virtual thread per
 * client, each issuing one request at a time against its endpoint (moving to the next endpoint
 * after an error), timestamps from {@link System#nanoTime()}. Values are unique per run
 * ({@code c<client>-<n>}), which is what lets the checkers tell writes apart. After the clients
 * stop, a final linearizable read of every key (client id {@link #finalClient}) gives the
 * state to hold acknowledged writes against, and the watchers are given time to catch up.
 * One recording per instance; the recording thread owns it.
 */
public final class Recorder implements AutoCloseable {

    private final List<String> endpoints;
    private final Workload workload;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final ConcurrentLinkedQueue<Operation> operations = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private String watchProblem = "";

    /** {@code endpoints} as {@code host:port}. */
    public Recorder(List<String> endpoints, Workload workload) {
        this.endpoints = List.copyOf(endpoints);
        this.workload = workload;
        for (String endpoint : endpoints) {
            String[] hostPort = endpoint.replaceFirst("^https?://", "").split(":");
            channels.add(NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext().build());
        }
    }

    public int finalClient() {
        return workload.clients();
    }

    /** Why watchers may have fallen short (e.g. the server does not implement Watch); empty if nothing was noticed. */
    public String watchProblem() {
        return watchProblem;
    }

    public History record() throws InterruptedException {
        return record(() -> { });
    }

    /** Records; {@code afterWorkload} runs when the clients have stopped, before the final reads (e.g. to heal the last fault). */
    public History record(Runnable afterWorkload) throws InterruptedException {
        long startRevision = currentRevision() + 1;
        List<Watcher> watchers = new ArrayList<>();
        for (int w = 0; w < workload.watchers(); w++) {
            Watcher watcher = new Watcher(w, workload.prefix(), channels, startRevision);
            watcher.start();
            watchers.add(watcher);
        }
        long end = System.nanoTime() + workload.duration().toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < workload.clients(); c++) {
            int client = c;
            clients.add(Thread.ofVirtual().name("client-" + c).start(() -> runClient(client, end)));
        }
        for (Thread t : clients) {
            t.join();
        }
        afterWorkload.run();
        finalReads();
        long lastWrite = operations.stream().mapToLong(o -> o.writeRevision().orElse(0L)).max().orElse(0);
        List<WatchRecord> records = new ArrayList<>();
        for (Watcher watcher : watchers) {
            if (!watcher.awaitRevision(lastWrite, Duration.ofSeconds(15))) {
                watchProblem = "watcher did not reach revision " + lastWrite + " (" + watcher.lastError() + ")";
            }
            records.add(watcher.stop());
        }
        List<Operation> ops = new ArrayList<>(operations);
        ops.sort(Comparator.comparingLong(Operation::invokedNanos));
        return new History(ops, records);
    }

    private long currentRevision() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ManagedChannel channel : channels) {
                if (new KvClient(channel, workload.requestTimeout()).execute(new Request.Get(workload.prefix(), false))
                        instanceof Outcome.Ok(Response r)) {
                    return r.revision();
                }
            }
            pace(Duration.ofMillis(100));
        }
        throw new IllegalStateException("no endpoint of " + endpoints + " answered a read within 30 s");
    }

    /** Spaces retries after an error, so that a dead endpoint does not turn into a flood of failed operations. */
    private static void pace(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runClient(int client, long end) {
        Random random = new Random(workload.seed() * 31 + client);
        int endpoint = client % channels.size();
        Map<String, String> lastValue = new HashMap<>();
        Map<String, Long> lastModRevision = new HashMap<>();
        long n = 0;
        while (System.nanoTime() < end) {
            String key = workload.prefix() + random.nextInt(workload.keys());
            String value = "c" + client + "-" + n++;
            int dice = random.nextInt(100);
            Request request;
            if (dice < 30) {
                request = new Request.Put(key, value);
            } else if (dice < 55) {
                request = new Request.Get(key, false);
            } else if (dice < 65) {
                request = new Request.Get(key, true);
            } else if (dice < 75) {
                request = new Request.Delete(key);
            } else if (dice < 88 && lastValue.containsKey(key)) {
                request = new Request.Cas(key, new Request.ValueEquals(lastValue.get(key)), value);
            } else {
                request = new Request.Cas(key, new Request.ModRevisionEquals(lastModRevision.getOrDefault(key, 0L)), value);
            }
            Operation op = execute(client, endpoint, request);
            if (op.outcome() instanceof Outcome.Ok(Response r)) {
                switch (request) {
                    case Request.Get g -> {
                        r.value().ifPresentOrElse(v -> lastValue.put(key, v), () -> lastValue.remove(key));
                        lastModRevision.put(key, r.modRevision());
                    }
                    case Request.Put p -> {
                        lastValue.put(key, p.value());
                        lastModRevision.put(key, r.revision());
                    }
                    case Request.Cas c when r.succeeded() -> {
                        lastValue.put(key, c.value());
                        lastModRevision.put(key, r.revision());
                    }
                    case Request.Delete d -> {
                        lastValue.remove(key);
                        lastModRevision.put(key, 0L);
                    }
                    default -> { }
                }
            } else {
                endpoint = (endpoint + 1) % channels.size();
                pace(Duration.ofMillis(50));
            }
        }
    }

    private Operation execute(int client, int endpoint, Request request) {
        long invoked = System.nanoTime();
        Outcome outcome = new KvClient(channels.get(endpoint), workload.requestTimeout()).execute(request);
        Operation op = new Operation(ids.incrementAndGet(), client, request, invoked, System.nanoTime(), outcome);
        operations.add(op);
        return op;
    }

    /** A linearizable read of every key, retried across endpoints for up to a minute in all. */
    private void finalReads() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int k = 0; k < workload.keys(); k++) {
            Request read = new Request.Get(workload.prefix() + k, false);
            int endpoint = k % channels.size();
            while (!execute(finalClient(), endpoint, read).isOk() && System.nanoTime() < deadline) {
                endpoint = (endpoint + 1) % channels.size();
                pace(Duration.ofMillis(100));
            }
        }
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
