package etcetera.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed value of every flag while one configuration is being assembled, with where each
 * value came from. Owned by the single parse that creates it; not thread-safe.
 */
final class FlagValues {

    /** Where a value came from; etcd's rules depend on it (e.g. an explicit --listen-client-urls). */
    enum Origin { DEFAULT, COMMAND_LINE, ENVIRONMENT, CONFIG_FILE }

    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, Origin> origins = new HashMap<>();

    FlagValues() {
        for (FlagSpec spec : FlagTable.FLAGS) {
            values.put(spec.name(), spec.defaultValue());
            origins.put(spec.name(), Origin.DEFAULT);
        }
    }

    /**
     * Sets a flag from text. An empty URL list keeps the current value but still counts as
     * given, as etcd's URL flags do.
     *
     * @throws GoLiterals.SyntaxError when the text is not valid for the flag's type
     */
    void set(FlagSpec spec, String raw, Origin origin) {
        if (!(spec.kind() == FlagKind.URLS && raw.isEmpty())) {
            values.put(spec.name(), spec.kind().parse(spec, raw));
        }
        origins.put(spec.name(), origin);
    }

    /** Sets an already typed value (e.g. a duration the YAML file gives in nanoseconds). */
    void setValue(String name, Object value, Origin origin) {
        values.put(name, value);
        origins.put(name, origin);
    }

    boolean isGiven(String name) {
        return origins.get(name) != Origin.DEFAULT;
    }

    Origin origin(String name) {
        return origins.get(name);
    }

    Object value(String name) {
        return values.get(name);
    }

    String string(String name) {
        return (String) values.get(name);
    }

    boolean bool(String name) {
        return (Boolean) values.get(name);
    }

    long number(String name) {
        return (Long) values.get(name);
    }

    /** A number that Etcetera keeps in an {@code int}; larger values are clamped (no one means them). */
    int smallNumber(String name) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, number(name)));
    }

    Duration duration(String name) {
        return (Duration) values.get(name);
    }

    @SuppressWarnings("unchecked")
    List<URI> urls(String name) {
        return (List<URI>) values.get(name);
    }

    @SuppressWarnings("unchecked")
    List<String> strings(String name) {
        return (List<String>) values.get(name);
    }

    /** Milliseconds given as a plain number (etcd's {@code --heartbeat-interval} style). */
    Duration millis(String name) {
        return Duration.ofMillis(number(name));
    }
}
