package etcetera.server.transport;

import com.google.protobuf.ByteString;
import etcetera.raft.Message;
import etcetera.wire.raft.PeerFrame;
import etcetera.wire.raft.SnapshotAck;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Receives one backend image: writes its chunks to a temporary file in the snapshot
 * directory, checks the trailer's size and CRC32C, then moves the file to its final name,
 * hands it to {@link RaftInbound#receiveSnapshot} and acknowledges. A failed, truncated or
 * corrupted transfer leaves no file behind and reaches Raft not at all.
 *
 * <p>Threads: {@link #chunk}, {@link #finish} and {@link #abortIfUnfinished} are called on the
 * connection's event loop and only enqueue; the file and checksum are owned by the
 * transport's snapshot writer thread, so disk I/O never runs on an event loop. When the disk
 * falls behind, the connection stops reading until it catches up.
 */
final class SnapshotReception {

    private static final Logger LOG = System.getLogger("rafthttp");
    private static final long PAUSE_READING_ABOVE = 8L * 1024 * 1024;
    private static final long RESUME_READING_BELOW = 2L * 1024 * 1024;

    private final Message.InstallSnapshot message;
    private final NettyRaftTransport transport;
    private final Channel channel;
    private final Executor writer;
    private final AtomicLong pending = new AtomicLong();

    // owned by the writer thread
    private final CRC32C crc = new CRC32C();
    private Path temp;
    private FileChannel file;
    private long received;
    private boolean over;
    private IOException failure;

    SnapshotReception(Message.InstallSnapshot message, NettyRaftTransport transport, Channel channel) {
        this.message = message;
        this.transport = transport;
        this.channel = channel;
        this.writer = transport.snapshotWriter();
        writer.execute(this::open);
    }

    void chunk(ByteString data) {
        long size = data.size();
        if (pending.addAndGet(size) > PAUSE_READING_ABOVE) {
            channel.config().setAutoRead(false);
            resumeIfDrained();
        }
        writer.execute(() -> {
            write(data);
            if (pending.addAndGet(-size) < RESUME_READING_BELOW) {
                resumeIfDrained();
            }
        });
    }

    private void resumeIfDrained() {
        if (pending.get() < RESUME_READING_BELOW && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    void finish(long size, int checksum) {
        writer.execute(() -> complete(size, checksum));
    }

    void abortIfUnfinished() {
        writer.execute(() -> {
            if (!over) {
                discard("the connection closed before the end of the image");
            }
        });
    }

    private void open() {
        try {
            Files.createDirectories(transport.options().snapshotDir());
            temp = Files.createTempFile(transport.options().snapshotDir(), "incoming-", ".snap.db.tmp");
            file = FileChannel.open(temp, StandardOpenOption.WRITE);
        } catch (IOException e) {
            failure = e;
        }
    }

    private void write(ByteString data) {
        if (over || failure != null) {
            return;
        }
        try {
            for (var buffer : data.asReadOnlyByteBufferList()) {
                crc.update(buffer.duplicate());
                while (buffer.hasRemaining()) {
                    file.write(buffer);
                }
            }
            received += data.size();
        } catch (IOException e) {
            failure = e;
        }
    }

    private void complete(long size, int checksum) {
        if (over) {
            return;
        }
        if (failure != null) {
            reject("cannot write the image: " + failure.getMessage());
            return;
        }
        if (received != size || (int) crc.getValue() != checksum) {
            reject("the image does not match its trailer: received " + received + " bytes crc32c="
                    + Integer.toHexString((int) crc.getValue()) + ", trailer says " + size + " bytes crc32c="
                    + Integer.toHexString(checksum));
            return;
        }
        Path image = transport.options().snapshotDir().resolve(String.format("%016x.snap.db", message.snapshot().index()));
        try {
            file.force(true);
            file.close();
            Files.move(temp, image, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            reject("cannot store the image: " + e.getMessage());
            return;
        }
        over = true;
        LOG.log(Level.INFO, "received a snapshot from=" + PeerProtocol.hex(message.from()) + " index="
                + message.snapshot().index() + " term=" + message.snapshot().term() + " bytes=" + size + " file=" + image);
        transport.inbound().receiveSnapshot(message, image);
        acknowledge(true, "");
    }

    private void reject(String reason) {
        discard(reason);
        acknowledge(false, reason);
    }

    private void discard(String reason) {
        over = true;
        LOG.log(Level.WARNING, "dropped a snapshot from=" + PeerProtocol.hex(message.from()) + " index="
                + message.snapshot().index() + " reason=\"" + reason + "\"");
        try {
            if (file != null) {
                file.close();
            }
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove a dropped snapshot file=" + temp + " error=" + e.getMessage());
        }
    }

    private void acknowledge(boolean ok, String error) {
        channel.writeAndFlush(PeerFrame.newBuilder().setSnapshotAck(SnapshotAck.newBuilder().setOk(ok).setError(error)).build())
                .addListener(ChannelFutureListener.CLOSE);
    }
}
