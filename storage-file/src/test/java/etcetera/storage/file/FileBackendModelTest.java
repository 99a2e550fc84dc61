package etcetera.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.Progress;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The file backend against a model (a {@link TreeMap} per bucket) over random sequences of
 * puts, deletes, bucket changes, commits, aborted batches, defragments and reopens: after
 * every step that can change what is visible, the committed state read through a fresh
 * reader and the batch's own view must equal the model's. jqwik reports the seed of a failing
 * run; replay it with {@code @Property(seed = "...")}.
 */
class FileBackendModelTest {

    private static final List<String> BUCKETS = List.of("a", "b", "key");
    private static final List<byte[]> KEYS = List.of(
            new byte[] {0x00}, new byte[] {0x01}, new byte[] {0x7f}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xff},
            new byte[] {0x7f, (byte) 0xff}, new byte[] {(byte) 0x80, 0x00}, new byte[] {(byte) 0xff, 0x00, 0x01});

    sealed interface Op permits Put, Delete, PutRun, DeleteRun, CreateBucket, DeleteBucket, Commit, Abort, Reopen, Defragment {
    }

    record Put(String bucket, byte[] key, byte[] value) implements Op {
        @Override
        public String toString() {
            return "Put[" + bucket + ", " + HexFormat.of().formatHex(key) + ", " + value.length + " bytes]";
        }
    }

    record Delete(String bucket, byte[] key) implements Op {
        @Override
        public String toString() {
            return "Delete[" + bucket + ", " + HexFormat.of().formatHex(key) + "]";
        }
    }

    /** Puts revision-like keys {@code from .. from+count-1}. */
    record PutRun(String bucket, int from, int count) implements Op {
    }

    record DeleteRun(String bucket, int from, int count) implements Op {
    }

    record CreateBucket(String bucket) implements Op {
    }

    record DeleteBucket(String bucket) implements Op {
    }

    record Commit() implements Op {
    }

    /** Closes the batch without committing and opens a new one. */
    record Abort() implements Op {
    }

    /** Closes the batch (uncommitted changes are lost) and the backend, and opens both again. */
    record Reopen() implements Op {
    }

    /** Closes the batch, defragments, and opens a new batch. */
    record Defragment() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<String> bucket = Arbitraries.of(BUCKETS);
        // few distinct keys, with bytes on both sides of 0x80, so that overwrites and deletes hit
        Arbitrary<byte[]> key = Arbitraries.of(KEYS).map(byte[]::clone);
        Arbitrary<byte[]> value = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<Integer> revision = Arbitraries.integers().between(0, 400);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(10, Combinators.combine(bucket, key, value).as(Put::new)),
                Tuple.of(5, Combinators.combine(bucket, key).as(Delete::new)),
                Tuple.of(3, Combinators.combine(bucket, revision, Arbitraries.integers().between(1, 200)).as(PutRun::new)),
                Tuple.of(2, Combinators.combine(bucket, revision, Arbitraries.integers().between(1, 300)).as(DeleteRun::new)),
                Tuple.of(3, bucket.map(CreateBucket::new)),
                Tuple.of(1, bucket.map(DeleteBucket::new)),
                Tuple.of(6, Arbitraries.just(new Commit())),
                Tuple.of(1, Arbitraries.just(new Abort())),
                Tuple.of(2, Arbitraries.just(new Reopen())),
                Tuple.of(1, Arbitraries.just(new Defragment())));
        return op.list().ofMinSize(5).ofMaxSize(60);
    }

    @Property(tries = 200)
    void backendBehavesLikeSortedMaps(@ForAll("operations") List<Op> ops) throws IOException {
        Path directory = Files.createTempDirectory("file-backend-model");
        BackendOptions options = new BackendOptions(false, 0);
        Map<String, TreeMap<byte[], byte[]>> committed = new TreeMap<>();
        Map<String, TreeMap<byte[], byte[]>> pending = new TreeMap<>();
        Backend backend = new FileStorageEngine().open(directory, options);
        WriteBatch batch = backend.write();
        // most runs start from buckets that exist, so that most puts land
        for (String b : List.of("a", "key")) {
            batch.createBucket(b);
            committed.put(b, new TreeMap<>(Arrays::compareUnsigned));
        }
        batch.commit();
        copy(committed, pending);
        try {
            for (Op op : ops) {
                switch (op) {
                    case Put(String b, byte[] key, byte[] value) -> {
                        if (pending.containsKey(b)) {
                            batch.put(b, key, value);
                            pending.get(b).put(key, value);
                        } else {
                            WriteBatch w = batch;
                            assertThrows(StorageException.class, () -> w.put(b, key, value));
                        }
                    }
                    case Delete(String b, byte[] key) -> {
                        batch.delete(b, key);
                        if (pending.containsKey(b)) {
                            pending.get(b).remove(key);
                        }
                    }
                    case PutRun(String b, int from, int count) -> {
                        if (pending.containsKey(b)) {
                            for (int r = from; r < from + count; r++) {
                                batch.put(b, revision(r), revision(r * 3));
                                pending.get(b).put(revision(r), revision(r * 3));
                            }
                        }
                    }
                    case DeleteRun(String b, int from, int count) -> {
                        for (int r = from; r < from + count; r++) {
                            batch.delete(b, revision(r));
                            if (pending.containsKey(b)) {
                                pending.get(b).remove(revision(r));
                            }
                        }
                    }
                    case CreateBucket(String b) -> {
                        batch.createBucket(b);
                        pending.putIfAbsent(b, new TreeMap<>(Arrays::compareUnsigned));
                    }
                    case DeleteBucket(String b) -> {
                        batch.deleteBucket(b);
                        pending.remove(b);
                    }
                    case Commit() -> {
                        batch.commit();
                        copy(pending, committed);
                    }
                    case Abort() -> {
                        batch.close();
                        batch = backend.write();
                        copy(committed, pending);
                    }
                    case Reopen() -> {
                        batch.close();
                        backend.close();
                        backend = new FileStorageEngine().open(directory, options);
                        batch = backend.write();
                        copy(committed, pending);
                    }
                    case Defragment() -> {
                        batch.close();
                        backend.defragment(Progress.none());
                        batch = backend.write();
                        copy(committed, pending);
                        assertEquals(backend.size(), Files.size(directory.resolve(FileBackend.DATA)));
                    }
                }
                assertEquals(dump(pending), dump(batch), "the batch's view after " + op);
                try (ReadTxn txn = backend.read()) {
                    assertEquals(dump(committed), dump(txn), "the committed view after " + op);
                }
            }
        } finally {
            batch.close();
            backend.close();
            deleteRecursively(directory);
        }
    }

    private static byte[] revision(int r) {
        return new byte[] {0, 0, (byte) (r >>> 8), (byte) r, '_', 0};
    }

    private static void copy(Map<String, TreeMap<byte[], byte[]>> from, Map<String, TreeMap<byte[], byte[]>> to) {
        to.clear();
        from.forEach((name, entries) -> to.put(name, new TreeMap<>(entries)));
    }

    private static Map<String, List<String>> dump(Map<String, TreeMap<byte[], byte[]>> model) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        model.forEach((name, entries) -> out.put(name, entries.entrySet().stream()
                .map(e -> HexFormat.of().formatHex(e.getKey()) + "=" + HexFormat.of().formatHex(e.getValue()))
                .toList()));
        return out;
    }

    private static Map<String, List<String>> dump(ReadTxn txn) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String bucket : txn.buckets()) {
            List<String> entries = new java.util.ArrayList<>();
            txn.scan(bucket, new byte[0], null, false, (k, v) -> entries.add(HexFormat.of().formatHex(k) + "=" + HexFormat.of().formatHex(v)));
            List<String> reversed = new java.util.ArrayList<>();
            txn.scan(bucket, new byte[0], null, true, (k, v) -> reversed.add(HexFormat.of().formatHex(k) + "=" + HexFormat.of().formatHex(v)));
            assertEquals(entries.reversed(), reversed, "reverse scan of " + bucket);
            out.put(bucket, entries);
        }
        return out;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
