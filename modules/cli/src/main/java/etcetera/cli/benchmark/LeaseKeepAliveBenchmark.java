package etcetera.cli.benchmark;

import etcetera.wire.etcdserverpb.LeaseGrantRequest;
import etcetera.wire.etcdserverpb.LeaseGrpc;
import etcetera.wire.etcdserverpb.LeaseKeepAliveRequest;
import etcetera.wire.etcdserverpb.LeaseKeepAliveResponse;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code benchmark lease-keepalive}: as etcd's tool, each client grants one lease (TTL 100 s)
 * before the clock starts, then renews it {@code --total} times in all, each renewal a
 * keep-alive stream of one request and one answer (clientv3's KeepAliveOnce). A renewal that
 * finds the lease gone (TTL 0) counts as failed.
 */
@Command(name = "lease-keepalive", mixinStandardHelpOptions = true, description = "Benchmark lease keepalive.")
final class LeaseKeepAliveBenchmark implements Callable<Integer> {

    private static final long LEASE_TTL_SECONDS = 100;

    @ParentCommand
    private BenchmarkCommand benchmark;

    @Spec
    private CommandSpec spec;

    @Option(names = "--total", defaultValue = "10000", description = "Total number of lease keepalive requests. Default: ${DEFAULT-VALUE}.")
    private long total;

    @Override
    public Integer call() {
        return benchmark.execute(spec, total, LeaseKeepAliveBenchmark::client);
    }

    private static Workload.Client client(Channel channel) {
        long leaseId;
        try {
            leaseId = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(LEASE_TTL_SECONDS).build()).getID();
        } catch (RuntimeException e) {
            return seq -> {
                throw e; // every request of this client fails the same way, and is counted so
            };
        }
        LeaseGrpc.LeaseStub leases = LeaseGrpc.newStub(channel);
        LeaseKeepAliveRequest request = LeaseKeepAliveRequest.newBuilder().setID(leaseId).build();
        return seq -> {
            LeaseKeepAliveResponse answer = keepAliveOnce(leases, request);
            if (answer.getTTL() <= 0) {
                throw new IllegalStateException("etcdserver: requested lease not found");
            }
        };
    }

    /** One keep-alive on a stream of its own: send, await the answer, close. */
    private static LeaseKeepAliveResponse keepAliveOnce(LeaseGrpc.LeaseStub leases, LeaseKeepAliveRequest request) {
        CompletableFuture<LeaseKeepAliveResponse> answer = new CompletableFuture<>();
        StreamObserver<LeaseKeepAliveRequest> stream = leases.leaseKeepAlive(new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                answer.complete(response);
            }

            @Override
            public void onError(Throwable failure) {
                answer.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(new IllegalStateException("keep-alive stream closed without an answer"));
            }
        });
        stream.onNext(request);
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                throw status;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            stream.onCompleted();
        }
    }
}
