package etcetera.server.apply;

/**
 * Tells the applier whether the NOSPACE alarm is raised in the cluster; while it is, puts
 * and txns with top-level puts are refused with etcd's "database space exceeded". Supplied by
 * the server, which keeps the alarms; asked on the apply thread, so it must be quick.
 */
@FunctionalInterface
public interface NoSpaceAlarm {

    boolean raised();

    /** An alarm that is never raised (a server that keeps no quota). */
    static NoSpaceAlarm never() {
        return () -> false;
    }
}
