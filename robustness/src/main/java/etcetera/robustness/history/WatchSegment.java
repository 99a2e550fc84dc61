package etcetera.robustness.history;

import java.util.List;

/**
 * One watch stream's life: created from {@code startRevision}, it delivered {@code events} in
 * order until it ended (a broken connection, the end of the run). A watcher that resumes opens a
 * new segment from the revision after the last event it saw.
 */
public record WatchSegment(long startRevision, List<WatchEvent> events) {

    public WatchSegment {
        events = List.copyOf(events);
    }
}
