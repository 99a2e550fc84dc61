package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives our server and the real etcd 3.4 with the same etcdctl commands, in the same order,
 * and requires the same output, byte for byte, but for what legitimately differs between two
 * servers (raft term in JSON headers). Each script also asserts our exact output, so the test
 * means something even where the real etcd is not installed.
 *
 * <p>Both servers see the same commands in the same order (methods run by name), so their
 * revisions agree.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class EtcdctlCompatibilityIT {

    @TempDir
    static Path dirs;

    private static EtcdProcess ours;
    private static EtcdProcess etcd;

    private static SideBySide servers;

    @BeforeAll
    static void startServers() {
        servers = SideBySide.start(dirs);
        ours = servers.ours();
        etcd = servers.etcd();
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    /** Runs one command on both servers; returns our result after comparing it with etcd's. */
    private static Etcdctl.Result bothWithInput(String stdin, String... args) {
        Etcdctl.Result mine = new Etcdctl(ours.hostPort()).runWithInput(stdin, args);
        if (etcd != null) {
            Etcdctl.Result theirs = new Etcdctl(etcd.hostPort()).runWithInput(stdin, args);
            String what = "etcdctl " + String.join(" ", args);
            assertEquals(theirs.exitCode(), mine.exitCode(), what + " exit code; ours: " + mine + " etcd: " + theirs);
            assertEquals(normalize(theirs.stdout()), normalize(mine.stdout()), what + " stdout");
            assertEquals(theirs.errorLine(), mine.errorLine(), what + " error");
        }
        return mine;
    }

    private static Etcdctl.Result both(String... args) {
        return bothWithInput(null, args);
    }

    private static String normalize(String out) {
        return out.replaceAll("\"raft_term\":\\d+", "\"raft_term\":T")
                .replaceAll("\"cluster_id\":\\d+", "\"cluster_id\":C")
                .replaceAll("\"member_id\":\\d+", "\"member_id\":M");
    }


    @Test
    void putGetDeleteWithEveryReadOption() {
        assertEquals("OK\n", both("put", "foo", "bar").stdout());
        both("put", "foo2", "bar2");
        both("put", "a/1", "x");
        both("put", "a/2", "y");
        both("put", "a/3", "z");
        both("put", "b", "bee");
        assertEquals("foo\nbar\n", both("get", "foo").stdout());
        assertEquals("a/1\nx\na/2\ny\na/3\nz\n", both("get", "--prefix", "a/").stdout());
        assertEquals("a/1\nx\na/2\ny\n", both("get", "--prefix", "a/", "--limit=2").stdout());
        assertEquals("b\nbee\nfoo\nbar\nfoo2\nbar2\n", both("get", "--from-key", "b").stdout());
        assertEquals("a/1\na/2\na/3\n", both("get", "--prefix", "a/", "--keys-only").stdout().replace("\n\n", "\n"));
        assertEquals("x\ny\nz\n", both("get", "--prefix", "a/", "--print-value-only").stdout());
        assertEquals("a/3\nz\na/2\ny\na/1\nx\n", both("get", "--prefix", "a/", "--sort-by=KEY", "--order=DESCEND").stdout());
        both("get", "--prefix", "", "--sort-by=MODIFY", "--order=DESCEND");
        both("get", "--prefix", "", "--sort-by=VALUE", "--order=ASCEND");
        both("get", "--prefix", "", "--sort-by=CREATE", "--order=DESCEND", "--limit=3");
        both("get", "--prefix", "", "--sort-by=VERSION");
        both("put", "foo", "bar-2");
        assertEquals("foo\nbar\n", both("get", "foo", "--rev=2").stdout());
        assertEquals("foo\nbar-2\n", both("get", "foo").stdout());
        String json = both("get", "foo", "-w", "json").stdout();
        assertTrue(json.contains("\"key\":\"Zm9v\",\"create_revision\":2,\"mod_revision\":8,\"version\":2,\"value\":\"YmFyLTI=\""), json);
        both("get", "a/", "--prefix", "--count-only", "-w", "json");
        both("put", "foo", "bar-3", "--prev-kv");
        assertEquals("1\n", both("del", "foo2").stdout());
        assertEquals("0\n", both("del", "nothing").stdout());
        assertEquals("3\na/1\nx\na/2\ny\na/3\nz\n", both("del", "--prefix", "a/", "--prev-kv").stdout());
        both("del", "--from-key", "b");
        assertEquals("", both("get", "--prefix", "").stdout());
    }

    @Test
    void txnInInteractiveFormAndCompaction() {
        both("put", "tk", "v1");
        String txn = "value(\"tk\") = \"v1\"\n\nput tk v2\nget tk\n\nget nothing\n\n";
        assertEquals("SUCCESS\n\nOK\n\ntk\nv2\n", bothWithInput(txn, "txn").stdout());
        String failing = "mod(\"tk\") < \"2\"\n\nput tk v3\n\nget tk\n\n";
        assertEquals("FAILURE\n\ntk\nv2\n", bothWithInput(failing, "txn").stdout());
        both("txn", "-w", "json");
        Etcdctl.Result status = new Etcdctl(ours.hostPort()).run("get", "tk", "-w", "json").ok();
        long revision = Long.parseLong(status.stdout().replaceAll("(?s).*\"revision\":(\\d+).*", "$1"));
        both("put", "tk", "v3");
        assertEquals("compacted revision " + revision + "\n", both("compaction", String.valueOf(revision)).stdout());
        Etcdctl.Result compacted = both("get", "tk", "--rev=" + (revision - 1));
        assertEquals(1, compacted.exitCode());
        assertTrue(compacted.stderr().contains("Error: etcdserver: mvcc: required revision has been compacted"), compacted.stderr());
        Etcdctl.Result future = both("get", "tk", "--rev=" + (revision + 1000));
        assertTrue(future.stderr().contains("Error: etcdserver: mvcc: required revision is a future revision"), future.stderr());
        Etcdctl.Result again = both("compaction", String.valueOf(revision));
        assertTrue(again.stderr().contains("Error: etcdserver: mvcc: required revision has been compacted"), again.stderr());
    }

    @Test
    void badInputGetsEtcdsErrors() {
        Etcdctl.Result empty = both("put", "", "v");
        assertEquals(1, empty.exitCode());
        assertTrue(empty.stderr().contains("Error: etcdserver: key is not provided"), empty.stderr());
        Etcdctl.Result lease = both("put", "k", "v", "--lease=1234");
        assertTrue(lease.stderr().contains("Error: etcdserver: requested lease not found"), lease.stderr());
        Etcdctl.Result ignore = both("put", "never-written", "--ignore-value");
        assertTrue(ignore.stderr().contains("Error: etcdserver: key not found"), ignore.stderr());
    }

    @Test
    void endpointStatusAndHealthAnswer() {
        Etcdctl etcdctl = new Etcdctl(ours.hostPort());
        String health = etcdctl.run("endpoint", "health").ok().stdout() + etcdctl.run("endpoint", "health").stderr();
        assertTrue(health.contains(ours.hostPort() + " is healthy: successfully committed proposal"), health);
        String status = etcdctl.run("endpoint", "status", "-w", "json").ok().stdout();
        assertTrue(status.contains("\"Endpoint\":\"" + ours.hostPort() + "\""), status);
        assertTrue(status.contains("\"version\":\"3.4"), status);
        String table = etcdctl.run("endpoint", "status", "-w", "table").ok().stdout();
        assertTrue(table.contains("| " + ours.hostPort() + " |"), table);
        assertTrue(table.contains("|      true |"), "the single member is the leader: " + table);
    }
}
