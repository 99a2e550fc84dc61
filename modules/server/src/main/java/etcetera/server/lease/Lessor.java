package etcetera.server.lease;

import com.google.protobuf.ByteString;
import etcetera.api.storage.Backend;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.WriteBatch;
import etcetera.server.apply.Leases;
import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.Event;
import etcetera.server.mvcc.KeyValue;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.mvcc.ReadView;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The member's leases: which exist, their TTLs and attached keys (replicated state), and,
 * while this member is <em>primary</em>, when each expires.
 *
 * <h2>Two kinds of state</h2>
 * <ul>
 *   <li><b>Replicated</b>: leases and their keys change only when the apply thread applies a
 *       grant, a revoke, a checkpoint or a write that attaches or detaches keys ({@link Leases}
 *       methods). Every member holds the same. Lease records are written to the {@code lease}
 *       bucket in the MVCC store's shared batch, so they commit atomically with the key
 *       changes and the consistent index; the attachments are rebuilt from the keys' lease
 *       field on {@link #open} and {@link #reload}.</li>
 *   <li><b>Primary-local</b>: expiries. Only the primary (the Raft leader) keeps clocks on its
 *       leases, serves keep-alives ({@link #renew}) and asks for the revoke of expired leases
 *       through the log ({@link #startExpiry}). Elsewhere every lease is "forever". See
 *       {@link #promote} and {@link #demote}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * The apply thread calls the {@link Leases} methods and {@link #reload}; the node thread (or
 * whoever follows leadership) calls {@link #promote}/{@link #demote}; request threads call
 * {@link #renew}, {@link #timeToLive}, {@link #leases}; the expiry timer runs
 * {@link #expiredLeases}. Lease maps are concurrent; the expiry queue and the primary flag
 * are guarded by {@code this}.
 */
public final class Lessor implements Leases {

    private static final Logger LOG = System.getLogger("lessor");
    static final String BUCKET = "lease";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Proposes the revoke of an expired lease through the log. */
    @FunctionalInterface
    public interface Revoker {
        CompletableFuture<?> revoke(long leaseId);
    }

    /**
     * A lease as LeaseTimeToLive reports it.
     *
     * @param remainingSeconds seconds left, truncated as etcd truncates them
     * @param keys the attached keys, in byte order (empty unless asked for)
     */
    public record TimeToLive(long id, long remainingSeconds, long grantedTtlSeconds, List<ByteString> keys) {
    }

    /** An entry of the expiry queue, valid while the lease's expiry is still {@code expiry}. */
    private record Due(long atNanos, long id, long expiry) {
    }

    private final Backend backend;
    private final MvccStore store;
    private final LessorOptions options;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Long, Lease> leases = new ConcurrentHashMap<>();

    // Guarded by this.
    private final PriorityQueue<Due> dueQueue = new PriorityQueue<>(Comparator.comparingLong(Due::atNanos));
    private boolean primary;
    private CompletableFuture<Void> demoted = new CompletableFuture<>();
    private CompletableFuture<Void> promoted = new CompletableFuture<>();

    Lessor(Backend backend, MvccStore store, LessorOptions options, LongSupplier nanoClock) {
        this.backend = backend;
        this.store = store;
        this.options = options;
        this.nanoClock = nanoClock;
    }

    /**
     * Loads the leases the backend holds and attaches the keys that name them. Call before the
     * log is replayed; the lessor starts as not primary.
     */
    public static Lessor open(Backend backend, MvccStore store, LessorOptions options) {
        Lessor lessor = new Lessor(backend, store, options, System::nanoTime);
        lessor.reload();
        return lessor;
    }

    /**
     * Replaces the replicated state with what the backend holds (after {@link #open}, or once a
     * snapshot image replaced the backend). Apply thread only (or before the node starts). If
     * primary, the reloaded leases get a full TTL from now.
     */
    public void reload() {
        List<Lease> loaded = new ArrayList<>();
        try (ReadTxn txn = backend.read()) {
            if (txn.buckets().contains(BUCKET)) {
                txn.scan(BUCKET, new byte[0], null, false, (key, value) -> {
                    LeaseRecord record = LeaseRecord.decode(value);
                    loaded.add(new Lease(record.id(), Math.max(record.ttlSeconds(), options.minTtlSeconds()), record.remainingSeconds()));
                    return true;
                });
            }
        }
        for (Lease old : leases.values()) {
            old.revoked.complete(null);
        }
        leases.clear();
        for (Lease lease : loaded) {
            leases.put(lease.id, lease);
        }
        long attached = attachStoredKeys();
        synchronized (this) {
            dueQueue.clear();
            if (primary) {
                long now = nanoClock.getAsLong();
                for (Lease lease : leases.values()) {
                    lease.refresh(now, 0);
                    schedule(lease);
                }
            }
        }
        if (!loaded.isEmpty()) {
            LOG.log(Level.INFO, "recovered leases count=" + loaded.size() + " attached-keys=" + attached);
        }
    }

    private long attachStoredKeys() {
        byte[] from = {0};
        byte[] allKeys = {0};
        long attached = 0;
        try (ReadView view = store.read()) {
            while (true) {
                List<KeyValue> page = view.range(from, allKeys, 0, 10_000, false).kvs();
                for (KeyValue kv : page) {
                    if (kv.lease() != 0) {
                        Lease lease = leases.get(kv.lease());
                        if (lease == null) {
                            LOG.log(Level.WARNING, "a key names a lease that does not exist; it stays until deleted key="
                                    + ByteString.copyFrom(kv.key()).toStringUtf8() + " lease=" + Long.toHexString(kv.lease()));
                        } else {
                            lease.keys.add(ByteString.copyFrom(kv.key()));
                            attached++;
                        }
                    }
                }
                if (page.size() < 10_000) {
                    return attached;
                }
                byte[] last = page.getLast().key();
                from = java.util.Arrays.copyOf(last, last.length + 1);
            }
        }
    }

    // ---- replicated state: apply thread ----------------------------------------------------

    @Override
    public boolean exists(long leaseId) {
        return leases.containsKey(leaseId);
    }

    @Override
    public long grant(long leaseId, long ttlSeconds) {
        if (leaseId == 0) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        if (ttlSeconds > LessorOptions.MAX_TTL_SECONDS) {
            throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
        }
        if (leases.containsKey(leaseId)) {
            throw EtcdError.LEASE_EXIST.exception();
        }
        Lease lease = new Lease(leaseId, Math.max(ttlSeconds, options.minTtlSeconds()), 0);
        WriteBatch batch = store.sharedBatch();
        batch.createBucket(BUCKET);
        batch.put(BUCKET, LeaseRecord.key(leaseId), new LeaseRecord(leaseId, lease.ttlSeconds, 0).encode());
        synchronized (this) {
            leases.put(leaseId, lease);
            if (primary) {
                lease.refresh(nanoClock.getAsLong(), 0);
                schedule(lease);
            }
        }
        return lease.ttlSeconds;
    }

    @Override
    public List<byte[]> attachedKeys(long leaseId) {
        Lease lease = leases.get(leaseId);
        if (lease == null) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        // Sorted, so every member deletes them in the same order and their stores stay equal.
        return lease.keys.stream().sorted(ByteString.unsignedLexicographicalComparator()).map(ByteString::toByteArray).toList();
    }

    @Override
    public void revoked(long leaseId) {
        Lease lease = leases.remove(leaseId);
        if (lease == null) {
            return;
        }
        store.sharedBatch().delete(BUCKET, LeaseRecord.key(leaseId));
        lease.revoked.complete(null);
    }

    @Override
    public void checkpoint(long leaseId, long remainingSeconds) {
        Lease lease = leases.get(leaseId);
        if (lease != null) {
            // As etcd 3.4: kept in memory for the next promotion, not persisted.
            lease.checkpointedSeconds = remainingSeconds;
        }
    }

    @Override
    public void attachmentsChanged(List<Event> events) {
        for (Event event : events) {
            long before = event.prevKv().map(KeyValue::lease).orElse(0L);
            long after = event.type() == Event.Type.PUT ? event.kv().lease() : 0L;
            if (before == after) {
                continue;
            }
            ByteString key = ByteString.copyFrom(event.kv().key());
            if (before != 0) {
                Lease old = leases.get(before);
                if (old != null) {
                    old.keys.remove(key);
                }
            }
            if (after != 0) {
                Lease lease = leases.get(after);
                if (lease != null) {
                    lease.keys.add(key);
                }
            }
        }
    }

    // ---- primary: leadership ----------------------------------------------------------------

    /**
     * Makes this member the primary lessor: call it when this member becomes the Raft leader
     * (etcd does so once the leader has applied the entries of the previous terms). Every
     * lease's expiry is reset to now + its TTL + {@code extend} (the election timeout, in etcd),
     * so that a lease does not expire merely because leadership moved and the old leader's
     * keep-alives were lost with it. From then on this member serves keep-alives and revokes
     * expired leases. Idempotent: a member already primary keeps its expiries. Any thread.
     */
    public synchronized void promote(Duration extend) {
        if (primary) {
            return;
        }
        primary = true;
        demoted = new CompletableFuture<>();
        long now = nanoClock.getAsLong();
        dueQueue.clear();
        for (Lease lease : leases.values()) {
            lease.refresh(now, extend.toNanos());
            schedule(lease);
        }
        promoted.complete(null);
        LOG.log(Level.INFO, "lessor promoted: this member now keeps lease expiries leases=" + leases.size()
                + " extend=" + extend.toMillis() + "ms");
    }

    /**
     * Stops being the primary lessor: call it when this member stops being the Raft leader.
     * Every lease then never expires here (the new leader keeps the clocks), keep-alives are
     * refused with NOT_LEADER (to be forwarded to the leader), and keep-alives waiting for the
     * revoke of an expired lease fail the same way. Idempotent. Any thread.
     */
    public synchronized void demote() {
        if (!primary) {
            return;
        }
        primary = false;
        promoted = new CompletableFuture<>();
        for (Lease lease : leases.values()) {
            lease.expiryNanos = Lease.FOREVER;
        }
        dueQueue.clear();
        demoted.complete(null);
        LOG.log(Level.INFO, "lessor demoted: lease expiries are kept by the new leader");
    }

    /** Whether this member keeps lease expiries and serves keep-alives. */
    public synchronized boolean isPrimary() {
        return primary;
    }

    /** Completes when this member is (or next becomes) primary. */
    public synchronized CompletableFuture<Void> whenPrimary() {
        return primary ? CompletableFuture.completedFuture(null) : promoted.copy();
    }

    // ---- primary: keep-alives and queries -----------------------------------------------------

    /**
     * Renews a lease: its expiry becomes now + its TTL. A lease that has already expired is not
     * renewed: the answer waits for its revoke (then LEASE_NOT_FOUND), as etcd's does.
     *
     * @return the TTL granted, in seconds; fails with LEASE_NOT_FOUND, or NOT_LEADER when this
     *     member is not primary (the caller forwards to the leader)
     */
    public CompletableFuture<Long> renew(long leaseId) {
        CompletableFuture<Void> demotedNow;
        synchronized (this) {
            if (!primary) {
                return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
            }
            demotedNow = demoted;
        }
        Lease lease = leases.get(leaseId);
        if (lease == null) {
            return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.exception());
        }
        long now = nanoClock.getAsLong();
        if (lease.expired(now)) {
            return CompletableFuture.anyOf(lease.revoked, demotedNow).thenApply(done -> {
                throw (lease.revoked.isDone() ? EtcdError.LEASE_NOT_FOUND : EtcdError.NOT_LEADER).exception();
            });
        }
        // A checkpointed remainder applies to the next promotion only; a renewal restarts the full TTL.
        lease.checkpointedSeconds = 0;
        synchronized (this) {
            if (!primary) {
                return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
            }
            // Not queued again: the queue entry made at the old expiry finds the new one then.
            lease.refresh(now, 0);
        }
        return CompletableFuture.completedFuture(lease.ttlSeconds);
    }

    /** The lease's remaining and granted TTL, and its keys if {@code withKeys}; empty if it does not exist. */
    public Optional<TimeToLive> timeToLive(long leaseId, boolean withKeys) {
        Lease lease = leases.get(leaseId);
        if (lease == null) {
            return Optional.empty();
        }
        long remaining = lease.remainingNanos(nanoClock.getAsLong());
        long seconds = remaining == Long.MAX_VALUE ? lease.refreshSeconds() : Math.max(0, remaining) / NANOS_PER_SECOND;
        List<ByteString> keys = withKeys
                ? lease.keys.stream().sorted(ByteString.unsignedLexicographicalComparator()).toList()
                : List.of();
        return Optional.of(new TimeToLive(leaseId, seconds, lease.ttlSeconds, keys));
    }

    /** The IDs of all leases, the soonest to expire first (as etcd lists them). */
    public List<Long> leases() {
        long now = nanoClock.getAsLong();
        return leases.values().stream()
                .sorted(Comparator.comparingLong((Lease l) -> l.remainingNanos(now)).thenComparingLong(l -> l.id))
                .map(l -> l.id)
                .toList();
    }

    /** The minimum TTL granted, in seconds. */
    public long minTtlSeconds() {
        return options.minTtlSeconds();
    }

    // ---- primary: expiry ----------------------------------------------------------------------

    /**
     * Runs the expiry check every {@link LessorOptions#checkInterval()} on {@code timer}: while
     * primary, up to {@link LessorOptions#revokeBatch()} expired leases per check are handed to
     * {@code revoker}. A lease whose revoke has not been applied
     * {@link LessorOptions#revokeRetry()} later is handed over again.
     *
     * @return stops the checks
     */
    public AutoCloseable startExpiry(ScheduledExecutorService timer, Revoker revoker) {
        long every = options.checkInterval().toNanos();
        ScheduledFuture<?> task = timer.scheduleWithFixedDelay(() -> {
            try {
                for (long id : expiredLeases()) {
                    revoker.revoke(id).whenComplete((ok, failure) -> {
                        if (failure != null) {
                            LOG.log(Level.DEBUG, "revoking an expired lease failed; retried later lease=" + Long.toHexString(id)
                                    + " error=" + failure);
                        }
                    });
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the lease expiry check failed; retried at the next check error=" + e, e);
            }
        }, every, every, TimeUnit.NANOSECONDS);
        return () -> task.cancel(false);
    }

    /**
     * The expired leases to revoke now, at most {@link LessorOptions#revokeBatch()}; each is
     * queued again to be retried after {@link LessorOptions#revokeRetry()}. Empty unless primary.
     */
    synchronized List<Long> expiredLeases() {
        List<Long> expired = new ArrayList<>();
        if (!primary) {
            return expired;
        }
        long now = nanoClock.getAsLong();
        while (expired.size() < options.revokeBatch() && !dueQueue.isEmpty() && dueQueue.peek().atNanos() - now <= 0) {
            Due due = dueQueue.poll();
            Lease lease = leases.get(due.id());
            if (lease == null) {
                continue; // revoked
            }
            if (lease.expiryNanos != due.expiry() || !lease.expired(now)) {
                // renewed since it was queued: look again at the new expiry
                if (lease.expiryNanos != Lease.FOREVER) {
                    dueQueue.add(new Due(lease.expiryNanos, lease.id, lease.expiryNanos));
                }
                continue;
            }
            expired.add(lease.id);
            dueQueue.add(new Due(now + options.revokeRetry().toNanos(), lease.id, lease.expiryNanos));
        }
        return expired;
    }

    /** Guarded by this. */
    private void schedule(Lease lease) {
        dueQueue.add(new Due(lease.expiryNanos, lease.id, lease.expiryNanos));
    }

    /** For tests and diagnostics: the number of leases. */
    public int size() {
        return leases.size();
    }

    /** Waits-for-revoke futures fail cleanly when the member stops. */
    public void close() {
        synchronized (this) {
            demoted.complete(null);
        }
    }
}
