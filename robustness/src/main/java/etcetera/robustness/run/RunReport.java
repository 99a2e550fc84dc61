package etcetera.robustness.run;

import etcetera.robustness.check.Anomaly;
import etcetera.robustness.check.HistoryChecker;
import etcetera.robustness.check.LostWrites;
import etcetera.robustness.check.Verdict;
import etcetera.robustness.history.History;
import etcetera.robustness.history.HistoryFile;
import etcetera.robustness.history.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The outcome of one run: the checkers' report, the acknowledged writes lost, the faults with
 * their times to recover, and where the history was saved. Writes {@code report.txt} and
 * {@code history.jsonl} into the run's directory. Immutable.
 */
public record RunReport(String title, HistoryChecker.Report check, List<Operation> lostWrites, List<FaultSchedule.Injected> faults,
                        String watchProblem, int watchResumes, Path historyFile, long recordedMillis) {

    public static RunReport of(String title, History history, int finalClient, List<FaultSchedule.Injected> faults, String watchProblem,
                               Path dir, long recordedMillis) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = dir.resolve("history.jsonl");
        HistoryFile.write(history, file);
        int resumes = history.watches().stream().mapToInt(w -> Math.max(0, w.segments().size() - 1)).sum();
        RunReport report = new RunReport(title, new HistoryChecker().check(history), LostWrites.find(history, finalClient), faults,
                watchProblem, resumes, file, recordedMillis);
        try {
            Files.writeString(dir.resolve("report.txt"), report.text(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return report;
    }

    /** OK only if the checkers proved the history and no acknowledged write was lost. */
    public Verdict verdict() {
        return lostWrites.isEmpty() ? check.verdict() : Verdict.VIOLATION;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(title).append('\n');
        out.append("verdict: ").append(verdict()).append('\n');
        out.append("recorded for ").append(recordedMillis).append(" ms; history: ").append(historyFile).append('\n');
        out.append("check: ").append(check.summary()).append('\n');
        out.append("acknowledged writes lost: ").append(lostWrites.size()).append('\n');
        lostWrites.stream().limit(20).forEach(o -> out.append("    ").append(o).append('\n'));
        out.append("watch streams resumed: ").append(watchResumes).append('\n');
        if (!watchProblem.isEmpty()) {
            out.append("watchers: ").append(watchProblem).append('\n');
        }
        out.append("faults: ").append(faults.size()).append('\n');
        for (FaultSchedule.Injected f : faults) {
            out.append("    at ").append(f.atMillis()).append(" ms ").append(f.kind()).append(' ').append(f.member())
                    .append(" held ").append(f.heldMillis()).append(" ms, recovered ")
                    .append(f.recoveredAfterMillis() < 0 ? "NOT within 60 s" : "in " + f.recoveredAfterMillis() + " ms").append('\n');
        }
        Map<String, Long> outcomes = new TreeMap<>(check.anomalies().stream().collect(Collectors.groupingBy(a -> a.kind().name(), Collectors.counting())));
        out.append("anomalies: ").append(outcomes.isEmpty() ? "none" : outcomes).append('\n');
        for (Anomaly a : check.anomalies()) {
            out.append("  ").append(a).append('\n');
        }
        return out.toString();
    }
}
