package etcetera.server.apply;

/** Tells the applier which lease IDs exist; supplied by the lessor. */
@FunctionalInterface
public interface Leases {

    boolean exists(long leaseId);

    /** No lease exists (until the lessor is built, every lease ID is unknown). */
    static Leases none() {
        return leaseId -> false;
    }
}
