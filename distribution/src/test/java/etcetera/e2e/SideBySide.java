package etcetera.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;

/**
 * Our server and, when it is installed, the real etcd 3.4, started with the same flags in
 * {@code dirs}, for tests that drive both with etcdctl and compare. Skips the test when
 * etcdctl is missing.
 *
 * @param etcd {@code null} when the real etcd is not installed
 */
record SideBySide(EtcdProcess ours, EtcdProcess etcd) implements AutoCloseable {

    static SideBySide start(Path dirs) {
        assumeTrue(Etcdctl.installed(), "etcdctl (Debian's etcd-client) is not installed");
        EtcdProcess ours = EtcdProcess.ours(dirs.resolve("ours")).start();
        EtcdProcess etcd = EtcdProcess.installed(EtcdProcess.REAL_ETCD)
                ? new EtcdProcess(EtcdProcess.REAL_ETCD, dirs.resolve("etcd"), List.of()).start()
                : null;
        return new SideBySide(ours, etcd);
    }

    /** Ours first, then etcd if present. */
    List<EtcdProcess> all() {
        return etcd == null ? List.of(ours) : List.of(ours, etcd);
    }

    @Override
    public void close() {
        ours.close();
        if (etcd != null) {
            etcd.close();
        }
    }
}
