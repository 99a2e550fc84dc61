package etcetera.storage.lmdb;

import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.lmdbjava.Cursor;
import org.lmdbjava.Env;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * The backend's single write batch. Each atomic unit (the changes between two commits) runs in
 * one LMDB write transaction, begun at the unit's first use and committed by {@link #commit()}.
 * The unit's changes are also kept here, so that when LMDB reports the map full the unit can be
 * replayed into a fresh transaction after the backend has grown the map.
 *
 * <p>Used by one thread: LMDB ties a write transaction to the thread that began it, so a unit's
 * changes and its commit must come from the same thread.
 */
final class LmdbWriteBatch extends LmdbView implements WriteBatch {

    /** One change of the current unit, as the caller made it (arrays are copies). */
    private sealed interface Change {
        record CreateBucket(String bucket) implements Change { }

        record DeleteBucket(String bucket) implements Change { }

        record Put(String bucket, byte[] key, byte[] value) implements Change { }

        record Delete(String bucket, byte[] key) implements Change { }
    }

    /** Doublings of the map a single unit may need before we call it a runaway. */
    private static final int MAX_GROWTHS = 40;

    private final LmdbBackend backend;
    private final List<Change> unit = new ArrayList<>();
    private Txn<byte[]> txn;
    private long mapStamp;
    private boolean closed;

    LmdbWriteBatch(LmdbBackend backend, LmdbDatabases databases) {
        super(databases);
        this.backend = backend;
    }

    @Override
    Txn<byte[]> txn() {
        if (closed) {
            throw new IllegalStateException("the write batch is closed");
        }
        if (txn == null) {
            long stamp = backend.holdMap();
            try {
                txn = databases.env().txnWrite();
            } catch (LmdbException e) {
                backend.releaseMap(stamp);
                throw failure("beginning a write transaction", e);
            }
            mapStamp = stamp;
        }
        return txn;
    }

    @Override
    public void createBucket(String bucket) {
        perform(new Change.CreateBucket(bucket));
    }

    @Override
    public void deleteBucket(String bucket) {
        perform(new Change.DeleteBucket(bucket));
    }

    @Override
    public void put(String bucket, byte[] key, byte[] value) {
        if (key.length + KeyLayout.PREFIX_BYTES > databases.maxKeyBytes()) {
            throw new StorageException("lmdb: key of " + key.length + " bytes is longer than the "
                    + (databases.maxKeyBytes() - KeyLayout.PREFIX_BYTES) + " bytes this engine stores");
        }
        perform(new Change.Put(bucket, key.clone(), value.clone()));
    }

    @Override
    public void delete(String bucket, byte[] key) {
        perform(new Change.Delete(bucket, key.clone()));
    }

    @Override
    public void commit() {
        for (int growths = 0; ; growths++) {
            try {
                txn().commit();
                break;
            } catch (Env.MapFullException e) {
                replayIntoLargerMap(growths);
            } catch (LmdbException e) {
                throw failure("commit", e);
            }
        }
        endTxn();
        unit.clear();
        backend.committed();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            abortTxn();
        } finally {
            closed = true;
            unit.clear();
            backend.batchClosed();
        }
    }

    private void perform(Change change) {
        try {
            apply(change);
            unit.add(change);
        } catch (Env.MapFullException e) {
            unit.add(change);
            replayIntoLargerMap(0);
        } catch (LmdbException e) {
            throw failure("writing", e);
        }
    }

    /** Drops the transaction LMDB gave up on, grows the map and applies the unit again. */
    private void replayIntoLargerMap(int growthsSoFar) {
        for (int growths = growthsSoFar; ; growths++) {
            if (growths >= MAX_GROWTHS) {
                throw new StorageException("lmdb: the map stayed full after " + MAX_GROWTHS + " doublings");
            }
            abortTxn();
            backend.growMap();
            try {
                for (Change change : unit) {
                    apply(change);
                }
                return;
            } catch (Env.MapFullException e) {
                // grow again
            }
        }
    }

    private void apply(Change change) {
        Txn<byte[]> t = txn();
        switch (change) {
            case Change.CreateBucket(String bucket) -> {
                if (bucketId(bucket).isEmpty()) {
                    int id = backend.allocateBucketId();
                    databases.buckets().put(t, utf8(bucket), KeyLayout.idBytes(id));
                    ids.put(bucket, id);
                }
            }
            case Change.DeleteBucket(String bucket) -> {
                OptionalInt id = bucketId(bucket);
                if (id.isPresent()) {
                    deleteRange(t, id.getAsInt());
                    databases.buckets().delete(t, utf8(bucket));
                    ids.remove(bucket);
                }
            }
            case Change.Put(String bucket, byte[] key, byte[] value) -> {
                int id = bucketId(bucket).orElseThrow(() -> new StorageException("bucket " + bucket + " does not exist"));
                databases.data().put(t, KeyLayout.dataKey(id, key), value);
            }
            case Change.Delete(String bucket, byte[] key) -> {
                OptionalInt id = bucketId(bucket);
                if (id.isPresent() && key.length + KeyLayout.PREFIX_BYTES <= databases.maxKeyBytes()) {
                    databases.data().delete(t, KeyLayout.dataKey(id.getAsInt(), key));
                }
            }
        }
    }

    private void deleteRange(Txn<byte[]> t, int id) {
        byte[] start = KeyLayout.idBytes(id);
        try (Cursor<byte[]> cursor = databases.data().openCursor(t)) {
            while (cursor.get(start, GetOp.MDB_SET_RANGE) && KeyLayout.inBucket(cursor.key(), id)) {
                cursor.delete();
            }
        }
    }

    private void abortTxn() {
        ids.clear();
        endTxn();
    }

    /** Ends the transaction (aborting it unless it committed) and lets the map move again. */
    private void endTxn() {
        Txn<byte[]> ended = txn;
        txn = null;
        if (ended != null) {
            try {
                ended.close();
            } finally {
                backend.releaseMap(mapStamp);
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
