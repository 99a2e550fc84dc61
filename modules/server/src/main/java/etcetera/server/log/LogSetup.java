package etcetera.server.log;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Points all logging of the process at standard error in {@link LineFormatter}'s format, at
 * the level etcd's {@code --log-level} names. Called once by {@code main} before anything logs.
 */
public final class LogSetup {

    private LogSetup() {
    }

    /**
     * @param logLevel etcd's level name: debug, info, warn, error, panic or fatal
     */
    public static void configure(String logLevel) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level = level(logLevel);
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new LineFormatter());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(level);
        // Libraries are quiet unless something is wrong, whatever our own level.
        Logger.getLogger("io.grpc").setLevel(level.intValue() < Level.INFO.intValue() ? Level.INFO : Level.WARNING);
        Logger.getLogger("io.netty").setLevel(Level.WARNING);
    }

    static Level level(String logLevel) {
        return switch (logLevel.toLowerCase(Locale.ROOT)) {
            case "debug" -> Level.FINE;
            case "warn" -> Level.WARNING;
            case "error", "dpanic", "panic", "fatal" -> Level.SEVERE;
            default -> Level.INFO;
        };
    }
}
