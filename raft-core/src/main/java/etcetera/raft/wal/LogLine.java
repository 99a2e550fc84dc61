package etcetera.raft.wal;

/** Formats one structured log line: an event name followed by {@code key=value} fields. */
final class LogLine {

    private LogLine() {
    }

    static String of(String event, Object... keyValues) {
        StringBuilder sb = new StringBuilder(event);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            sb.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
        }
        return sb.toString();
    }
}
