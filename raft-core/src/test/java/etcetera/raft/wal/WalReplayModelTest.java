package etcetera.raft.wal;

import static etcetera.raft.wal.WalFiles.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;

import etcetera.raft.Entry;
import etcetera.raft.HardState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random sequences of appends (including tail overwrites), syncs, snapshots with release and
 * purge, and reopens replay exactly what a simple in-memory model of the log says. jqwik prints
 * the seed of a failing run; replay it with {@code @Property(seed = "...")}.
 */
class WalReplayModelTest {

    @Property(tries = 25)
    void replayMatchesTheModel(@ForAll long seed, @ForAll @IntRange(min = 20, max = 80) int steps) throws IOException {
        Path dir = Files.createTempDirectory("wal-model");
        Random random = new Random(seed);
        WalOptions options = WalFiles.smallSegments(1024 + random.nextInt(4096)).withMaxWals(random.nextInt(4));
        List<Entry> model = new ArrayList<>();
        long snapshot = 0;
        long snapshotTerm = 0;
        HardState state = HardState.EMPTY;
        long term = 1;
        Wal wal = Wal.create(dir.resolve("wal"), options, WalFiles.METADATA);
        try {
            for (int step = 0; step < steps; step++) {
                long last = model.isEmpty() ? snapshot : model.getLast().index();
                switch (random.nextInt(10)) {
                    case 0, 1, 2, 3, 4 -> {
                        long from = Math.max(snapshot + 1, last + 1 - random.nextInt(4));
                        int count = random.nextInt(6);
                        term += random.nextInt(2);
                        List<Entry> batch = WalFiles.entries(from, from + count - 1, term, random.nextInt(200));
                        long keep = count == 0 ? Long.MAX_VALUE : from;
                        model.removeIf(e -> e.index() >= keep);
                        model.addAll(batch);
                        if (random.nextBoolean()) {
                            state = new HardState(term, 1, Math.max(state.commit(), snapshot));
                        }
                        wal.append(state, batch);
                    }
                    case 5, 6 -> wal.sync();
                    case 7 -> {
                        if (last > snapshot) {
                            long index = snapshot + 1 + random.nextInt((int) (last - snapshot));
                            long at = index;
                            snapshotTerm = model.stream().filter(e -> e.index() == at).findFirst().orElseThrow().term();
                            snapshot = index;
                            model.removeIf(e -> e.index() <= at);
                            wal.saveSnapshotMarker(snapshot, snapshotTerm);
                            wal.releaseBefore(snapshot);
                        }
                    }
                    default -> {
                        wal.close();
                        wal = Wal.open(dir.resolve("wal"), options);
                    }
                }
                WalContents c = wal.readAll(snapshot);
                assertEquals(describe(model), describe(c.entries()), "seed " + seed + " step " + step);
                assertEquals(state, c.hardState(), "seed " + seed + " step " + step);
                assertEquals(new SnapshotMarker(snapshot, snapshotTerm), c.snapshot(), "seed " + seed + " step " + step);
            }
        } finally {
            wal.close();
            WalFiles.deleteTree(dir);
        }
    }
}
