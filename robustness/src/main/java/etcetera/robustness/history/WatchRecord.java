package etcetera.robustness.history;

import java.util.List;

/**
 * Everything one watcher saw of the keys under {@code prefix}: its stream segments in order.
 * {@code coversAllWrites} says that every write of the run falls under the prefix, so the
 * events of a segment must carry every revision from its start to its last event.
 */
public record WatchRecord(int watcher, String prefix, boolean coversAllWrites, List<WatchSegment> segments) {

    public WatchRecord {
        segments = List.copyOf(segments);
    }
}
