package etcetera.robustness.history;

/**
 * What a client asked of the store, on one key: the closed family of operations the
 * recorder issues and the checkers understand. Immutable values.
 */
public sealed interface Request permits Request.Put, Request.Get, Request.Delete, Request.Cas {

    /** The one key the operation touches. */
    String key();

    /** Whether the operation may change the store (and so may take effect with an unknown outcome). */
    default boolean isWrite() {
        return !(this instanceof Get);
    }

    /** {@code Put(key, value)}. */
    record Put(String key, String value) implements Request {}

    /** {@code Range(key)} of one key; {@code serializable} reads may be stale and are checked by revision only. */
    record Get(String key, boolean serializable) implements Request {}

    /** {@code DeleteRange(key)} of one key. */
    record Delete(String key) implements Request {}

    /** {@code Txn(if compare(key) then Put(key, value))}: compare-and-swap. */
    record Cas(String key, Compare compare, String value) implements Request {}

    /** The guard of a compare-and-swap. */
    sealed interface Compare permits ValueEquals, ModRevisionEquals {}

    /** {@code value(key) == value}; as in etcd it never holds for an absent key. */
    record ValueEquals(String value) implements Compare {}

    /** {@code mod_revision(key) == modRevision}; an absent key has mod revision 0. */
    record ModRevisionEquals(long modRevision) implements Compare {}
}
