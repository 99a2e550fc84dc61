package etcetera.robustness.history;

/** Human-readable one-line renderings of operations and events for reports and witnesses. */
final class Describe {

    private Describe() {}

    static String operation(Operation op) {
        String request = switch (op.request()) {
            case Request.Put p -> "put(" + p.key() + ", " + p.value() + ")";
            case Request.Get g -> (g.serializable() ? "get-serializable(" : "get(") + g.key() + ")";
            case Request.Delete d -> "delete(" + d.key() + ")";
            case Request.Cas c -> "cas(" + c.key() + ", " + switch (c.compare()) {
                case Request.ValueEquals v -> "value==" + v.value();
                case Request.ModRevisionEquals m -> "mod_revision==" + m.modRevision();
            } + " -> " + c.value() + ")";
        };
        String outcome = switch (op.outcome()) {
            case Outcome.Ok(Response r) -> switch (op.request()) {
                case Request.Put p -> "ok rev=" + r.revision();
                case Request.Get g -> (r.value().isPresent() ? r.value().get() + " mod_rev=" + r.modRevision() : "<absent>") + " rev=" + r.revision();
                case Request.Delete d -> "deleted=" + r.deleted() + " rev=" + r.revision();
                case Request.Cas c -> (r.succeeded() ? "succeeded" : "not-succeeded") + " rev=" + r.revision();
            };
            case Outcome.Failed(String e) -> "FAILED " + e;
            case Outcome.Unknown(String e) -> "UNKNOWN " + e;
        };
        return "#" + op.id() + " c" + op.client() + " " + request + " -> " + outcome
                + " [" + millis(op.invokedNanos()) + " .. " + millis(op.completedNanos()) + " ms]";
    }

    private static String millis(long nanos) {
        return String.format("%.3f", nanos / 1e6);
    }
}
