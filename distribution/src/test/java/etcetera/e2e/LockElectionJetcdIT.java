package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lock and Election services through jetcd, whose Lock and Election clients call them
 * (etcdctl's lock and elect run the same recipes client side instead).
 */
class LockElectionJetcdIT {

    @TempDir
    static Path dataDir;

    private static EtcdProcess server;
    private static Client client;
    private static Lock locks;
    private static Election elections;

    @BeforeAll
    static void start() {
        server = EtcdProcess.ours(dataDir).start();
        client = Client.builder().endpoints(server.endpoint()).build();
        locks = client.getLockClient();
        elections = client.getElectionClient();
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

    private static ByteSequence b(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String s(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    private static long lease(long ttl) throws Exception {
        return client.getLeaseClient().grant(ttl).get().getID();
    }

    private static void stillWaiting(CompletableFuture<?> waiting) throws Exception {
        assertThrows(TimeoutException.class, () -> waiting.get(1, TimeUnit.SECONDS));
    }

    @Test
    void theSecondContenderGetsTheLockOnlyOnceTheFirstUnlocks() throws Exception {
        long first = lease(30);
        long second = lease(30);
        LockResponse held = locks.lock(b("mutex"), first).get(10, TimeUnit.SECONDS);
        assertEquals("mutex/" + Long.toHexString(first), s(held.getKey()));
        CompletableFuture<LockResponse> waiting = locks.lock(b("mutex"), second);
        stillWaiting(waiting);
        locks.unlock(held.getKey()).get(10, TimeUnit.SECONDS);
        assertEquals("mutex/" + Long.toHexString(second), s(waiting.get(10, TimeUnit.SECONDS).getKey()));
        assertTrue(waiting.get().getHeader().getRevision() > held.getHeader().getRevision());
        locks.unlock(waiting.get().getKey()).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLockIsReleasedWhenItsHoldersLeaseExpires() throws Exception {
        long shortLived = lease(2);
        long waiter = lease(30);
        locks.lock(b("expiring"), shortLived).get(10, TimeUnit.SECONDS);
        long started = System.nanoTime();
        LockResponse next = locks.lock(b("expiring"), waiter).get(15, TimeUnit.SECONDS);
        assertEquals("expiring/" + Long.toHexString(waiter), s(next.getKey()));
        assertTrue(System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(1000), "acquired only after the holder's lease expired");
    }

    @Test
    void lockingWithAnUnknownLeaseFails() {
        StatusRuntimeException e = GrpcFailures.status(assertThrows(ExecutionException.class, () -> locks.lock(b("nolease"), 0x4242).get(10, TimeUnit.SECONDS)));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("etcdserver: requested lease not found", e.getStatus().getDescription());
    }

    @Test
    void campaignProclaimObserveAndResign() throws Exception {
        // jetcd recognises etcd's "election: no leader" text and turns it into its own exception
        ExecutionException none = assertThrows(ExecutionException.class, () -> elections.leader(b("pick")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(io.etcd.jetcd.election.NoLeaderException.class, none.getCause());

        List<String> observed = new CopyOnWriteArrayList<>();
        elections.observe(b("pick"), new Election.Listener() {
            @Override
            public void onNext(LeaderResponse response) {
                observed.add(s(response.getKv().getValue()));
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onCompleted() {
            }
        });
        long a = lease(30);
        long b = lease(30);
        CampaignResponse won = elections.campaign(b("pick"), a, b("alpha")).get(10, TimeUnit.SECONDS);
        LeaderKey leader = won.getLeader();
        assertEquals("pick/" + Long.toHexString(a), s(leader.getKey()));
        assertEquals(a, leader.getLease());
        CompletableFuture<CampaignResponse> second = elections.campaign(b("pick"), b, b("beta"));
        stillWaiting(second);
        assertEquals("alpha", s(elections.leader(b("pick")).get(10, TimeUnit.SECONDS).getKv().getValue()));
        elections.proclaim(leader, b("alpha-2")).get(10, TimeUnit.SECONDS);
        assertEquals("alpha-2", s(elections.leader(b("pick")).get(10, TimeUnit.SECONDS).getKv().getValue()));

        LeaderKey stale = new LeaderKey(leader.getName(), leader.getKey(), leader.getRevision() + 100, leader.getLease());
        ExecutionException notLeader = assertThrows(ExecutionException.class, () -> elections.proclaim(stale, b("x")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(io.etcd.jetcd.election.NotLeaderException.class, notLeader.getCause());

        elections.resign(leader).get(10, TimeUnit.SECONDS);
        assertEquals("pick/" + Long.toHexString(b), s(second.get(10, TimeUnit.SECONDS).getLeader().getKey()));
        assertEquals("beta", s(elections.leader(b("pick")).get(10, TimeUnit.SECONDS).getKv().getValue()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (observed.size() < 3 && System.nanoTime() - deadline < 0) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertEquals(List.of("alpha", "alpha-2", "beta"), observed);
        assertFalse(second.isCompletedExceptionally());
    }
}
