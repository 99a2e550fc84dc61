package etcetera.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link KeyTree} against a {@link TreeMap} over random operations, with many splits and
 * merges, checking that every frozen version keeps its content while later edits go on
 * (the copy-on-write promise readers rely on). jqwik reports the seed of a failing run;
 * replay it with {@code @Property(seed = "...")}.
 */
class KeyTreePropertyTest {

    sealed interface Op permits Put, Remove, PutRun, RemoveRun, Seal {
    }

    record Put(int key) implements Op {
    }

    record Remove(int key) implements Op {
    }

    /** Puts {@code count} consecutive keys from {@code from}: appends like MVCC revisions. */
    record PutRun(int from, int count) implements Op {
    }

    /** Removes {@code count} consecutive keys from {@code from}: like an MVCC compaction. */
    record RemoveRun(int from, int count) implements Op {
    }

    /** Freezes the current version, as a commit does. */
    record Seal() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> keys = Arbitraries.integers().between(0, 3000);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, keys.map(Put::new)),
                net.jqwik.api.Tuple.of(4, keys.map(Remove::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(keys, Arbitraries.integers().between(1, 600)).as(PutRun::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(keys, Arbitraries.integers().between(1, 900)).as(RemoveRun::new)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Seal())));
        return op.list().ofMaxSize(80);
    }

    @Property(tries = 300)
    void treeMatchesModelAndFrozenVersionsNeverChange(@ForAll("operations") List<Op> ops) {
        KeyTree.Edit edit = new KeyTree.Edit();
        KeyTree.Node root = null;
        TreeMap<byte[], Long> model = new TreeMap<>(Arrays::compareUnsigned);
        List<KeyTree.Node> frozenRoots = new ArrayList<>();
        List<Map<String, Long>> frozenModels = new ArrayList<>();
        long version = 0;
        for (Op op : ops) {
            version++;
            switch (op) {
                case Put(int key) -> {
                    root = KeyTree.put(edit, root, key(key), version, 1);
                    model.put(key(key), version);
                }
                case Remove(int key) -> {
                    root = KeyTree.remove(edit, root, key(key));
                    model.remove(key(key));
                }
                case PutRun(int from, int count) -> {
                    for (int k = from; k < from + count; k++) {
                        root = KeyTree.put(edit, root, key(k), version, 1);
                        model.put(key(k), version);
                    }
                }
                case RemoveRun(int from, int count) -> {
                    for (int k = from; k < from + count; k++) {
                        root = KeyTree.remove(edit, root, key(k));
                        model.remove(key(k));
                    }
                }
                case Seal() -> {
                    edit.seal();
                    frozenRoots.add(root);
                    frozenModels.add(contents(model));
                }
            }
            assertEquals(model.isEmpty(), root == null, "an empty tree has no root");
        }
        assertEquals(contents(model), contents(root, new byte[0], null, false));
        for (int i = 0; i < frozenRoots.size(); i++) {
            assertEquals(frozenModels.get(i), contents(frozenRoots.get(i), new byte[0], null, false), "frozen version " + i);
        }
        // bounded scans both ways, and point gets
        int[] slot = new int[1];
        for (int probe = 0; probe < 3000; probe += 97) {
            byte[] from = key(probe);
            byte[] to = key(probe + 250);
            Map<String, Long> expected = contents(new TreeMap<>(model.subMap(from, to)));
            assertEquals(expected, contents(root, from, to, false));
            assertEquals(expected, contents(root, from, to, true));
            KeyTree.Leaf leaf = KeyTree.find(root, from, slot);
            assertEquals(model.get(from), leaf == null ? null : leaf.offsets[slot[0]]);
        }
        List<String> reverse = new ArrayList<>();
        KeyTree.scan(root, new byte[0], null, true, (key, offset, length) -> reverse.add(HexFormat.of().formatHex(key)));
        assertEquals(new ArrayList<>(contents(model).keySet()).reversed(), reverse);
    }

    /** Keys with high bytes in them, so that signed comparison would misorder them. */
    private static byte[] key(int k) {
        return new byte[] {(byte) (k >>> 8), (byte) k, (byte) 0x80};
    }

    private static Map<String, Long> contents(TreeMap<byte[], Long> model) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        model.forEach((k, v) -> out.put(HexFormat.of().formatHex(k), v));
        return out;
    }

    private static Map<String, Long> contents(KeyTree.Node root, byte[] from, byte[] to, boolean reverse) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        KeyTree.scan(root, from, to, reverse, (key, offset, length) -> entries.add(Map.entry(HexFormat.of().formatHex(key), offset)));
        if (reverse) {
            java.util.Collections.reverse(entries);
        }
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Long> e : entries) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
