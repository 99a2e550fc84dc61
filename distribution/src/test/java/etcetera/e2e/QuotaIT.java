package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --quota-backend-bytes} as etcd enforces it: writes beyond the quota are refused with
 * "database space exceeded" and raise the NOSPACE alarm; deletes still pass; after compaction,
 * defragmentation and {@code alarm disarm} writes are accepted again.
 */
class QuotaIT {

    @TempDir
    Path dataDir;

    @Test
    void writesBeyondTheQuotaRaiseNospaceUntilSpaceIsFreedAndTheAlarmDisarmed() {
        assumeTrue(Etcdctl.installed(), "etcdctl (Debian's etcd-client) is not installed");
        try (EtcdProcess server = EtcdProcess.ours(dataDir, "--quota-backend-bytes=200000").start()) {
            Etcdctl etcdctl = new Etcdctl(server.hostPort());
            String value = "x".repeat(4000);
            int accepted = 0;
            Etcdctl.Result refused = null;
            for (int i = 0; i < 200 && refused == null; i++) {
                Etcdctl.Result put = etcdctl.run("put", "big/" + i, value);
                if (put.exitCode() == 0) {
                    accepted++;
                } else {
                    refused = put;
                }
            }
            assertTrue(refused != null, "a 200 kB quota must refuse 200 puts of 4 kB");
            assertTrue(accepted > 10, "puts accepted before the quota: " + accepted);
            assertTrue(refused.stderr().contains("Error: etcdserver: mvcc: database space exceeded"), refused.stderr());
            assertTrue(etcdctl.run("alarm", "list").ok().stdout().contains("alarm:NOSPACE"));
            assertEquals(String.valueOf(accepted), etcdctl.run("del", "--prefix", "big/").ok().stdout().strip(), "deletes pass under NOSPACE");
            Etcdctl.Result stillRefused = etcdctl.run("put", "small", "v");
            assertTrue(stillRefused.stderr().contains("database space exceeded"), "the alarm holds until disarmed");
            String json = etcdctl.run("get", "none", "-w", "json").ok().stdout();
            String revision = json.replaceAll("(?s).*\"revision\":(\\d+).*", "$1");
            etcdctl.run("compaction", "--physical", revision).ok();
            etcdctl.run("defrag").ok();
            etcdctl.run("alarm", "disarm").ok();
            assertEquals("", etcdctl.run("alarm", "list").ok().stdout());
            assertEquals("OK\n", etcdctl.run("put", "small", "v").ok().stdout());
        }
    }
}
