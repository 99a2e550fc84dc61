package etcetera.robustness.history;

import java.util.Optional;

/** One event a watcher received: a put (with its value) or a delete of a key, at a revision. */
public record WatchEvent(Type type, String key, Optional<String> value, long modRevision) {

    public enum Type { PUT, DELETE }

    public WatchEvent {
        value = value == null ? Optional.empty() : value;
    }

    @Override
    public String toString() {
        return type == Type.PUT ? "PUT " + key + "=" + value.orElse("") + " @" + modRevision : "DELETE " + key + " @" + modRevision;
    }
}
