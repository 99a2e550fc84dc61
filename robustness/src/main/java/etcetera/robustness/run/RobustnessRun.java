package etcetera.robustness.run;

import etcetera.robustness.history.History;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * One robustness run end to end: start a {@link ProcessCluster} of {@code members} processes of
 * {@code binary}, record a {@link Workload} while a {@link FaultSchedule} injects {@code faults},
 * heal, read everything back, check, and write the {@link RunReport} into {@code dir}. Stateless.
 */
public final class RobustnessRun {

    /** What to run; {@code faults} may be empty for a run without faults. */
    public record Options(Path binary, int members, Workload workload, List<FaultKind> faults, Duration faultInterval, Duration faultHold, Path dir) {}

    private RobustnessRun() {}

    public static RunReport run(Options o) throws InterruptedException {
        // The checkers model a store that starts empty: old data dirs would make every history wrong.
        if (Files.isDirectory(o.dir())) {
            try (Stream<Path> entries = Files.list(o.dir())) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(o.dir() + " is not empty; a run needs a fresh directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (ProcessCluster cluster = new ProcessCluster(o.binary(), o.members(), o.dir()).start();
             Recorder recorder = new Recorder(cluster.endpoints(), o.workload())) {
            FaultSchedule schedule = new FaultSchedule(cluster, o.faults(), o.faultInterval(), o.faultHold(), o.workload().seed()).start();
            AtomicReference<List<FaultSchedule.Injected>> faults = new AtomicReference<>(List.of());
            long start = System.nanoTime();
            History history = recorder.record(() -> {
                try {
                    faults.set(schedule.stop());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long recorded = (System.nanoTime() - start) / 1_000_000;
            String title = o.binary() + " x" + o.members() + ", " + o.workload() + ", faults " + o.faults();
            return RunReport.of(title, history, recorder.finalClient(), faults.get(), recorder.watchProblem(), o.dir(), recorded);
        }
    }

    /** Records against an existing cluster (no faults) and reports into {@code dir}. */
    public static RunReport runAgainst(List<String> endpoints, Workload workload, Path dir) throws InterruptedException {
        try (Recorder recorder = new Recorder(endpoints, workload)) {
            long start = System.nanoTime();
            History history = recorder.record();
            return RunReport.of(endpoints + ", " + workload, history, recorder.finalClient(), List.of(), recorder.watchProblem(), dir,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }
}
