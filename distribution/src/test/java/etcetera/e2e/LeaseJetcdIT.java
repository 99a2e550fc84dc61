package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.wire.etcdserverpb.LeaseGrantRequest;
import etcetera.wire.etcdserverpb.LeaseGrpc;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Lease API through jetcd and through raw gRPC (for client-chosen IDs): exact results and etcd's errors. */
class LeaseJetcdIT {

    @TempDir
    static Path dataDir;

    private static EtcdProcess server;
    private static Client client;
    private static KV kv;
    private static Lease leases;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        server = EtcdProcess.ours(dataDir).start();
        client = Client.builder().endpoints(server.endpoint()).build();
        kv = client.getKVClient();
        leases = client.getLeaseClient();
        channel = NettyChannelBuilder.forTarget(server.hostPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
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

    private static List<String> keys(String prefix) throws Exception {
        return kv.get(b(prefix), io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()).get().getKvs().stream()
                .map(k -> k.getKey().toString(StandardCharsets.UTF_8)).toList();
    }

    @Test
    void grantAttachTimeToLiveAndRevoke() throws Exception {
        long id = leases.grant(30).get().getID();
        kv.put(b("j/a"), b("1"), PutOption.builder().withLeaseId(id).build()).get();
        kv.txn().If(new Cmp(b("j/a"), Cmp.Op.EQUAL, CmpTarget.version(1)))
                .Then(Op.put(b("j/b"), b("2"), PutOption.builder().withLeaseId(id).build()))
                .commit().get();
        kv.put(b("j/c"), b("3")).get();
        LeaseTimeToLiveResponse ttl = leases.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()).get();
        assertEquals(30, ttl.getGrantedTTL());
        assertTrue(ttl.getTTL() >= 29 && ttl.getTTL() <= 30, String.valueOf(ttl.getTTL()));
        assertEquals(List.of("j/a", "j/b"), ttl.getKeys().stream().map(k -> k.toString(StandardCharsets.UTF_8)).toList());
        assertEquals(id, kv.get(b("j/a")).get().getKvs().getFirst().getLease());
        assertTrue(LeaseGrpc.newBlockingStub(channel).leaseLeases(etcetera.wire.etcdserverpb.LeaseLeasesRequest.getDefaultInstance())
                .getLeasesList().stream().anyMatch(l -> l.getID() == id));
        leases.revoke(id).get();
        assertEquals(List.of("j/c"), keys("j/"));
        assertEquals(-1, leases.timeToLive(id, LeaseOption.DEFAULT).get().getTTL());
        StatusRuntimeException again = GrpcFailures.status(assertThrows(ExecutionException.class, () -> leases.revoke(id).get()));
        assertEquals(Status.Code.NOT_FOUND, again.getStatus().getCode());
        assertEquals("etcdserver: requested lease not found", again.getStatus().getDescription());
    }

    @Test
    void clientChosenIdsAndTheirErrors() {
        LeaseGrpc.LeaseBlockingStub stub = LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        var granted = stub.leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1234).setTTL(1).build());
        assertEquals(0x1234, granted.getID());
        assertEquals(2, granted.getTTL(), "raised to the minimum TTL (1.5 election timeouts, rounded up)");
        StatusRuntimeException exists = assertThrows(StatusRuntimeException.class,
                () -> LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setID(0x1234).setTTL(5).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, exists.getStatus().getCode());
        assertEquals("etcdserver: lease already exists", exists.getStatus().getDescription());
        StatusRuntimeException tooLarge = assertThrows(StatusRuntimeException.class,
                () -> LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setID(0x99).setTTL(9_000_000_001L).build()));
        assertEquals(Status.Code.OUT_OF_RANGE, tooLarge.getStatus().getCode());
        assertEquals("etcdserver: too large lease TTL", tooLarge.getStatus().getDescription());
    }

    @Test
    void keepAliveKeepsKeysAndTheirLossExpiresThem() throws Exception {
        long id = leases.grant(2).get().getID();
        kv.put(b("ka/x"), b("v"), PutOption.builder().withLeaseId(id).build()).get();
        List<LeaseKeepAliveResponse> answers = new CopyOnWriteArrayList<>();
        try (CloseableClient keepAlive = leases.keepAlive(id, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        })) {
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() - until < 0) {
                assertEquals(List.of("ka/x"), keys("ka/"));
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
        assertTrue(answers.size() >= 2, "keep-alive answers: " + answers.size());
        assertTrue(answers.stream().allMatch(a -> a.getID() == id && a.getTTL() == 2));
        long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (!keys("ka/").isEmpty()) {
            assertTrue(System.nanoTime() - deadline < 0, "the key did not vanish after keep-alives stopped");
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertEquals(0, leases.keepAliveOnce(id).handle((r, e) -> e != null ? 0L : r.getTTL()).get());
    }
}
