package etcetera.raft.wal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a WAL segment file, {@code %016x-%016x.wal} as etcd names them: the segment's
 * sequence number and the index of the first entry it was cut for ({@code lastIndex + 1} at the
 * time). Entries that survive in earlier segments all have indexes below {@code firstIndex}.
 */
record SegmentName(long seq, long firstIndex) {

    private static final Pattern FORMAT = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.wal");

    String fileName() {
        return String.format("%016x-%016x.wal", seq, firstIndex);
    }

    Path in(Path dir) {
        return dir.resolve(fileName());
    }

    static Optional<SegmentName> parse(String fileName) {
        Matcher m = FORMAT.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SegmentName(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)));
    }
}
