package etcetera.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A leader's pending linearizable reads, in arrival order, each waiting for a quorum to
 * acknowledge a heartbeat that carries its context. A quorum acknowledging a later request
 * confirms every earlier one too. Owned by the {@link Raft} that leads; cleared when
 * leadership changes (the reads are then dropped and retried by their clients).
 */
final class ReadIndexQueue {

    /** One waiting read: the commit index at arrival and who asked. */
    record Request(long index, long requester, byte[] context, Set<Long> acks) {
    }

    private final LinkedHashMap<ByteBuffer, Request> pending = new LinkedHashMap<>();

    private static ByteBuffer key(byte[] ctx) {
        return ByteBuffer.wrap(ctx);
    }

    /** Queues a read at commit index {@code index}; a context already queued is ignored. */
    void add(long index, long requester, byte[] context) {
        pending.putIfAbsent(key(context), new Request(index, requester, context, new HashSet<>()));
    }

    /** Records {@code from}'s acknowledgement of {@code context}; returns who has acknowledged it so far. */
    Set<Long> ack(byte[] context, long from) {
        Request r = pending.get(key(context));
        if (r == null) {
            return Set.of();
        }
        r.acks().add(from);
        return r.acks();
    }

    /** Removes and returns every request up to and including the one with {@code context}. */
    List<Request> release(byte[] context) {
        ByteBuffer k = key(context);
        if (!pending.containsKey(k)) {
            return List.of();
        }
        List<Request> out = new ArrayList<>();
        var it = pending.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            out.add(e.getValue());
            it.remove();
            if (e.getKey().equals(k)) {
                break;
            }
        }
        return out;
    }

    /** The context of the newest pending read, to piggyback on heartbeats; empty if none. */
    byte[] lastContext() {
        return pending.isEmpty() ? new byte[0] : pending.lastEntry().getValue().context();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    void clear() {
        pending.clear();
    }

    /** A copy of the acks per context, for status and tests. */
    Map<ByteBuffer, Set<Long>> acks() {
        Map<ByteBuffer, Set<Long>> m = new HashMap<>();
        pending.forEach((k, v) -> m.put(k, Set.copyOf(v.acks())));
        return m;
    }
}
