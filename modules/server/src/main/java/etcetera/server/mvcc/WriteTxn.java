package etcetera.server.mvcc;

import etcetera.api.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The one open write transaction of the apply thread. Every change it makes shares one main
 * revision ({@code revision before + 1}) with sub revisions 0, 1, 2... in order; a
 * transaction that changes nothing takes no revision. Its ranges see its own changes.
 *
 * <p>Its changes go to the store's current write batch and become visible to readers only
 * at the next {@link MvccStore#commit(long)}. Owned by the apply thread.
 */
public final class WriteTxn implements ReadView {

    private final MvccStore store;
    private final WriteBatch batch;
    private final long beginRevision;
    private final List<Event> events = new ArrayList<>();
    private boolean ended;

    WriteTxn(MvccStore store, WriteBatch batch, long beginRevision) {
        this.store = store;
        this.batch = batch;
        this.beginRevision = beginRevision;
    }

    /** The store's revision before this transaction, plus one once it has changed something. */
    @Override
    public long revision() {
        return events.isEmpty() ? beginRevision : beginRevision + 1;
    }

    @Override
    public RangeResult range(byte[] key, byte[] end, long atRevision, long limit, boolean countOnly) {
        checkOpen();
        return HistoryReader.range(store.index, batch, revision(), store.writerCompactRevision(),
                key, end, atRevision, limit, countOnly);
    }

    /**
     * Stores {@code value} under {@code key}. The store keeps both arrays as they are (no
     * copy): the caller must not change them afterwards.
     *
     * @param lease the lease to attach, 0 for none
     */
    public void put(byte[] key, byte[] value, long lease) {
        checkOpen();
        if (key.length == 0) {
            throw new IllegalArgumentException("key is empty");
        }
        Revision rev = nextRevision();
        // Indexed before it is stored: readers only look at revisions up to their committed one.
        KeyHistory.Found prev = store.index.put(key, rev);
        KeyValue kv = prev == null
                ? new KeyValue(key, rev.main(), rev.main(), 1, value, lease)
                : new KeyValue(key, prev.createRevision(), rev.main(), prev.version() + 1, value, lease);
        Optional<KeyValue> prevKv = prev == null
                ? Optional.empty()
                : Optional.of(HistoryReader.fetch(batch, prev.modified()));
        batch.put(MvccStore.KEY_BUCKET, rev.toBytes(), KeyValueCodec.encode(kv));
        events.add(new Event(Event.Type.PUT, kv, prevKv));
    }

    /**
     * Deletes the keys of a range ({@code end} as in {@link #range}) that exist now.
     *
     * @return how many keys were deleted
     */
    public long deleteRange(byte[] key, byte[] end) {
        checkOpen();
        List<byte[]> keys = new ArrayList<>();
        List<Revision> current = new ArrayList<>();
        store.index.range(key, end, revision(), store.writerCompactRevision(), 0, (k, r) -> {
            keys.add(k);
            current.add(r);
        });
        for (int i = 0; i < keys.size(); i++) {
            byte[] k = keys.get(i);
            Revision rev = nextRevision();
            KeyValue prevKv = HistoryReader.fetch(batch, current.get(i));
            KeyValue tombstone = KeyValue.tombstone(k, rev.main());
            batch.put(MvccStore.KEY_BUCKET, rev.toTombstoneBytes(), KeyValueCodec.encode(tombstone));
            if (!store.index.tombstone(k, rev)) {
                throw new IllegalStateException("key index lost a live key while deleting it: " + tombstone);
            }
            events.add(new Event(Event.Type.DELETE, tombstone, Optional.of(prevKv)));
        }
        return keys.size();
    }

    private Revision nextRevision() {
        return new Revision(beginRevision + 1, events.size());
    }

    /**
     * Ends the transaction (a second call returns the same events).
     *
     * @return the changes it made, in order, each with the version it replaced
     */
    public List<Event> end() {
        if (!ended) {
            ended = true;
            store.ended(this, !events.isEmpty());
        }
        return Collections.unmodifiableList(events);
    }

    /** Ends the transaction if {@link #end()} was not called; its changes are kept either way. */
    @Override
    public void close() {
        end();
    }

    private void checkOpen() {
        if (ended) {
            throw new IllegalStateException("the write transaction has ended");
        }
    }
}
