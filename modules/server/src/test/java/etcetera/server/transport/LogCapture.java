package etcetera.server.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Records the lines logged to one logger (System.Logger goes to java.util.logging here). */
final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    LogCapture(String name) {
        logger = Logger.getLogger(name);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getLevel() + " " + record.getMessage());
    }

    void awaitLine(String fragment, Duration timeout) {
        Eventually.await("a log line with \"" + fragment + "\" among " + lines, timeout,
                () -> lines.stream().anyMatch(line -> line.contains(fragment)));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
