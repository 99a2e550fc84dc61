package etcetera.server.apply;

import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.Event;
import java.util.List;

/**
 * The replicated lease state as the applier reads and changes it: implemented by the lessor
 * ({@code etcetera.server.lease.Lessor}). Called on the apply thread only, in log order, so
 * every member's leases stay equal; an implementation persists its changes in the MVCC
 * store's shared batch, so they commit with the key changes of the same batch.
 *
 * <p>Only {@link #exists} is abstract, so that a test of the KV semantics can stand for a set
 * of existing leases with a lambda; the defaults then refuse grants and keep no attachments.
 */
@FunctionalInterface
public interface Leases {

    /** Whether the lease exists (for puts that attach it). */
    boolean exists(long leaseId);

    /**
     * Grants a lease.
     *
     * @return the TTL granted: at least the minimum TTL
     * @throws etcetera.server.errors.EtcdException LEASE_EXIST, LEASE_TTL_TOO_LARGE, or
     *     LEASE_NOT_FOUND for ID 0
     */
    default long grant(long leaseId, long ttlSeconds) {
        throw EtcdError.NOT_CAPABLE.exception();
    }

    /**
     * The keys attached to a lease, in byte order: what its revoke deletes.
     *
     * @throws etcetera.server.errors.EtcdException LEASE_NOT_FOUND
     */
    default List<byte[]> attachedKeys(long leaseId) {
        throw EtcdError.LEASE_NOT_FOUND.exception();
    }

    /** Removes a lease whose keys the revoke has deleted. */
    default void revoked(long leaseId) {
    }

    /** Records the remaining TTL the primary checkpointed for a lease (ignored if it does not exist). */
    default void checkpoint(long leaseId, long remainingSeconds) {
    }

    /**
     * Follows the changes of one write transaction: a put attaches its key to the lease it
     * names and detaches it from the one it named before; a delete detaches it.
     */
    default void attachmentsChanged(List<Event> events) {
    }

    /** The backend was replaced (a snapshot image was restored): reload the leases from it. */
    default void reload() {
    }

    /** No lease exists and none can be granted: for appliers without a lessor. */
    static Leases none() {
        return leaseId -> false;
    }
}
