package etcetera.cli.snapshot;

import etcetera.api.storage.Progress;
import java.io.PrintWriter;

/**
 * Shows a long operation's progress on one stderr line, at most a few times a second, and a
 * last update when it completes. Used by the thread running the operation.
 */
final class ProgressLine implements Progress {

    private static final long INTERVAL_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final String what;
    private final String unit;
    private long lastPrint = System.nanoTime();
    private boolean printed;

    ProgressLine(PrintWriter err, String what, String unit) {
        this.err = err;
        this.what = what;
        this.unit = unit;
    }

    @Override
    public void update(long done, long total) {
        long now = System.nanoTime();
        boolean complete = total >= 0 && done >= total;
        if (!complete && now - lastPrint < INTERVAL_NANOS) {
            return;
        }
        lastPrint = now;
        String percent = total > 0 ? " (" + done * 100 / total + "%)" : "";
        err.print("\r" + what + ": " + done + (total >= 0 ? " of " + total : "") + " " + unit + percent);
        err.flush();
        printed = true;
    }

    /** Ends the progress line, if one was printed. */
    void finish() {
        if (printed) {
            err.println();
            err.flush();
        }
    }
}
