package etcetera.server.apply;

import static etcetera.server.apply.ApplyFixture.FROM_KEY;
import static etcetera.server.apply.ApplyFixture.assertFails;
import static etcetera.server.apply.ApplyFixture.del;
import static etcetera.server.apply.ApplyFixture.get;
import static etcetera.server.apply.ApplyFixture.header;
import static etcetera.server.apply.ApplyFixture.kv;
import static etcetera.server.apply.ApplyFixture.putRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.Event;
import etcetera.wire.etcdserverpb.DeleteRangeResponse;
import etcetera.wire.etcdserverpb.PutResponse;
import etcetera.wire.internal.InternalRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PutDeleteTest extends OnStoreTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static etcetera.server.mvcc.KeyValue stored(String key, long create, long mod, long version, String value, long lease) {
        return new etcetera.server.mvcc.KeyValue(b(key), create, mod, version, b(value), lease);
    }

    private Applied putApplied(String key, String value) {
        return fx.apply(InternalRequest.newBuilder().setPut(putRequest(key, value)).build());
    }

    @Test
    void putAnswersWithItsRevisionAndReportsTheChange() {
        Applied first = putApplied("foo", "v1");
        assertEquals(PutResponse.newBuilder().setHeader(header(2)).build(), first.response());
        assertEquals(List.of(new Event(Event.Type.PUT, stored("foo", 2, 2, 1, "v1", 0), Optional.empty())), first.events());
        Applied second = putApplied("foo", "v2");
        assertEquals(List.of(new Event(Event.Type.PUT, stored("foo", 2, 3, 2, "v2", 0), Optional.of(stored("foo", 2, 2, 1, "v1", 0)))),
                second.events());
        assertEquals(List.of(kv("foo", 2, 3, 2, "v2")), fx.range(get("foo").build()).getKvsList());
    }

    @Test
    void prevKvIsTheVersionReplacedAndAbsentForANewKey() {
        assertEquals(PutResponse.newBuilder().setHeader(header(2)).build(),
                fx.put(putRequest("foo", "v1").setPrevKv(true).build()));
        assertEquals(PutResponse.newBuilder().setHeader(header(3)).setPrevKv(kv("foo", 2, 2, 1, "v1")).build(),
                fx.put(putRequest("foo", "v2").setPrevKv(true).build()));
    }

    @Test
    void ignoreValueKeepsTheValueAndTakesTheNewLease() {
        fx.leases.add(7L);
        fx.put(putRequest("foo", "v1").setLease(7).build());
        PutResponse response = fx.put(putRequest("foo", "").setIgnoreValue(true).setPrevKv(true).build());
        assertEquals(kv("foo", 2, 2, 1, "v1", 7), response.getPrevKv());
        assertEquals(List.of(kv("foo", 2, 3, 2, "v1", 0)), fx.range(get("foo").build()).getKvsList());
    }

    @Test
    void ignoreLeaseKeepsTheLeaseAndTakesTheNewValue() {
        fx.leases.add(7L);
        fx.put(putRequest("foo", "v1").setLease(7).build());
        fx.put(putRequest("foo", "v2").setIgnoreLease(true).build());
        assertEquals(List.of(kv("foo", 2, 3, 2, "v2", 7)), fx.range(get("foo").build()).getKvsList());
    }

    @Test
    void ignoreValueOrLeaseOnAMissingKeyIsKeyNotFoundAndChangesNothing() {
        assertFails(EtcdError.KEY_NOT_FOUND, "etcdserver: key not found",
                () -> fx.put(putRequest("foo", "").setIgnoreValue(true).build()));
        assertFails(EtcdError.KEY_NOT_FOUND, "etcdserver: key not found",
                () -> fx.put(putRequest("foo", "v").setIgnoreLease(true).build()));
        assertEquals(1, fx.store.currentRevision());
    }

    @Test
    void unknownLeaseIsRefused() {
        assertFails(EtcdError.LEASE_NOT_FOUND, "etcdserver: requested lease not found",
                () -> fx.put(putRequest("foo", "v").setLease(42).build()));
        assertEquals(1, fx.store.currentRevision());
        fx.leases.add(42L);
        assertEquals(header(2), fx.put(putRequest("foo", "v").setLease(42).build()).getHeader());
    }

    @Test
    void noSpaceAlarmRefusesPutsButNotDeletes() {
        fx.put("foo", "v");
        fx.noSpace = true;
        assertFails(EtcdError.NO_SPACE, "etcdserver: mvcc: database space exceeded", () -> fx.put("bar", "v"));
        assertEquals(1, fx.delete(del("foo").build()).getDeleted());
        fx.noSpace = false;
        assertEquals(header(4), fx.put("bar", "v").getHeader());
    }

    @Test
    void deleteCountsTheKeysAndReturnsPreviousVersionsWhenAsked() {
        fx.put("a", "1");
        fx.put("b", "2");
        fx.put("c", "3");
        fx.put("d", "4");
        Applied applied = fx.apply(InternalRequest.newBuilder().setDeleteRange(del("b", "d").setPrevKv(true)).build());
        assertEquals(DeleteRangeResponse.newBuilder().setHeader(header(6)).setDeleted(2)
                .addPrevKvs(kv("b", 3, 3, 1, "2")).addPrevKvs(kv("c", 4, 4, 1, "3")).build(), applied.response());
        assertEquals(List.of(
                new Event(Event.Type.DELETE, etcetera.server.mvcc.KeyValue.tombstone(b("b"), 6), Optional.of(stored("b", 3, 3, 1, "2", 0))),
                new Event(Event.Type.DELETE, etcetera.server.mvcc.KeyValue.tombstone(b("c"), 6), Optional.of(stored("c", 4, 4, 1, "3", 0)))),
                applied.events());
        assertEquals(DeleteRangeResponse.newBuilder().setHeader(header(7)).setDeleted(1).build(), fx.delete(del("a").build()));
        assertEquals(DeleteRangeResponse.newBuilder().setHeader(header(8)).setDeleted(1).build(),
                fx.delete(del("a").setRangeEnd(FROM_KEY).build()), "from key: d is all that is left");
    }

    @Test
    void deletingNothingTakesNoRevision() {
        fx.put("a", "1");
        Applied applied = fx.apply(InternalRequest.newBuilder().setDeleteRange(del("zzz").setPrevKv(true)).build());
        assertEquals(DeleteRangeResponse.newBuilder().setHeader(header(2)).build(), applied.response());
        assertEquals(List.of(), applied.events());
        assertEquals(2, fx.store.currentRevision());
    }

    @Test
    void rangeThroughTheLogSeesTheUncommittedBatch() {
        fx.applyInBatch(InternalRequest.newBuilder().setPut(putRequest("foo", "v1")).build());
        Applied read = fx.applyInBatch(InternalRequest.newBuilder().setRange(get("foo")).build());
        assertEquals(List.of(kv("foo", 2, 2, 1, "v1")), ((etcetera.wire.etcdserverpb.RangeResponse) read.response()).getKvsList());
        assertEquals(header(2), ((etcetera.wire.etcdserverpb.RangeResponse) read.response()).getHeader());
        assertEquals(List.of(), read.events());
        assertEquals(0, fx.range(get("foo").build()).getCount(), "readers see only what is committed");
        fx.commit();
        assertEquals(1, fx.range(get("foo").build()).getCount());
    }
}
