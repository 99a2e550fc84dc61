package etcetera.robustness.check;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Operation;
import etcetera.robustness.history.Outcome;
import etcetera.robustness.history.Request;
import etcetera.robustness.history.WatchEvent;
import etcetera.robustness.history.WatchRecord;
import etcetera.robustness.history.WatchSegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks what watchers saw against etcd's watch guarantees and the KV history: each watcher
 * receives events in revision order, never twice, without a gap (every acknowledged write under
 * its prefix between its start and its last event is delivered, across resumed streams too);
 * each event is the write the KV history has at that revision (or a write whose outcome was
 * unknown, which the event proves took effect); and all watchers agree on every revision.
 * Stateless.
 */
public final class WatchChecker {

    private static final int REPORT_LIMIT = 20;

    public List<Anomaly> check(History history) {
        Map<Long, Operation> writeAt = new HashMap<>();
        Map<String, List<Operation>> possibleWriters = new HashMap<>();
        for (Operation op : history.operations()) {
            op.writeRevision().ifPresent(r -> writeAt.put(r, op));
            if (op.request().isWrite() && !(op.outcome() instanceof Outcome.Failed)) {
                possibleWriters.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        TreeMap<Long, Operation> knownWrites = new TreeMap<>(writeAt);
        Map<String, WatchEvent> agreed = new HashMap<>();
        Counter counter = new Counter();
        List<Anomaly> anomalies = new ArrayList<>();
        for (WatchRecord watch : history.watches()) {
            checkWatcher(watch, knownWrites, possibleWriters, agreed, anomalies, counter);
        }
        return anomalies;
    }

    private static final class Counter {
        final Map<AnomalyKind, Integer> counts = new HashMap<>();

        boolean admit(AnomalyKind kind) {
            return counts.merge(kind, 1, Integer::sum) <= REPORT_LIMIT;
        }
    }

    private static void checkWatcher(WatchRecord watch, TreeMap<Long, Operation> knownWrites, Map<String, List<Operation>> possibleWriters,
                                     Map<String, WatchEvent> agreed, List<Anomaly> anomalies, Counter counter) {
        String who = "watcher " + watch.watcher();
        Set<String> seen = new HashSet<>();
        TreeSet<Long> revisions = new TreeSet<>();
        long last = 0;
        long firstStart = watch.segments().isEmpty() ? 0 : watch.segments().getFirst().startRevision();
        for (WatchSegment segment : watch.segments()) {
            for (WatchEvent event : segment.events()) {
                String id = event.modRevision() + "\u0000" + event.key();
                if (!seen.add(id)) {
                    if (counter.admit(AnomalyKind.WATCH_DUPLICATE)) {
                        anomalies.add(new Anomaly(AnomalyKind.WATCH_DUPLICATE, event.key(), who + " received " + event + " twice"));
                    }
                    continue;
                }
                if (event.modRevision() < last || event.modRevision() < segment.startRevision()) {
                    if (counter.admit(AnomalyKind.WATCH_ORDER)) {
                        anomalies.add(new Anomaly(AnomalyKind.WATCH_ORDER, event.key(), who + " received " + event + " after an event at revision "
                                + last + " (stream started at " + segment.startRevision() + ")"));
                    }
                }
                last = Math.max(last, event.modRevision());
                revisions.add(event.modRevision());
                agreement(who, event, knownWrites, possibleWriters, agreed, anomalies, counter);
            }
        }
        if (revisions.isEmpty()) {
            return;
        }
        // Every acknowledged write under the prefix from the start to the last event must have been delivered.
        for (var e : knownWrites.subMap(firstStart, true, last, true).entrySet()) {
            Operation w = e.getValue();
            if (w.key().startsWith(watch.prefix()) && !seen.contains(e.getKey() + "\u0000" + w.key()) && counter.admit(AnomalyKind.WATCH_GAP)) {
                anomalies.add(new Anomaly(AnomalyKind.WATCH_GAP, w.key(), who + " (from revision " + firstStart + " to " + last
                        + ") never received the write at revision " + e.getKey() + ":\n    " + w));
            }
        }
        if (watch.coversAllWrites()) {
            // Every revision is some write under the prefix, so the delivered revisions are contiguous.
            long expected = revisions.first();
            for (long r : revisions) {
                if (r > expected && !knownWrites.containsKey(expected) && counter.admit(AnomalyKind.WATCH_GAP)) {
                    anomalies.add(new Anomaly(AnomalyKind.WATCH_GAP, "", who + " received no event for revisions " + expected + ".." + (r - 1)
                            + " though it watches every write"));
                }
                expected = r + 1;
            }
        }
    }

    private static void agreement(String who, WatchEvent event, TreeMap<Long, Operation> knownWrites, Map<String, List<Operation>> possibleWriters,
                                  Map<String, WatchEvent> agreed, List<Anomaly> anomalies, Counter counter) {
        WatchEvent other = agreed.putIfAbsent(event.modRevision() + "\u0000" + event.key(), event);
        String problem = null;
        if (other != null && !other.equals(event)) {
            problem = who + " received " + event + " where another watcher received " + other;
        } else {
            Operation w = knownWrites.get(event.modRevision());
            if (w != null) {
                if (!w.key().equals(event.key()) || !matches(w, event)) {
                    problem = who + " received " + event + " but the write at that revision is\n    " + w;
                }
            } else {
                boolean possible = possibleWriters.getOrDefault(event.key(), List.of()).stream()
                        .anyMatch(o -> o.writeRevision().isEmpty() && matches(o, event));
                if (!possible) {
                    problem = who + " received " + event + " which no write of the history explains";
                }
            }
        }
        if (problem != null && counter.admit(AnomalyKind.WATCH_MISMATCH)) {
            anomalies.add(new Anomaly(AnomalyKind.WATCH_MISMATCH, event.key(), problem));
        }
    }

    private static boolean matches(Operation write, WatchEvent event) {
        return switch (event.type()) {
            case PUT -> write.writtenValue().isPresent() && write.writtenValue().equals(event.value());
            case DELETE -> write.request() instanceof Request.Delete && event.value().equals(Optional.empty());
        };
    }
}
