package etcetera.server.grpc;

import etcetera.wire.etcdserverpb.AlarmRequest;
import etcetera.wire.etcdserverpb.AlarmResponse;
import etcetera.wire.etcdserverpb.DefragmentResponse;
import etcetera.wire.etcdserverpb.HashKVResponse;
import etcetera.wire.etcdserverpb.HashResponse;
import etcetera.wire.etcdserverpb.MoveLeaderResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.StatusResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The maintenance operations of a member, as the Maintenance service needs them. Errors are
 * {@link etcetera.server.errors.EtcdException}s.
 */
public interface MaintenanceApi {

    StatusResponse status();

    DefragmentResponse defragment();

    CompletableFuture<AlarmResponse> alarm(AlarmRequest request);

    HashResponse hash();

    HashKVResponse hashKV(long revision);

    MoveLeaderResponse moveLeader(long targetId);

    /**
     * Writes a consistent snapshot of the backend to a new temporary file in {@code directory}
     * and returns it; the caller streams and deletes it.
     */
    Path snapshotToFile(Path directory);

    /** A response header at the current revision. */
    ResponseHeader header();
}
