package etcetera.robustness.check;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Operation;
import etcetera.robustness.history.Outcome;
import etcetera.robustness.history.Request;
import etcetera.robustness.history.Response;
import etcetera.robustness.history.WatchEvent;
import etcetera.robustness.history.WatchRecord;
import etcetera.robustness.history.WatchSegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: a sequential etcd (keys with
 * values and mod revisions, one global revision) applies operations at increasing
 * linearization points; each operation gets a random interval around its point, on a client
 * that is idle then, so intervals of different clients overlap. Some writes end with an unknown
 * outcome (taking effect or not), some fail without effect; serializable reads read the
 * current state. Watchers see every write in order, resuming after random breaks.
 */
final class SimulatedHistories {

    private record KeyValue(String value, long modRevision) {}

    static History generate(long seed, int operations, int clients, int keys, int watchers) {
        Random random = new Random(seed);
        Map<String, KeyValue> store = new HashMap<>();
        long revision = 1;
        long[] idleFrom = new long[clients];
        List<Operation> ops = new ArrayList<>();
        List<WatchEvent> events = new ArrayList<>();
        for (int k = 0; k < operations; k++) {
            long point = 10L * (k + 1) * 1_000_000;
            int client = random.nextInt(clients);
            if (idleFrom[client] >= point) {
                client = 0;
                for (int c = 1; c < clients; c++) {
                    if (idleFrom[c] < idleFrom[client]) {
                        client = c;
                    }
                }
                if (idleFrom[client] >= point) {
                    continue;
                }
            }
            long invoked = Math.max(idleFrom[client] + 1, point - random.nextLong(1, 40) * 1_000_000);
            long completed = point + random.nextLong(1, 40) * 1_000_000;
            idleFrom[client] = completed;
            String key = "k" + random.nextInt(keys);
            KeyValue current = store.get(key);
            String value = "v" + k;
            int kind = random.nextInt(10);
            Request request;
            if (kind < 3) {
                request = new Request.Put(key, value);
            } else if (kind < 6) {
                request = new Request.Get(key, kind == 5);
            } else if (kind < 7) {
                request = new Request.Delete(key);
            } else {
                Request.Compare compare = switch (random.nextInt(3)) {
                    case 0 -> new Request.ValueEquals(current != null && random.nextBoolean() ? current.value() : "v" + random.nextInt(k + 1));
                    case 1 -> new Request.ModRevisionEquals(current != null ? current.modRevision() : 0);
                    default -> new Request.ModRevisionEquals(random.nextInt((int) revision + 1));
                };
                request = new Request.Cas(key, compare, value);
            }
            int fate = random.nextInt(20);
            boolean write = request.isWrite();
            if (write && fate == 0) {
                ops.add(new Operation(k, client, request, invoked, completed, new Outcome.Failed("connection refused")));
                continue;
            }
            if (write && fate == 1) {
                // Unknown and never applied.
                ops.add(new Operation(k, client, request, invoked, completed, new Outcome.Unknown("deadline exceeded")));
                continue;
            }
            Response response = switch (request) {
                case Request.Put p -> {
                    revision++;
                    store.put(key, new KeyValue(value, revision));
                    events.add(new WatchEvent(WatchEvent.Type.PUT, key, Optional.of(value), revision));
                    yield Response.put(revision);
                }
                case Request.Get g -> Response.get(revision, Optional.ofNullable(current).map(KeyValue::value), current == null ? 0 : current.modRevision());
                case Request.Delete d -> {
                    if (current == null) {
                        yield Response.delete(revision, 0);
                    }
                    revision++;
                    store.remove(key);
                    events.add(new WatchEvent(WatchEvent.Type.DELETE, key, Optional.empty(), revision));
                    yield Response.delete(revision, 1);
                }
                case Request.Cas c -> {
                    boolean holds = switch (c.compare()) {
                        case Request.ValueEquals v -> current != null && current.value().equals(v.value());
                        case Request.ModRevisionEquals m -> (current == null ? 0 : current.modRevision()) == m.modRevision();
                    };
                    if (holds) {
                        revision++;
                        store.put(key, new KeyValue(value, revision));
                        events.add(new WatchEvent(WatchEvent.Type.PUT, key, Optional.of(value), revision));
                    }
                    yield Response.cas(revision, holds);
                }
            };
            Outcome outcome = write && fate == 2 ? new Outcome.Unknown("deadline exceeded") : new Outcome.Ok(response);
            ops.add(new Operation(k, client, request, invoked, completed, outcome));
        }
        List<WatchRecord> watches = new ArrayList<>();
        for (int w = 0; w < watchers; w++) {
            watches.add(new WatchRecord(w, "k", true, segments(events, random)));
        }
        return new History(ops, watches);
    }

    /** The events split into resumed streams: each segment starts right after the last event of the one before. */
    private static List<WatchSegment> segments(List<WatchEvent> events, Random random) {
        List<WatchSegment> segments = new ArrayList<>();
        int at = 0;
        long start = 2;
        while (at < events.size()) {
            int end = Math.min(events.size(), at + 1 + random.nextInt(Math.max(1, events.size() / 3 + 1)));
            segments.add(new WatchSegment(start, events.subList(at, end)));
            start = events.get(end - 1).modRevision() + 1;
            at = end;
        }
        return segments;
    }
}
