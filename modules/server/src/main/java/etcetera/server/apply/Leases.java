package etcetera.server.apply;

/**
 * Tells the applier which lease IDs exist, for puts that attach a lease; supplied by the
 * lessor and asked on the apply thread, so it must answer from the lessor's applied state.
 */
@FunctionalInterface
public interface Leases {

    boolean exists(long leaseId);

    /** No lease exists (the answer while the server has no lessor). */
    static Leases none() {
        return leaseId -> false;
    }
}
