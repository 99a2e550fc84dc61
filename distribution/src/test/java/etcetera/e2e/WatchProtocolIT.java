package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import etcetera.wire.etcdserverpb.CompactionRequest;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.KVGrpc;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.WatchCancelRequest;
import etcetera.wire.etcdserverpb.WatchCreateRequest;
import etcetera.wire.etcdserverpb.WatchGrpc;
import etcetera.wire.etcdserverpb.WatchProgressRequest;
import etcetera.wire.etcdserverpb.WatchRequest;
import etcetera.wire.etcdserverpb.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Watch protocol message by message: the same script of raw gRPC requests against our
 * server and the real etcd 3.4, and the same responses required from both (headers compared
 * without the ids and term that legitimately differ). Our responses are also asserted
 * exactly, so the test means something without etcd installed.
 */
@Timeout(120)
class WatchProtocolIT {

    private static final String[] FLAGS = {"--max-request-bytes=200000"};

    @TempDir
    Path dirs;

    /** The responses of one run, per watch id in arrival order (order across watchers is not defined). */
    record Transcript(List<String> control, Map<Long, List<String>> byWatcher) {
    }

    @Test
    void oneScriptGetsEtcdsResponses() throws Exception {
        Transcript ours;
        try (EtcdProcess server = EtcdProcess.ours(dirs.resolve("ours"), FLAGS).start()) {
            ours = run(server);
        }
        assertOurs(ours);
        if (EtcdProcess.installed(EtcdProcess.REAL_ETCD)) {
            Transcript theirs;
            try (EtcdProcess etcd = new EtcdProcess(EtcdProcess.REAL_ETCD, dirs.resolve("etcd"), List.of(FLAGS)).start()) {
                theirs = run(etcd);
            }
            assertEquals(theirs.control(), ours.control());
            assertEquals(theirs.byWatcher(), ours.byWatcher());
        }
    }

    private static void assertOurs(Transcript t) {
        assertEquals(List.of(
                "created id=0 rev=5",
                "created id=7 rev=5",
                "created id=-1 rev=5 canceled reason=mvcc: duplicate watch ID provided on the WatchStream",
                "created id=-1 rev=5 canceled reason=mvcc: watcher range is empty",
                "created id=1 rev=5",
                "progress id=-1 rev=7",
                "canceled id=7 rev=7",
                "created id=2 rev=8",
                "created id=3 rev=18"), t.control().subList(0, 9));
        assertEquals(List.of("rev=5 [PUT k1=v1@2, PUT k1=v1b@4 prev=v1]", "rev=6 [PUT k1=v1c@6 prev=v1b]", "rev=7 [DELETE k1@7 prev=v1c]"),
                t.byWatcher().get(0L));
        assertEquals(List.of("rev=6 [PUT k1=v1c@6]", "rev=7 [DELETE k1@7]"), t.byWatcher().get(7L));
        assertEquals(List.of("rev=7 [DELETE k1@7]"), t.byWatcher().get(1L));
        assertEquals(List.of("rev=0 compacted=7 canceled"), t.byWatcher().get(2L));
        List<String> big = t.byWatcher().get(3L);
        assertTrue(big.size() >= 2 && big.getFirst().contains("fragment") && !big.getLast().contains("fragment"), big.toString());
    }

