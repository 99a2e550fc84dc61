package etcetera.server.apply;

import static etcetera.server.apply.ApplyFixture.assertFails;
import static etcetera.server.apply.ApplyFixture.get;
import static etcetera.server.apply.ApplyFixture.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.server.errors.EtcdError;
import etcetera.wire.etcdserverpb.CompactionRequest;
import etcetera.wire.etcdserverpb.CompactionResponse;
import etcetera.wire.internal.InternalRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CompactionTest extends OnStoreTest {

    @BeforeEach
    void fill() {
        for (int i = 0; i < 5; i++) {
            fx.put("k", "v" + i); // revisions 2..6
        }
    }

    private static InternalRequest compaction(long revision) {
        return InternalRequest.newBuilder().setCompaction(CompactionRequest.newBuilder().setRevision(revision)).build();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void compactionAnswersAtTheCurrentRevisionAndItsPhysicalPartCompletesAfterTheCommit() throws Exception {
        Applied applied = fx.applyInBatch(compaction(4));
        assertEquals(CompactionResponse.newBuilder().setHeader(header(6)).build(), applied.response());
        assertEquals(List.of(), applied.events());
        CompletableFuture<Void> physical = applied.physicalCompaction().orElseThrow();
        fx.commit();
        physical.get(20, TimeUnit.SECONDS);
        assertTrue(physical.isDone());
        fx.applier.compactionsDone().get(20, TimeUnit.SECONDS);
    }

    @Test
    void compactionsAfterTheFirstMustBeNewerAndNotInTheFuture() {
        fx.compact(4);
        assertFails(EtcdError.COMPACTED, "etcdserver: mvcc: required revision has been compacted", () -> fx.compact(4));
        assertFails(EtcdError.COMPACTED, "etcdserver: mvcc: required revision has been compacted", () -> fx.compact(3));
        assertFails(EtcdError.FUTURE_REV, "etcdserver: mvcc: required revision is a future revision", () -> fx.compact(7));
        assertEquals(header(6), fx.compact(6).getHeader());
    }

    @Test
    void readsBeforeTheCompactionRevisionFailWithEtcdsMessage() {
        fx.compact(4);
        assertFails(EtcdError.COMPACTED, "etcdserver: mvcc: required revision has been compacted",
                () -> fx.range(get("k").setRevision(3).build()));
        assertEquals("v2", fx.range(get("k").setRevision(4).build()).getKvs(0).getValue().toStringUtf8());
    }
}
