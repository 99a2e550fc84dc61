package etcetera.server.apply;

import com.google.protobuf.Message;
import etcetera.server.mvcc.Event;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What applying one write request produced.
 *
 * @param response the response for the waiting client, its header complete: a
 *     {@code PutResponse}, {@code DeleteRangeResponse}, {@code TxnResponse},
 *     {@code CompactionResponse} or {@code RangeResponse}
 * @param events the changes, in order, for the watch hub (each with the version it replaced);
 *     empty if nothing changed
 * @param physicalCompaction for a compaction, completes once its history is removed from the
 *     backend: a client that asked for {@code physical} is answered then. Never wait for it on
 *     the apply thread before the batch is committed (the removal needs the writer lock).
 */
public record Applied(Message response, List<Event> events, Optional<CompletableFuture<Void>> physicalCompaction) {

    Applied(Message response, List<Event> events) {
        this(response, events, Optional.empty());
    }
}
