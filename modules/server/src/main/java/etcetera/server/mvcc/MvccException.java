package etcetera.server.mvcc;

/**
 * A request the store refuses because of the revision it names. The API layer maps the
 * {@link Kind} to etcd's error ({@code mvcc: required revision has been compacted},
 * {@code mvcc: required revision is a future revision}).
 */
public final class MvccException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the revision cannot be served. */
    public enum Kind {
        /** The revision is older than the compaction revision (or, for compact, not newer). */
        COMPACTED("mvcc: required revision has been compacted"),
        /** The revision is newer than the store's current revision. */
        FUTURE_REVISION("mvcc: required revision is a future revision");

        private final String message;

        Kind(String message) {
            this.message = message;
        }

        /** etcd's error text for this kind. */
        public String message() {
            return message;
        }
    }

    private final Kind kind;
    private final long storeRevision;

    MvccException(Kind kind, long storeRevision) {
        super(kind.message());
        this.kind = kind;
        this.storeRevision = storeRevision;
    }

    static MvccException compacted(long compactRevision) {
        return new MvccException(Kind.COMPACTED, compactRevision);
    }

    static MvccException futureRevision(long currentRevision) {
        return new MvccException(Kind.FUTURE_REVISION, currentRevision);
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The store's side of the refusal: the compaction revision for {@link Kind#COMPACTED}
     * (what a watch response reports as {@code compact_revision}), the current revision for
     * {@link Kind#FUTURE_REVISION}.
     */
    public long storeRevision() {
        return storeRevision;
    }
}
