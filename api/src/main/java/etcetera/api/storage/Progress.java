package etcetera.api.storage;

/** Told how far a long operation (snapshot, defragment, restore) has come. */
@FunctionalInterface
public interface Progress {

    /**
     * @param done units done so far (bytes or entries, as the operation says)
     * @param total the units expected in all, or {@code -1} if unknown
     */
    void update(long done, long total);

    /** A progress that ignores updates. */
    static Progress none() {
        return (done, total) -> { };
    }
}
