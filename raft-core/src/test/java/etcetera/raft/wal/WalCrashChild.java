package etcetera.raft.wal;

import etcetera.raft.HardState;
import java.nio.file.Path;

/**
 * The process {@link WalCrashTest} kills: appends batches to a WAL forever, syncs each and
 * prints {@code synced <lastIndex>} only after the sync returned.
 */
public final class WalCrashChild {

    private WalCrashChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        WalOptions options = WalOptions.defaults().withSegmentBytes(Long.parseLong(args[1]));
        try (Wal wal = Wal.exists(dir) ? Wal.open(dir, options) : Wal.create(dir, options, WalFiles.METADATA)) {
            long next = wal.lastIndex() + 1;
            while (true) {
                int batch = 1 + (int) (next % 7);
                wal.append(new HardState(1, 1, next), WalFiles.entries(next, next + batch - 1, 1, 50 + (int) (next % 300)));
                wal.sync();
                next += batch;
                System.out.println("synced " + (next - 1));
                System.out.flush();
            }
        }
    }
}
