package etcetera.server.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Formats a log record as one line: {@code 2026-11-25T07:00:00.123456Z INFO etcdserver: message}.
 * Stateless and thread-safe.
 */
final class LineFormatter extends Formatter {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        TIME.formatTo(record.getInstant(), line);
        line.append(' ').append(levelName(record.getLevel())).append(' ')
                .append(component(record.getLoggerName())).append(": ");
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        if (message != null && parameters != null && parameters.length > 0) {
            try {
                message = MessageFormat.format(message.replace("'", "''"), parameters);
            } catch (IllegalArgumentException e) {
                // keep the raw text: a malformed pattern must not lose the event
            }
        }
        line.append(message);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        return line.append(System.lineSeparator()).toString();
    }

    static String levelName(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (value >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (value >= Level.INFO.intValue()) {
            return "INFO";
        }
        return "DEBUG";
    }

    private static String component(String loggerName) {
        if (loggerName == null || loggerName.isEmpty()) {
            return "etcetera";
        }
        if (loggerName.startsWith("io.grpc") || loggerName.startsWith("io.netty")) {
            return "grpc";
        }
        return loggerName;
    }
}
