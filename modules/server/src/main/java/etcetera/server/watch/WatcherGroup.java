package etcetera.server.watch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A set of watchers indexed for the question "who watches this key?": single-key watchers by
 * key in a hash map, range watchers grouped by their distinct range (scanned, since clients
 * typically hold few distinct ranges). Owned by the hub thread.
 */
final class WatcherGroup {

    /** A key or range as a map key, compared by content. */
    private record Bytes(byte[] start, byte[] end, int hash) {

        static Bytes of(byte[] start, byte[] end) {
            return new Bytes(start, end, 31 * Arrays.hashCode(start) + Arrays.hashCode(end));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && hash == b.hash && Arrays.equals(start, b.start) && Arrays.equals(end, b.end);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final byte[] NONE = new byte[0];

    private final Map<Bytes, Set<Watcher>> byKey = new HashMap<>();
    private final Map<Bytes, Set<Watcher>> byRange = new HashMap<>();
    /** The distinct ranges with their watchers, for the scan. */
    private final List<Set<Watcher>> ranges = new ArrayList<>();
    private final Set<Watcher> all = new LinkedHashSet<>();

    void add(Watcher w) {
        if (!all.add(w)) {
            throw new IllegalStateException("watcher added twice: " + w);
        }
        WatchSpec spec = w.spec();
        if (spec.isRange()) {
            byRange.computeIfAbsent(Bytes.of(spec.key(), spec.rangeEnd()), k -> {
                Set<Watcher> set = new LinkedHashSet<>();
                ranges.add(set);
                return set;
            }).add(w);
        } else {
            byKey.computeIfAbsent(Bytes.of(spec.key(), NONE), k -> new LinkedHashSet<>()).add(w);
        }
    }

    boolean remove(Watcher w) {
        if (!all.remove(w)) {
            return false;
        }
        WatchSpec spec = w.spec();
        Map<Bytes, Set<Watcher>> index = spec.isRange() ? byRange : byKey;
        Bytes k = Bytes.of(spec.key(), spec.isRange() ? spec.rangeEnd() : NONE);
        Set<Watcher> set = index.get(k);
        set.remove(w);
        if (set.isEmpty()) {
            index.remove(k);
            if (spec.isRange()) {
                ranges.remove(set);
            }
        }
        return true;
    }

    /** Calls {@code action} for every watcher whose range holds {@code key}, each once. */
    void forEachWatching(byte[] key, Consumer<Watcher> action) {
        Set<Watcher> exact = byKey.get(Bytes.of(key, NONE));
        if (exact != null) {
            exact.forEach(action);
        }
        for (Set<Watcher> set : ranges) {
            if (set.iterator().next().spec().contains(key)) {
                set.forEach(action);
            }
        }
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    int size() {
        return all.size();
    }

    /** The watchers, oldest first; do not change the group while iterating. */
    Set<Watcher> watchers() {
        return all;
    }
}
