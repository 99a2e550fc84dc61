package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KV API through jetcd, a real Java etcd client: exact results and etcd's errors. */
class KvJetcdIT {

    @TempDir
    static Path dataDir;

    private static EtcdProcess server;
    private static Client client;
    private static KV kv;

    @BeforeAll
    static void start() {
        server = EtcdProcess.ours(dataDir, "--max-txn-ops=4", "--max-request-bytes=65536").start();
        client = Client.builder().endpoints(server.endpoint()).build();
        kv = client.getKVClient();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void putThenGetReturnsRevisionsAndVersions() throws Exception {
        PutResponse first = kv.put(bytes("jv/k"), bytes("one")).get(10, TimeUnit.SECONDS);
        PutResponse second = kv.put(bytes("jv/k"), bytes("two"), PutOption.builder().withPrevKV().build()).get(10, TimeUnit.SECONDS);
        assertEquals(first.getHeader().getRevision() + 1, second.getHeader().getRevision());
        assertTrue(second.hasPrevKv());
        assertEquals("one", second.getPrevKv().getValue().toString(StandardCharsets.UTF_8));
        KeyValue now = kv.get(bytes("jv/k")).get(10, TimeUnit.SECONDS).getKvs().getFirst();
        assertEquals(first.getHeader().getRevision(), now.getCreateRevision());
        assertEquals(second.getHeader().getRevision(), now.getModRevision());
        assertEquals(2, now.getVersion());
        GetResponse old = kv.get(bytes("jv/k"), GetOption.builder().withRevision(first.getHeader().getRevision()).build()).get(10, TimeUnit.SECONDS);
        assertEquals("one", old.getKvs().getFirst().getValue().toString(StandardCharsets.UTF_8));
    }

    @Test
    void prefixRangeWithLimitReportsMoreAndCount() throws Exception {
        for (int i = 0; i < 5; i++) {
            kv.put(bytes("jp/" + i), bytes("v" + i)).get(10, TimeUnit.SECONDS);
        }
        GetResponse page = kv.get(bytes("jp/"), GetOption.builder().isPrefix(true).withLimit(2).build()).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("jp/0", "jp/1"), page.getKvs().stream().map(k -> k.getKey().toString(StandardCharsets.UTF_8)).toList());
        assertTrue(page.isMore());
        assertEquals(5, page.getCount());
        GetResponse count = kv.get(bytes("jp/"), GetOption.builder().isPrefix(true).withCountOnly(true).build()).get(10, TimeUnit.SECONDS);
        assertEquals(5, count.getCount());
        assertTrue(count.getKvs().isEmpty());
        long deleted = kv.delete(bytes("jp/"), DeleteOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getDeleted();
        assertEquals(5, deleted);
    }

    @Test
    void txnComparesAndSwapsAtomically() throws Exception {
        kv.put(bytes("jt/lock"), bytes("free")).get(10, TimeUnit.SECONDS);
        TxnResponse won = kv.txn()
                .If(new Cmp(bytes("jt/lock"), Cmp.Op.EQUAL, CmpTarget.value(bytes("free"))))
                .Then(Op.put(bytes("jt/lock"), bytes("taken"), PutOption.DEFAULT))
                .Else(Op.get(bytes("jt/lock"), GetOption.DEFAULT))
                .commit().get(10, TimeUnit.SECONDS);
        assertTrue(won.isSucceeded());
        TxnResponse lost = kv.txn()
                .If(new Cmp(bytes("jt/lock"), Cmp.Op.EQUAL, CmpTarget.value(bytes("free"))))
                .Then(Op.put(bytes("jt/lock"), bytes("taken-again"), PutOption.DEFAULT))
                .Else(Op.get(bytes("jt/lock"), GetOption.DEFAULT))
                .commit().get(10, TimeUnit.SECONDS);
        assertFalse(lost.isSucceeded());
        assertEquals("taken", lost.getGetResponses().getFirst().getKvs().getFirst().getValue().toString(StandardCharsets.UTF_8));
    }

    @Test
    void tooManyTxnOpsAndOversizedRequestsAreRefused() {
        var txn = kv.txn().Then(
                Op.put(bytes("jx/1"), bytes("v"), PutOption.DEFAULT), Op.put(bytes("jx/2"), bytes("v"), PutOption.DEFAULT),
                Op.put(bytes("jx/3"), bytes("v"), PutOption.DEFAULT), Op.put(bytes("jx/4"), bytes("v"), PutOption.DEFAULT),
                Op.put(bytes("jx/5"), bytes("v"), PutOption.DEFAULT));
        assertStatus(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request",
                assertThrows(ExecutionException.class, () -> txn.commit().get(10, TimeUnit.SECONDS)));
        byte[] big = new byte[70 * 1024];
        assertStatus(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large",
                assertThrows(ExecutionException.class, () -> kv.put(bytes("jx/big"), ByteSequence.from(big)).get(10, TimeUnit.SECONDS)));
    }

    private static void assertStatus(Status.Code code, String message, ExecutionException failure) {
        Throwable cause = failure.getCause();
        while (cause != null && !(cause instanceof StatusRuntimeException)) {
            cause = cause.getCause();
        }
        StatusRuntimeException status = assertInstanceOf(StatusRuntimeException.class, cause, String.valueOf(failure));
        assertEquals(code, status.getStatus().getCode());
        assertEquals(message, status.getStatus().getDescription());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
