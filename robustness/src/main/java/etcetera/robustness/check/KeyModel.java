package etcetera.robustness.check;

import etcetera.robustness.history.Operation;
import etcetera.robustness.history.Outcome;
import etcetera.robustness.history.Request;
import etcetera.robustness.history.Response;
import java.util.List;

/**
 * The sequential specification of one etcd key under put, linearizable get, delete and
 * compare-and-swap, with revisions: applying an operation to a state gives the states it may
 * lead to (none if the recorded response is impossible from that state; two for an
 * unknown-outcome compare-and-swap whose guard cannot be decided). Stateless.
 */
final class KeyModel {

    private KeyModel() {}

    static List<KeyState> step(KeyState s, Operation op) {
        return switch (op.outcome()) {
            case Outcome.Ok(Response r) -> acknowledged(s, op.request(), r);
            case Outcome.Unknown u -> unknown(s, op.request());
            case Outcome.Failed f -> List.of(s);
        };
    }

    private static List<KeyState> acknowledged(KeyState s, Request request, Response r) {
        return switch (request) {
            case Request.Put p -> after(s, r.revision()) ? List.of(new KeyState(true, p.value(), r.revision())) : List.of();
            case Request.Get g -> read(s, r);
            case Request.Delete d -> {
                if (r.deleted() != (s.present() ? 1 : 0)) {
                    yield List.of();
                }
                if (!s.present()) {
                    yield atLeast(s, r.revision()) ? List.of(s) : List.of();
                }
                yield after(s, r.revision()) ? List.of(new KeyState(false, null, r.revision())) : List.of();
            }
            case Request.Cas c -> {
                Boolean holds = holds(s, c.compare());
                if (holds != null && holds != r.succeeded()) {
                    yield List.of();
                }
                if (!r.succeeded()) {
                    yield atLeast(s, r.revision()) ? List.of(s) : List.of();
                }
                yield after(s, r.revision()) ? List.of(new KeyState(true, c.value(), r.revision())) : List.of();
            }
        };
    }

    private static List<KeyState> read(KeyState s, Response r) {
        if (r.value().isPresent() != s.present()) {
            return List.of();
        }
        if (!s.present()) {
            return atLeast(s, r.revision()) ? List.of(s) : List.of();
        }
        if (!r.value().get().equals(s.value())) {
            return List.of();
        }
        if (!s.revisionKnown()) {
            // The write's revision was unknown; the read tells it.
            return r.modRevision() <= r.revision() ? List.of(new KeyState(true, s.value(), r.modRevision())) : List.of();
        }
        return r.modRevision() == s.revision() && r.revision() >= s.revision() ? List.of(s) : List.of();
    }

    private static List<KeyState> unknown(KeyState s, Request request) {
        return switch (request) {
            case Request.Put p -> List.of(new KeyState(true, p.value(), KeyState.UNKNOWN));
            case Request.Get g -> List.of(s);
            case Request.Delete d -> s.present() ? List.of(new KeyState(false, null, KeyState.UNKNOWN)) : List.of(s);
            case Request.Cas c -> {
                Boolean holds = holds(s, c.compare());
                KeyState swapped = new KeyState(true, c.value(), KeyState.UNKNOWN);
                if (holds == null) {
                    yield List.of(swapped, s);
                }
                yield holds ? List.of(swapped) : List.of(s);
            }
        };
    }

    /** Whether the guard holds in {@code s}; null when it depends on a revision the history does not tell. */
    static Boolean holds(KeyState s, Request.Compare compare) {
        return switch (compare) {
            case Request.ValueEquals v -> s.present() && v.value().equals(s.value());
            case Request.ModRevisionEquals m -> {
                if (!s.present()) {
                    yield m.modRevision() == 0;
                }
                yield s.revisionKnown() ? s.revision() == m.modRevision() : null;
            }
        };
    }

    /** A write at {@code revision} may follow {@code s}: revisions of one key's writes strictly increase. */
    private static boolean after(KeyState s, long revision) {
        return !s.revisionKnown() || revision > s.revision();
    }

    /** A response at {@code revision} may be observed in {@code s}: it cannot predate the key's last write. */
    private static boolean atLeast(KeyState s, long revision) {
        return !s.revisionKnown() || revision >= s.revision();
    }
}
