package etcetera.robustness.check;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Operation;
import etcetera.robustness.history.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether the linearizable KV operations of a history are linearizable against
 * {@link KeyModel}, in the way of Wing &amp; Gong with Lowe's memoisation (as Knossos and
 * Porcupine do): a depth-first search for an order of the operations that respects real time
 * and the model, remembering every (set of linearized operations, model state) already explored.
 * Keys are independent objects, so each key's sub-history is checked alone (P-compositionality).
 *
 * <p>An operation with an unknown outcome may take effect at any time after its invocation, or
 * never: its completion is taken as the end of time (linearizing it last is "never"), or the
 * completion of the first read that saw its (unique) value. An unknown write nobody could
 * have observed (its value never read, no delete or compare-and-swap after it on the key) is
 * left out: it explains nothing and only widens the search. Failed operations and
 * serializable reads are not part of the search (the latter are checked by revision).
 *
 * <p>The search is bounded by a step budget per key; running out gives
 * {@link AnomalyKind#CHECK_INCOMPLETE}, never a false "ok". Not thread-safe; one check per call.
 */
public final class LinearizabilityChecker {

    private final long stepBudgetPerKey;

    public LinearizabilityChecker(long stepBudgetPerKey) {
        this.stepBudgetPerKey = stepBudgetPerKey;
    }

    /** The result for one key: proven, refuted (with a witness), or out of budget. */
    public record KeyResult(String key, Verdict verdict, int operations, long steps, Optional<Anomaly> anomaly) {}

    public List<KeyResult> check(History history) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : history.operations()) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        List<KeyResult> results = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
            results.add(checkKey(e.getKey(), e.getValue()));
        }
        return results;
    }

    KeyResult checkKey(String key, List<Operation> all) {
        List<Operation> ops = new ArrayList<>();
        List<Long> returns = new ArrayList<>();
        Map<String, Long> firstObserved = firstObservations(all);
        for (Operation op : all) {
            if (op.outcome() instanceof etcetera.robustness.history.Outcome.Failed) {
                continue;
            }
            if (op.request() instanceof Request.Get g && (g.serializable() || !op.isOk())) {
                continue;
            }
            long ret = op.completedNanos();
            if (op.isUnknown()) {
                Optional<String> value = op.writtenValue();
                Long seen = value.map(firstObserved::get).orElse(null);
                if (seen != null) {
                    ret = Math.max(op.invokedNanos(), seen);
                } else if (value.isPresent() && !laterDeleteOrCas(op, all)) {
                    continue;
                } else {
                    ret = Long.MAX_VALUE;
                }
            }
            ops.add(op);
            returns.add(ret);
        }
        return new Search(key, ops, returns).run();
    }

    /** For each value, when the first successful read that returned it completed. */
    private static Map<String, Long> firstObservations(List<Operation> ops) {
        Map<String, Long> first = new HashMap<>();
        for (Operation op : ops) {
            if (op.request() instanceof Request.Get && op.isOk()) {
                op.response().orElseThrow().value().ifPresent(v -> first.merge(v, op.completedNanos(), Math::min));
            }
        }
        return first;
    }

    private static boolean laterDeleteOrCas(Operation write, List<Operation> ops) {
        for (Operation op : ops) {
            if ((op.request() instanceof Request.Delete || op.request() instanceof Request.Cas)
                    && op != write && op.completedNanos() >= write.invokedNanos()) {
                return true;
            }
        }
        return false;
    }

    /** One key's search: owns its linked list of call/return entries, its stack and its cache. */
    private final class Search {
        private final String key;
        private final List<Operation> ops;
        private final Entry head = new Entry(-1, true, 0);
        private final Set<CacheKey> cache = new HashSet<>();
        private int deepest = 0;
        private List<Linearized> deepestPrefix = List.of();
        private int blockedAtDeepest = -1;

        Search(String key, List<Operation> ops, List<Long> returns) {
            this.key = key;
            this.ops = ops;
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                Entry call = new Entry(i, true, ops.get(i).invokedNanos());
                Entry ret = new Entry(i, false, returns.get(i));
                call.match = ret;
                entries.add(call);
                entries.add(ret);
            }
            // Calls before returns at equal times: touching intervals count as concurrent (lenient, never a false violation).
            entries.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> e.call ? 0 : 1));
            Entry prev = head;
            for (Entry e : entries) {
                prev.next = e;
                e.prev = prev;
                prev = e;
            }
        }

        KeyResult run() {
            BitSet linearized = new BitSet(ops.size());
            Deque<Frame> stack = new ArrayDeque<>();
            KeyState state = KeyState.INITIAL;
            Entry entry = head.next;
            long steps = 0;
            while (head.next != null) {
                if (++steps > stepBudgetPerKey) {
                    return new KeyResult(key, Verdict.UNKNOWN, ops.size(), steps, Optional.of(new Anomaly(AnomalyKind.CHECK_INCOMPLETE, key,
                            "no verdict after " + stepBudgetPerKey + " search steps over " + ops.size() + " operations")));
                }
                if (entry.call) {
                    List<KeyState> outcomes = KeyModel.step(state, ops.get(entry.op));
                    int chosen = firstUnexplored(linearized, entry.op, outcomes, 0);
                    if (chosen >= 0) {
                        stack.push(new Frame(entry, state, outcomes, chosen));
                        state = outcomes.get(chosen);
                        linearized.set(entry.op);
                        lift(entry);
                        noteDepth(stack);
                        entry = head.next;
                    } else {
                        entry = entry.next;
                    }
                    continue;
                }
                // A return reached before its call was linearized: undo the last choice.
                if (stack.size() == deepest && blockedAtDeepest < 0) {
                    blockedAtDeepest = entry.op;
                }
                if (stack.isEmpty()) {
                    return new KeyResult(key, Verdict.VIOLATION, ops.size(), steps, Optional.of(witness()));
                }
                Frame top = stack.pop();
                linearized.clear(top.entry.op);
                unlift(top.entry);
                state = top.before;
                int chosen = firstUnexplored(linearized, top.entry.op, top.outcomes, top.chosen + 1);
                if (chosen >= 0) {
                    stack.push(new Frame(top.entry, top.before, top.outcomes, chosen));
                    state = top.outcomes.get(chosen);
                    linearized.set(top.entry.op);
                    lift(top.entry);
                    noteDepth(stack);
                    entry = head.next;
                } else {
                    entry = top.entry.next;
                }
            }
            return new KeyResult(key, Verdict.OK, ops.size(), steps, Optional.empty());
        }

        private int firstUnexplored(BitSet linearized, int op, List<KeyState> outcomes, int from) {
            for (int i = from; i < outcomes.size(); i++) {
                BitSet next = (BitSet) linearized.clone();
                next.set(op);
                if (cache.add(new CacheKey(next, outcomes.get(i)))) {
                    return i;
                }
            }
            return -1;
        }

        private void noteDepth(Deque<Frame> stack) {
            if (stack.size() > deepest) {
                deepest = stack.size();
                blockedAtDeepest = -1;
                List<Linearized> prefix = new ArrayList<>(stack.size());
                for (var it = stack.descendingIterator(); it.hasNext(); ) {
                    Frame f = it.next();
                    prefix.add(new Linearized(ops.get(f.entry.op), f.outcomes.get(f.chosen)));
                }
                deepestPrefix = prefix;
            }
        }

        private Anomaly witness() {
            StringBuilder text = new StringBuilder();
            text.append("no linearization of the ").append(ops.size()).append(" operations on ").append(key)
                    .append("; the longest linearizable prefix has ").append(deepestPrefix.size()).append(" operations");
            int from = Math.max(0, deepestPrefix.size() - 6);
            if (from > 0) {
                text.append("\n    ... ").append(from).append(" earlier operations");
            }
            for (int i = from; i < deepestPrefix.size(); i++) {
                Linearized l = deepestPrefix.get(i);
                text.append("\n    ").append(l.op()).append("   => ").append(l.after());
            }
            KeyState last = deepestPrefix.isEmpty() ? KeyState.INITIAL : deepestPrefix.getLast().after();
            Set<Operation> done = new HashSet<>();
            deepestPrefix.forEach(l -> done.add(l.op()));
            Operation blocked = blockedAtDeepest >= 0 ? ops.get(blockedAtDeepest) : null;
            AnomalyKind kind = AnomalyKind.NOT_LINEARIZABLE;
            if (blocked != null) {
                text.append("\n  then cannot linearize (state ").append(last).append("):\n    ").append(blocked);
                List<Operation> concurrent = ops.stream()
                        .filter(o -> !done.contains(o) && o != blocked && o.invokedNanos() <= blocked.completedNanos())
                        .limit(8).toList();
                if (!concurrent.isEmpty()) {
                    text.append("\n  nor any of the operations pending with it:");
                    concurrent.forEach(o -> text.append("\n    ").append(o));
                }
                kind = classify(blocked, last);
            }
            return new Anomaly(kind, key, text.toString());
        }

        /** Names the violation after the operation that could not be placed. */
        private AnomalyKind classify(Operation blocked, KeyState state) {
            return switch (blocked.request()) {
                case Request.Cas c -> AnomalyKind.CAS_ANOMALY;
                case Request.Get g -> classifyRead(blocked);
                default -> AnomalyKind.NOT_LINEARIZABLE;
            };
        }

        private AnomalyKind classifyRead(Operation read) {
            Optional<String> seen = read.response().orElseThrow().value();
            boolean written = seen.isEmpty() || ops.stream().anyMatch(o -> o.writtenValue().equals(seen)
                    && o.invokedNanos() <= read.completedNanos());
            if (!written) {
                return AnomalyKind.PHANTOM_READ;
            }
            // A write acknowledged before the read began whose value no read ever returned: lost.
            for (Operation w : ops) {
                if (w.isOk() && w.writtenValue().isPresent() && w.writeRevision().isPresent()
                        && w.completedNanos() < read.invokedNanos() && !w.writtenValue().equals(seen)) {
                    String value = w.writtenValue().get();
                    boolean everRead = ops.stream().anyMatch(o -> o.request() instanceof Request.Get && o.isOk()
                            && o.response().orElseThrow().value().equals(Optional.of(value)));
                    boolean overwrittenBeforeRead = ops.stream().anyMatch(o -> o != w && o.request().isWrite()
                            && o.invokedNanos() > w.completedNanos() && o.completedNanos() < read.invokedNanos());
                    if (!everRead && !overwrittenBeforeRead) {
                        return AnomalyKind.LOST_WRITE;
                    }
                }
            }
            return AnomalyKind.STALE_READ;
        }

        private static void lift(Entry call) {
            call.prev.next = call.next;
            if (call.next != null) {
                call.next.prev = call.prev;
            }
            Entry ret = call.match;
            ret.prev.next = ret.next;
            if (ret.next != null) {
                ret.next.prev = ret.prev;
            }
        }

        private static void unlift(Entry call) {
            Entry ret = call.match;
            ret.prev.next = ret;
            if (ret.next != null) {
                ret.next.prev = ret;
            }
            call.prev.next = call;
            if (call.next != null) {
                call.next.prev = call;
            }
        }
    }

    /** A call or return event in the search's doubly linked list; owned by one {@link Search}. */
    private static final class Entry {
        final int op;
        final boolean call;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int op, boolean call, long time) {
            this.op = op;
            this.call = call;
            this.time = time;
        }
    }

    private record Frame(Entry entry, KeyState before, List<KeyState> outcomes, int chosen) {}

    private record CacheKey(BitSet linearized, KeyState state) {}

    private record Linearized(Operation op, KeyState after) {}
}
