package etcetera.robustness.check;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Operation;
import etcetera.robustness.history.Request;
import etcetera.robustness.history.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks what etcd's revisions promise across all keys, which the per-key search cannot see:
 * acknowledged writes carry distinct revisions that increase in real-time order; no
 * linearizable response carries a revision lower than that of a write completed before it was
 * invoked; and every read (serializable ones too) returns exactly the value that the write
 * history says its key held at the read's revision. Stateless.
 */
public final class RevisionChecker {

    /** At most this many anomalies of one kind are reported; the rest are counted. */
    private static final int REPORT_LIMIT = 20;

    public List<Anomaly> check(History history) {
        List<Anomaly> anomalies = new ArrayList<>();
        List<Operation> writes = history.operations().stream().filter(o -> o.writeRevision().isPresent()).toList();
        duplicates(writes, anomalies);
        realTimeOrder(history.operations(), writes, anomalies);
        readsAtRevision(history.operations(), anomalies);
        return anomalies;
    }

    private static void duplicates(List<Operation> writes, List<Anomaly> anomalies) {
        Map<Long, Operation> byRevision = new HashMap<>();
        int found = 0;
        for (Operation w : writes) {
            Operation other = byRevision.putIfAbsent(w.writeRevision().orElseThrow(), w);
            if (other != null && found++ < REPORT_LIMIT) {
                anomalies.add(new Anomaly(AnomalyKind.DUPLICATE_REVISION, w.key(),
                        "two acknowledged writes at revision " + w.writeRevision().orElseThrow() + ":\n    " + other + "\n    " + w));
            }
        }
    }

    /**
     * For each operation, the highest revision among writes completed before it was invoked (by
     * a sweep over writes ordered by completion) must be below its own write revision, and not
     * above its response's revision if it is linearizable.
     */
    private static void realTimeOrder(List<Operation> all, List<Operation> writes, List<Anomaly> anomalies) {
        List<Operation> byCompletion = new ArrayList<>(writes);
        byCompletion.sort(Comparator.comparingLong(Operation::completedNanos));
        long[] completed = new long[byCompletion.size()];
        Operation[] maxSoFar = new Operation[byCompletion.size()];
        Operation max = null;
        for (int i = 0; i < byCompletion.size(); i++) {
            Operation w = byCompletion.get(i);
            completed[i] = w.completedNanos();
            if (max == null || w.writeRevision().orElseThrow() > max.writeRevision().orElseThrow()) {
                max = w;
            }
            maxSoFar[i] = max;
        }
        int orderFound = 0;
        int backFound = 0;
        for (Operation op : all) {
            if (!op.isOk() || op.request() instanceof Request.Get g && g.serializable()) {
                continue;
            }
            int before = lastBefore(completed, op.invokedNanos());
            if (before < 0) {
                continue;
            }
            Operation earlier = maxSoFar[before];
            long earlierRevision = earlier.writeRevision().orElseThrow();
            Optional<Long> own = op.writeRevision();
            if (own.isPresent() && own.get() <= earlierRevision) {
                if (orderFound++ < REPORT_LIMIT) {
                    anomalies.add(new Anomaly(AnomalyKind.REVISION_ORDER, op.key(), "a write got revision " + own.get()
                            + " though a write at revision " + earlierRevision + " completed before it began:\n    " + earlier + "\n    " + op));
                }
            } else if (own.isEmpty() && op.response().orElseThrow().revision() < earlierRevision) {
                if (backFound++ < REPORT_LIMIT) {
                    anomalies.add(new Anomaly(op.request() instanceof Request.Get ? AnomalyKind.STALE_READ : AnomalyKind.REVISION_WENT_BACK, op.key(),
                            "response at revision " + op.response().orElseThrow().revision() + " though a write at revision " + earlierRevision
                                    + " completed before it began:\n    " + earlier + "\n    " + op));
                }
            }
        }
    }

    /** Index of the last write completed strictly before {@code time}, or -1. */
    private static int lastBefore(long[] completed, long time) {
        int lo = 0;
        int hi = completed.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (completed[mid] < time) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * A read at revision R returning mod revision m: the write that produced its value (values are
     * unique per run) must have revision m if known, and no acknowledged write to the key may have a
     * revision in (m, R]. An absent result must follow a delete (or no write) at or below R.
     */
    private static void readsAtRevision(List<Operation> all, List<Anomaly> anomalies) {
        Map<String, TreeMap<Long, Operation>> writesByKey = new HashMap<>();
        Map<String, List<Operation>> writersOfValue = new HashMap<>();
        Map<String, Long> firstUnknownDelete = new HashMap<>();
        for (Operation op : all) {
            if (op.isUnknown() && op.request() instanceof Request.Delete) {
                firstUnknownDelete.merge(op.key(), op.invokedNanos(), Math::min);
            }
            op.writeRevision().ifPresent(r -> writesByKey.computeIfAbsent(op.key(), k -> new TreeMap<>()).put(r, op));
            if (op.outcome() instanceof etcetera.robustness.history.Outcome.Failed) {
                continue;
            }
            op.writtenValue().ifPresent(v -> writersOfValue.computeIfAbsent(op.key() + "\u0000" + v, k -> new ArrayList<>()).add(op));
        }
        int found = 0;
        for (Operation op : all) {
            if (!(op.request() instanceof Request.Get) || !op.isOk()) {
                continue;
            }
            Response r = op.response().orElseThrow();
            TreeMap<Long, Operation> writes = writesByKey.getOrDefault(op.key(), new TreeMap<>());
            String problem = null;
            if (r.value().isPresent()) {
                List<Operation> writers = writersOfValue.getOrDefault(op.key() + "\u0000" + r.value().get(), List.of());
                if (r.modRevision() > r.revision()) {
                    problem = "mod revision " + r.modRevision() + " above the response's revision";
                } else if (writers.size() == 1 && writers.getFirst().writeRevision().isPresent()
                        && writers.getFirst().writeRevision().get() != r.modRevision()) {
                    problem = "value written at revision " + writers.getFirst().writeRevision().get() + " read with mod revision " + r.modRevision()
                            + "\n    " + writers.getFirst();
                } else {
                    var newer = writes.subMap(r.modRevision(), false, r.revision(), true).firstEntry();
                    if (newer != null) {
                        problem = "at revision " + r.revision() + " the key held the write of revision " + newer.getKey() + ":\n    " + newer.getValue();
                    }
                }
            } else {
                var last = writes.floorEntry(r.revision());
                // A delete whose outcome is unknown has no known revision and may explain the absence.
                boolean unknownDelete = firstUnknownDelete.getOrDefault(op.key(), Long.MAX_VALUE) <= op.completedNanos();
                if (last != null && !(last.getValue().request() instanceof Request.Delete) && !unknownDelete) {
                    problem = "absent at revision " + r.revision() + " though written at revision " + last.getKey() + ":\n    " + last.getValue();
                }
            }
            if (problem != null && found++ < REPORT_LIMIT) {
                anomalies.add(new Anomaly(AnomalyKind.READ_REVISION_MISMATCH, op.key(), problem + "\n    " + op));
            }
        }
    }
}
