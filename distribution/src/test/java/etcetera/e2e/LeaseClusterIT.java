package etcetera.e2e;

import static etcetera.e2e.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases on a three-member cluster: only the leader keeps lease clocks, so keep-alives and
 * TTL queries sent to followers are forwarded to it; keys vanish once nobody renews.
 */
class LeaseClusterIT {

    @TempDir
    Path root;

    @Test
    void everyMemberServesKeepAlivesAndTimeToLiveOfTheLeadersLeases() {
        assumeTrue(Etcdctl.installed(), "etcdctl (Debian's etcd-client) is not installed");
        try (EtcdCluster cluster = EtcdCluster.start(EtcdProcess.OURS, root, 3)) {
            Etcdctl first = new Etcdctl(cluster.member(0).hostPort());
            waitUntil(() -> first.run("put", "ready", "1").exitCode() == 0, Duration.ofSeconds(30), "the cluster takes writes");
            String granted = first.run("lease", "grant", "4").ok().stdout();
            Matcher m = Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\(4s\\)").matcher(granted);
            assertTrue(m.find(), granted);
            String id = m.group(1);
            first.run("put", "--lease=" + id, "leased", "v").ok();
            // renew through each member in turn for three TTLs: followers forward to the leader
            long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            int round = 0;
            while (System.nanoTime() - until < 0) {
                EtcdProcess member = cluster.member(round++ % 3);
                Etcdctl etcdctl = new Etcdctl(member.hostPort());
                assertEquals("lease " + id + " keepalived with TTL(4)\n", etcdctl.run("lease", "keep-alive", "--once", id).ok().stdout(),
                        "keep-alive through " + member.hostPort());
                assertTrue(etcdctl.run("lease", "timetolive", "--keys", id).ok().stdout().endsWith("attached keys([leased])\n"));
                assertEquals("leased\nv\n", etcdctl.run("get", "leased").ok().stdout());
            }
            waitUntil(() -> first.run("get", "leased").ok().stdout().isEmpty(), Duration.ofSeconds(15),
                    "the key vanishes once keep-alives stop");
            for (EtcdProcess member : cluster.members()) {
                assertEquals("lease " + id + " already expired\n", new Etcdctl(member.hostPort()).run("lease", "timetolive", id).ok().stdout());
            }
        }
    }
}
