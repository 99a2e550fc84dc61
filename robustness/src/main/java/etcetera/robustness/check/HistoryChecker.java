package etcetera.robustness.check;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Operation;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs every checker over a history and sums up: the linearizability search per key, the
 * revision checks, the watch checks. The verdict is {@link Verdict#VIOLATION} if any anomaly
 * was found, {@link Verdict#UNKNOWN} if a key's search ran out of budget and nothing else was
 * wrong, {@link Verdict#OK} only if everything was proven. Stateless.
 */
public final class HistoryChecker {

    /** Default search budget per key: generous for thousands of operations per key. */
    public static final long DEFAULT_STEP_BUDGET = 20_000_000;

    private final long stepBudgetPerKey;

    public HistoryChecker() {
        this(DEFAULT_STEP_BUDGET);
    }

    public HistoryChecker(long stepBudgetPerKey) {
        this.stepBudgetPerKey = stepBudgetPerKey;
    }

    /** The checkers' joint finding. */
    public record Report(Verdict verdict, List<Anomaly> anomalies, int operations, int operationsSearched, int keys,
                         int unknownOutcomes, int failed, int watchEvents, long searchSteps, long elapsedMillis, long cpuMillis) {

        public boolean has(AnomalyKind kind) {
            return anomalies.stream().anyMatch(a -> a.kind() == kind);
        }

        public String summary() {
            Map<AnomalyKind, Long> byKind = anomalies.stream().collect(Collectors.groupingBy(Anomaly::kind, Collectors.counting()));
            return verdict + ": " + operations + " operations (" + unknownOutcomes + " unknown, " + failed + " failed) on " + keys + " keys, "
                    + operationsSearched + " searched in " + searchSteps + " steps, " + watchEvents + " watch events; checked in "
                    + elapsedMillis + " ms (cpu " + cpuMillis + " ms)" + (byKind.isEmpty() ? "" : "; anomalies " + byKind);
        }
    }

    public Report check(History history) {
        long start = System.nanoTime();
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        List<Anomaly> anomalies = new ArrayList<>();
        boolean incomplete = false;
        int searched = 0;
        long steps = 0;
        List<LinearizabilityChecker.KeyResult> keys = new LinearizabilityChecker(stepBudgetPerKey).check(history);
        for (LinearizabilityChecker.KeyResult k : keys) {
            searched += k.operations();
            steps += k.steps();
            incomplete |= k.verdict() == Verdict.UNKNOWN;
            k.anomaly().ifPresent(anomalies::add);
        }
        anomalies.addAll(new RevisionChecker().check(history));
        anomalies.addAll(new WatchChecker().check(history));
        boolean violated = anomalies.stream().anyMatch(a -> a.kind() != AnomalyKind.CHECK_INCOMPLETE);
        Verdict verdict = violated ? Verdict.VIOLATION : incomplete ? Verdict.UNKNOWN : Verdict.OK;
        List<Operation> ops = history.operations();
        int unknown = (int) ops.stream().filter(Operation::isUnknown).count();
        int failed = (int) ops.stream().filter(o -> !o.isOk() && !o.isUnknown()).count();
        int events = history.watches().stream().flatMap(w -> w.segments().stream()).mapToInt(s -> s.events().size()).sum();
        return new Report(verdict, List.copyOf(anomalies), ops.size(), searched, keys.size(), unknown, failed, events, steps,
                (System.nanoTime() - start) / 1_000_000, (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1_000_000);
    }
}
