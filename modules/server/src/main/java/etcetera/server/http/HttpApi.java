package etcetera.server.http;

/** What the HTTP endpoints of the client port need from the member. Thread-safe. */
public interface HttpApi {

    /**
     * Whether the member is healthy as etcd's {@code /health} defines it: it has a leader, no
     * alarm is raised, and it can serve a linearizable read.
     */
    boolean healthy();

    /** The etcd server version reported by {@code /version}. */
    String serverVersion();

    /** The cluster version reported by {@code /version}. */
    String clusterVersion();
}
