package etcetera.robustness.check;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Operation;
import etcetera.robustness.history.Outcome;
import etcetera.robustness.history.Request;
import etcetera.robustness.history.Response;
import etcetera.robustness.history.WatchRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A small builder of hand-written histories for tests: times in milliseconds, one call per operation. */
final class Histories {

    private final List<Operation> ops = new ArrayList<>();
    private final List<WatchRecord> watches = new ArrayList<>();

    Histories put(int client, String key, String value, long from, long to, long revision) {
        return add(client, new Request.Put(key, value), from, to, new Outcome.Ok(Response.put(revision)));
    }

    Histories putUnknown(int client, String key, String value, long from, long to) {
        return add(client, new Request.Put(key, value), from, to, new Outcome.Unknown("deadline exceeded"));
    }

    Histories putFailed(int client, String key, String value, long from, long to) {
        return add(client, new Request.Put(key, value), from, to, new Outcome.Failed("connection refused"));
    }

    Histories get(int client, String key, String value, long modRevision, long from, long to, long revision) {
        return add(client, new Request.Get(key, false), from, to, new Outcome.Ok(Response.get(revision, Optional.ofNullable(value), modRevision)));
    }

    Histories getSerializable(int client, String key, String value, long modRevision, long from, long to, long revision) {
        return add(client, new Request.Get(key, true), from, to, new Outcome.Ok(Response.get(revision, Optional.ofNullable(value), modRevision)));
    }

    Histories delete(int client, String key, long deleted, long from, long to, long revision) {
        return add(client, new Request.Delete(key), from, to, new Outcome.Ok(Response.delete(revision, deleted)));
    }

    Histories cas(int client, String key, Request.Compare compare, String value, boolean succeeded, long from, long to, long revision) {
        return add(client, new Request.Cas(key, compare, value), from, to, new Outcome.Ok(Response.cas(revision, succeeded)));
    }

    Histories watch(WatchRecord record) {
        watches.add(record);
        return this;
    }

    private Histories add(int client, Request request, long from, long to, Outcome outcome) {
        ops.add(new Operation(ops.size() + 1, client, request, from * 1_000_000, to * 1_000_000, outcome));
        return this;
    }

    History build() {
        return new History(ops, watches);
    }
}
