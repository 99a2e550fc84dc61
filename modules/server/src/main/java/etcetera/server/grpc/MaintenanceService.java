package etcetera.server.grpc;

import com.google.protobuf.ByteString;
import etcetera.wire.etcdserverpb.AlarmRequest;
import etcetera.wire.etcdserverpb.AlarmResponse;
import etcetera.wire.etcdserverpb.DefragmentRequest;
import etcetera.wire.etcdserverpb.DefragmentResponse;
import etcetera.wire.etcdserverpb.HashKVRequest;
import etcetera.wire.etcdserverpb.HashKVResponse;
import etcetera.wire.etcdserverpb.HashRequest;
import etcetera.wire.etcdserverpb.HashResponse;
import etcetera.wire.etcdserverpb.MaintenanceGrpc;
import etcetera.wire.etcdserverpb.MoveLeaderRequest;
import etcetera.wire.etcdserverpb.MoveLeaderResponse;
import etcetera.wire.etcdserverpb.SnapshotRequest;
import etcetera.wire.etcdserverpb.SnapshotResponse;
import etcetera.wire.etcdserverpb.StatusRequest;
import etcetera.wire.etcdserverpb.StatusResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;

/**
 * etcd's {@code etcdserverpb.Maintenance} service. Snapshots are streamed from a temporary
 * file on a worker thread, in 32 KiB chunks, respecting the client's flow control, followed
 * by a SHA-256 of the data as etcd does.
 */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

    private static final Logger LOG = System.getLogger("etcdserver/api/v3rpc");
    private static final int CHUNK = 32 * 1024;
    private static final int PAGE = 512;

    private final MaintenanceApi maintenance;
    private final Path scratchDirectory;
    private final ExecutorService workers;

    public MaintenanceService(MaintenanceApi maintenance, Path scratchDirectory, ExecutorService workers) {
        this.maintenance = maintenance;
        this.scratchDirectory = scratchDirectory;
        this.workers = workers;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        GrpcErrors.call(maintenance::status, observer);
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> observer) {
        workers.execute(() -> GrpcErrors.call(maintenance::defragment, observer));
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> observer) {
        GrpcErrors.reply(maintenance.alarm(request), observer);
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> observer) {
        GrpcErrors.call(maintenance::hash, observer);
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> observer) {
        GrpcErrors.call(() -> maintenance.hashKV(request.getRevision()), observer);
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> observer) {
        GrpcErrors.call(() -> maintenance.moveLeader(request.getTargetID()), observer);
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> observer) {
        ServerCallStreamObserver<SnapshotResponse> call = (ServerCallStreamObserver<SnapshotResponse>) observer;
        Object ready = new Object();
        call.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        call.setOnCancelHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        workers.execute(() -> streamSnapshot(call, ready));
    }

    private void streamSnapshot(ServerCallStreamObserver<SnapshotResponse> call, Object ready) {
        Path file;
        try {
            file = maintenance.snapshotToFile(scratchDirectory);
        } catch (RuntimeException e) {
            call.onError(GrpcErrors.toStatus(e));
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // etcdctl checks that the data before the SHA-256 is a whole number of 512-byte pages
            // (bbolt's unit); zero padding after our format's trailer is ignored on restore.
            long dataSize = Files.size(file);
            long size = (dataSize + PAGE - 1) / PAGE * PAGE;
            long sent = 0;
            LOG.log(Level.INFO, "sending database snapshot to client size-bytes=" + size);
            byte[] buffer = new byte[CHUNK];
            int read;
            while ((read = in.readNBytes(buffer, 0, CHUNK)) > 0) {
                if (!awaitReady(call, ready)) {
                    return;
                }
                sha.update(buffer, 0, read);
                sent += read;
                call.onNext(SnapshotResponse.newBuilder()
                        .setHeader(maintenance.header())
                        .setRemainingBytes(size - sent + 32)
                        .setBlob(ByteString.copyFrom(buffer, 0, read))
                        .build());
            }
            if (size > sent) {
                byte[] padding = new byte[(int) (size - sent)];
                if (!awaitReady(call, ready)) {
                    return;
                }
                sha.update(padding);
                sent = size;
                call.onNext(SnapshotResponse.newBuilder()
                        .setHeader(maintenance.header())
                        .setRemainingBytes(32)
                        .setBlob(ByteString.copyFrom(padding))
                        .build());
            }
            if (!awaitReady(call, ready)) {
                return;
            }
            call.onNext(SnapshotResponse.newBuilder()
                    .setHeader(maintenance.header())
                    .setRemainingBytes(0)
                    .setBlob(ByteString.copyFrom(sha.digest()))
                    .build());
            call.onCompleted();
            LOG.log(Level.INFO, "sent database snapshot to client size-bytes=" + size);
        } catch (IOException e) {
            call.onError(Status.INTERNAL.withDescription("reading snapshot failed: " + e.getMessage()).asRuntimeException());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not delete temporary snapshot file path=" + file + " error=" + e);
            }
        }
    }

    private static boolean awaitReady(ServerCallStreamObserver<SnapshotResponse> call, Object ready) {
        synchronized (ready) {
            while (!call.isReady()) {
                if (call.isCancelled()) {
                    return false;
                }
                try {
                    ready.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !call.isCancelled();
    }

}