    private static Transcript run(EtcdProcess server) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forTarget(server.hostPort()).usePlaintext()
                .maxInboundMessageSize(16 << 20).build();
        try {
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
            StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
                @Override
                public void onNext(WatchResponse value) {
                    responses.add(value);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
            List<WatchResponse> all = new ArrayList<>();
            put(kv, "k1", "v1");   // 2
            put(kv, "k2", "v2");   // 3
            put(kv, "k1", "v1b");  // 4
            kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("k2")).build()); // 5
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("k1")).setStartRevision(2).setPrevKv(true)));
            all.addAll(take(responses, 2));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("k")).setRangeEnd(bs("l")).setWatchId(7)));
            all.addAll(take(responses, 1));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("k1")).setWatchId(7)));
            all.addAll(take(responses, 1));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("b")).setRangeEnd(bs("a"))));
            all.addAll(take(responses, 1));
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("k1"))
                    .addFilters(WatchCreateRequest.FilterType.NOPUT)));
            all.addAll(take(responses, 1));
            put(kv, "k1", "v1c");  // 6
            all.addAll(take(responses, 2));
            kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("k1")).build()); // 7
            all.addAll(take(responses, 3));
            requests.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
            all.addAll(take(responses, 1));
            requests.onNext(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(7)).build());
            requests.onNext(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(99)).build());
            all.addAll(take(responses, 1));
            put(kv, "other", "x"); // 8
            kv.compact(CompactionRequest.newBuilder().setRevision(7).setPhysical(true).build());
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("k1")).setStartRevision(3)));
            all.addAll(take(responses, 2));
            byte[] value = new byte[100_000];
            Arrays.fill(value, (byte) 'x');
            for (int i = 0; i < 10; i++) {
                kv.put(PutRequest.newBuilder().setKey(bs("big")).setValue(ByteString.copyFrom(value)).build()); // 9..18
            }
            requests.onNext(create(WatchCreateRequest.newBuilder().setKey(bs("big")).setStartRevision(9).setFragment(true)));
            all.addAll(take(responses, 1));
            while (fragments(all) < 10) {
                all.addAll(take(responses, 1));
            }
            WatchResponse extra = responses.poll(500, TimeUnit.MILLISECONDS);
            if (extra != null) {
                all.add(extra);
            }
            requests.onCompleted();
            return transcript(all);
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static int fragments(List<WatchResponse> all) {
        return all.stream().filter(r -> r.getWatchId() == 3).mapToInt(WatchResponse::getEventsCount).sum();
    }

    private static Transcript transcript(List<WatchResponse> all) {
        List<String> control = new ArrayList<>();
        Map<Long, List<String>> byWatcher = new TreeMap<>();
        for (WatchResponse r : all) {
            long rev = r.getHeader().getRevision();
            if (r.getCreated()) {
                control.add("created id=" + r.getWatchId() + " rev=" + rev + (r.getCanceled() ? " canceled reason=" + r.getCancelReason() : ""));
            } else if (r.getCanceled() && r.getCompactRevision() == 0) {
                control.add("canceled id=" + r.getWatchId() + " rev=" + rev + (r.getCancelReason().isEmpty() ? "" : " reason=" + r.getCancelReason()));
            } else if (r.getEventsCount() == 0 && r.getCompactRevision() == 0) {
                control.add("progress id=" + r.getWatchId() + " rev=" + rev);
            } else {
                byWatcher.computeIfAbsent(r.getWatchId(), k -> new ArrayList<>()).add(describe(r));
            }
        }
        return new Transcript(control, byWatcher);
    }

    private static String describe(WatchResponse r) {
        if (r.getCompactRevision() != 0) {
            return "rev=" + r.getHeader().getRevision() + " compacted=" + r.getCompactRevision() + (r.getCanceled() ? " canceled" : "")
                    + (r.getCancelReason().isEmpty() ? "" : " reason=" + r.getCancelReason());
        }
        List<String> events = new ArrayList<>();
        for (var e : r.getEventsList()) {
            String key = e.getKv().getKey().toStringUtf8();
            String value = e.getKv().getValue().size() > 100 ? "<" + e.getKv().getValue().size() + " bytes>" : e.getKv().getValue().toStringUtf8();
            String prev = e.hasPrevKv() ? " prev=" + e.getPrevKv().getValue().toStringUtf8() : "";
            events.add(e.getType() + " " + key + (e.getType() == etcetera.wire.mvccpb.Event.EventType.PUT ? "=" + value : "")
                    + "@" + e.getKv().getModRevision() + prev);
        }
        return "rev=" + r.getHeader().getRevision() + " " + events + (r.getFragment() ? " fragment" : "");
    }

    private static List<WatchResponse> take(BlockingQueue<WatchResponse> responses, int n) throws InterruptedException {
        List<WatchResponse> out = new ArrayList<>();
        while (out.size() < n) {
            WatchResponse r = responses.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("expected " + n + " responses, got " + out);
            }
            out.add(r);
        }
        return out;
    }

    private static WatchRequest create(WatchCreateRequest.Builder create) {
        return WatchRequest.newBuilder().setCreateRequest(create).build();
    }

    private static void put(KVGrpc.KVBlockingStub kv, String key, String value) {
        kv.put(PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value)).build());
    }

    private static ByteString bs(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
