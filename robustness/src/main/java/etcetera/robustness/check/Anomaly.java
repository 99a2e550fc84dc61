package etcetera.robustness.check;

/** One violation found by a checker: its kind, the key it concerns ("" if none) and a readable account. */
public record Anomaly(AnomalyKind kind, String key, String description) {

    @Override
    public String toString() {
        return kind + (key.isEmpty() ? "" : " [" + key + "]") + ": " + description;
    }
}
