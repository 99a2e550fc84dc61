package etcetera.robustness.history;

import java.util.List;

/** A recorded run: the KV operations of all clients and the watchers' records. Immutable. */
public record History(List<Operation> operations, List<WatchRecord> watches) {

    public History {
        operations = List.copyOf(operations);
        watches = List.copyOf(watches);
    }

    public static History of(List<Operation> operations) {
        return new History(operations, List.of());
    }
}
