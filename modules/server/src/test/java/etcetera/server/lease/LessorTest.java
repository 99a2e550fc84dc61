package etcetera.server.lease;

import static etcetera.server.lease.LeaseFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.server.apply.Applied;
import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import etcetera.server.mvcc.Event;
import etcetera.wire.etcdserverpb.LeaseRevokeResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LessorTest {

    @TempDir
    Path dir;

    LeaseFixture fx;

    @BeforeEach
    void open() {
        fx = new LeaseFixture(dir);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void grantRaisesAShortTtlToTheMinimum() {
        assertEquals(2, fx.grant(1, 1));
        assertEquals(60, fx.grant(2, 60));
        assertEquals(List.of(1L, 2L), fx.lessor.leases().stream().sorted().toList());
    }

    @Test
    void grantRefusesAnExistingIdATooLargeTtlAndIdZero() {
        fx.grant(7, 10);
        assertEquals(EtcdError.LEASE_EXIST, failure(() -> fx.grant(7, 10)).error());
        assertEquals(EtcdError.LEASE_TTL_TOO_LARGE, failure(() -> fx.grant(8, LessorOptions.MAX_TTL_SECONDS + 1)).error());
        assertEquals(EtcdError.LEASE_NOT_FOUND, failure(() -> fx.grant(0, 10)).error());
        assertEquals(LessorOptions.MAX_TTL_SECONDS, fx.grant(9, LessorOptions.MAX_TTL_SECONDS));
    }

    @Test
    void revokeDeletesTheAttachedKeysInOneRevision() {
        fx.grant(7, 10);
        fx.put("a", 7);
        fx.put("b", 7);
        fx.put("c", 0);
        Applied revoked = fx.revoke(7);
        assertEquals(List.of("c"), fx.keys());
        assertEquals(List.of("a", "b"), revoked.events().stream().map(e -> e.kv().key()).map(String::new).toList());
        assertTrue(revoked.events().stream().allMatch(e -> e.type() == Event.Type.DELETE && e.kv().modRevision() == 5));
        assertEquals(5, ((LeaseRevokeResponse) revoked.response()).getHeader().getRevision());
        assertFalse(fx.lessor.exists(7));
        assertEquals(EtcdError.LEASE_NOT_FOUND, failure(() -> fx.revoke(7)).error());
    }

    @Test
    void aKeyPutUnderAnotherLeaseMovesToItAndADeleteDetachesIt() {
        fx.grant(1, 10);
        fx.grant(2, 10);
        fx.put("k", 1);
        fx.put("k", 2);
        assertEquals(List.of(), fx.attached(1));
        assertEquals(List.of("k"), fx.attached(2));
        fx.putKeepingLease("k");
        assertEquals(List.of("k"), fx.attached(2));
        fx.put("k", 0);
        assertEquals(List.of(), fx.attached(2));
        fx.put("k", 2);
        fx.delete("k");
        assertEquals(List.of(), fx.attached(2));
        fx.put("k", 2);
        fx.revoke(1);
        assertEquals(List.of("k"), fx.keys(), "revoking the old lease leaves the moved key");
    }

    @Test
    void putWithAnUnknownLeaseFails() {
        EtcdException e = failure(() -> fx.put("k", 99));
        assertEquals("etcdserver: requested lease not found", e.error().message());
        assertEquals(List.of(), fx.keys());
    }

    @Test
    void leasesAndTheirKeysSurviveAReopen() {
        fx.grant(1, 30);
        fx.grant(2, 40);
        fx.put("a", 1);
        fx.put("b", 2);
        fx.put("c", 2);
        fx.revoke(1);
        fx.reopen();
        assertEquals(List.of(2L), fx.lessor.leases());
        assertEquals(40, fx.lessor.timeToLive(2, false).orElseThrow().grantedTtlSeconds());
        assertEquals(List.of("b", "c"), fx.attached(2));
        fx.revoke(2);
        assertEquals(List.of(), fx.keys());
    }

    @Test
    void onlyThePrimaryExpiresLeases() {
        fx.grant(1, 5);
        fx.advanceSeconds(60);
        assertEquals(List.of(), fx.lessor.expiredLeases(), "not primary: leases never expire here");
        fx.lessor.promote(Duration.ofSeconds(1));
        fx.advanceSeconds(5.5);
        assertEquals(List.of(), fx.lessor.expiredLeases(), "promotion gives a full TTL plus the extension");
        fx.advanceSeconds(1);
        assertEquals(List.of(1L), fx.lessor.expiredLeases());
        fx.lessor.demote();
        fx.advanceSeconds(60);
        assertEquals(List.of(), fx.lessor.expiredLeases());
    }

    @Test
    void aRenewedLeaseExpiresOnlyAfterItsTtlFromTheRenewal() throws Exception {
        fx.lessor.promote(Duration.ZERO);
        fx.grant(1, 10);
        fx.advanceSeconds(8);
        assertEquals(10, fx.lessor.renew(1).get());
        fx.advanceSeconds(8);
        assertEquals(List.of(), fx.lessor.expiredLeases());
        assertEquals(2, fx.lessor.timeToLive(1, false).orElseThrow().remainingSeconds());
        fx.advanceSeconds(2.5);
        assertEquals(List.of(1L), fx.lessor.expiredLeases());
        assertEquals(List.of(), fx.lessor.expiredLeases(), "handed over once, then retried after the retry interval");
        fx.advanceSeconds(3);
        assertEquals(List.of(1L), fx.lessor.expiredLeases());
    }

    @Test
    void expiredLeasesAreHandedOverInBoundedBatches() {
        fx.lessor.promote(Duration.ZERO);
        for (long id = 1; id <= 7; id++) {
            fx.grant(id, 5);
        }
        fx.advanceSeconds(6);
        assertEquals(3, fx.lessor.expiredLeases().size());
        assertEquals(3, fx.lessor.expiredLeases().size());
        assertEquals(1, fx.lessor.expiredLeases().size());
        assertEquals(0, fx.lessor.expiredLeases().size());
    }

    @Test
    void renewingAnExpiredLeaseWaitsForItsRevoke() throws Exception {
        fx.lessor.promote(Duration.ZERO);
        fx.grant(1, 5);
        fx.advanceSeconds(6);
        CompletableFuture<Long> renewal = fx.lessor.renew(1);
        assertFalse(renewal.isDone());
        fx.revoke(1);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, renewal::get);
        assertEquals(EtcdError.LEASE_NOT_FOUND, ((EtcdException) e.getCause()).error());
    }

    @Test
    void aMemberThatIsNotPrimaryRefusesRenewals() throws Exception {
        fx.grant(1, 5);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> fx.lessor.renew(1).get());
        assertEquals(EtcdError.NOT_LEADER, ((EtcdException) e.getCause()).error());
        fx.lessor.promote(Duration.ZERO);
        assertEquals(5, fx.lessor.renew(1).get());
        assertEquals(EtcdError.LEASE_NOT_FOUND, ((EtcdException) org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> fx.lessor.renew(2).get()).getCause()).error());
    }

    @Test
    void minimumTtlFollowsEtcdsRuleFromTheRaftTiming() {
        assertEquals(2, LessorOptions.forRaft(10, Duration.ofMillis(100)).minTtlSeconds());
        assertEquals(1, LessorOptions.forRaft(5, Duration.ofMillis(100)).minTtlSeconds());
        assertEquals(8, LessorOptions.forRaft(10, Duration.ofMillis(500)).minTtlSeconds());
        assertEquals(2, LessorOptions.forRaft(11, Duration.ofMillis(100)).minTtlSeconds(), "(3*11)/2 = 16 ticks of 100 ms, rounded up");
    }

    @Test
    void leaseRecordsAreEncodedAsEtcdsLeasepb() {
        assertEquals("08011014", java.util.HexFormat.of().formatHex(new LeaseRecord(1, 20, 0).encode()));
        LeaseRecord record = new LeaseRecord(0x7fffffffffffL, 9_000_000_000L, 17);
        assertEquals(record, LeaseRecord.decode(record.encode()));
    }
}
