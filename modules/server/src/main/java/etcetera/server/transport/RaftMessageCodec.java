package etcetera.server.transport;

import com.google.protobuf.ByteString;
import etcetera.raft.ConfState;
import etcetera.raft.Entry;
import etcetera.raft.EntryType;
import etcetera.raft.Message;
import etcetera.raft.Snapshot;
import etcetera.raft.SnapshotMetadata;
import etcetera.wire.raft.EntryKind;
import etcetera.wire.raft.RaftMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates between Raft's {@link Message} family and the peer protocol's
 * {@link RaftMessage}. Stateless. Decoding never trusts the peer: a frame that does not make
 * a valid message gives a {@link PeerProtocolException}, never another exception.
 */
final class RaftMessageCodec {

    private RaftMessageCodec() {
    }

    static RaftMessage encode(Message message) {
        RaftMessage.Builder out = RaftMessage.newBuilder()
                .setFrom(message.from()).setTo(message.to()).setTerm(message.term());
        switch (message) {
            case Message.Append m -> out.setAppend(etcetera.wire.raft.Append.newBuilder()
                    .setLogTerm(m.logTerm()).setIndex(m.index()).setCommit(m.commit())
                    .addAllEntries(encodeEntries(m.entries())));
            case Message.AppendResponse m -> out.setAppendResponse(etcetera.wire.raft.AppendResponse.newBuilder()
                    .setIndex(m.index()).setReject(m.reject()).setRejectHint(m.rejectHint()).setHintTerm(m.hintTerm()));
            case Message.Heartbeat m -> out.setHeartbeat(etcetera.wire.raft.Heartbeat.newBuilder()
                    .setCommit(m.commit()).setContext(bytes(m.context())));
            case Message.HeartbeatResponse m -> out.setHeartbeatResponse(etcetera.wire.raft.HeartbeatResponse.newBuilder()
                    .setContext(bytes(m.context())));
            case Message.Vote m -> out.setVote(etcetera.wire.raft.Vote.newBuilder()
                    .setPreVote(m.preVote()).setLastLogTerm(m.lastLogTerm()).setLastLogIndex(m.lastLogIndex())
                    .setLeaderTransfer(m.leaderTransfer()));
            case Message.VoteResponse m -> out.setVoteResponse(etcetera.wire.raft.VoteResponse.newBuilder()
                    .setPreVote(m.preVote()).setReject(m.reject()));
            case Message.ReadIndex m -> out.setReadIndex(etcetera.wire.raft.ReadIndex.newBuilder()
                    .setContext(bytes(m.context())));
            case Message.ReadIndexResponse m -> out.setReadIndexResponse(etcetera.wire.raft.ReadIndexResponse.newBuilder()
                    .setIndex(m.index()).setContext(bytes(m.context())));
            case Message.Propose m -> out.setPropose(etcetera.wire.raft.Propose.newBuilder()
                    .addAllEntries(encodeEntries(m.entries())));
            case Message.InstallSnapshot m -> out.setInstallSnapshot(etcetera.wire.raft.InstallSnapshot.newBuilder()
                    .setSnapshot(encodeSnapshot(m.snapshot())));
            case Message.TimeoutNow m -> out.setTimeoutNow(etcetera.wire.raft.TimeoutNow.getDefaultInstance());
            case Message.TransferLeader m -> out.setTransferLeader(etcetera.wire.raft.TransferLeader.newBuilder()
                    .setTransferee(m.transferee()));
        }
        return out.build();
    }

    /** @throws PeerProtocolException if {@code wire} does not make a valid Raft message */
    static Message decode(RaftMessage wire) {
        try {
            long from = wire.getFrom();
            long to = wire.getTo();
            long term = wire.getTerm();
            return switch (wire.getKindCase()) {
                case APPEND -> {
                    var m = wire.getAppend();
                    yield new Message.Append(from, to, term, m.getLogTerm(), m.getIndex(),
                            decodeEntries(m.getEntriesList()), m.getCommit());
                }
                case APPEND_RESPONSE -> {
                    var m = wire.getAppendResponse();
                    yield new Message.AppendResponse(from, to, term, m.getIndex(), m.getReject(), m.getRejectHint(),
                            m.getHintTerm());
                }
                case HEARTBEAT -> new Message.Heartbeat(from, to, term, wire.getHeartbeat().getCommit(),
                        wire.getHeartbeat().getContext().toByteArray());
                case HEARTBEAT_RESPONSE -> new Message.HeartbeatResponse(from, to, term,
                        wire.getHeartbeatResponse().getContext().toByteArray());
                case VOTE -> {
                    var m = wire.getVote();
                    yield new Message.Vote(from, to, term, m.getPreVote(), m.getLastLogTerm(), m.getLastLogIndex(),
                            m.getLeaderTransfer());
                }
                case VOTE_RESPONSE -> new Message.VoteResponse(from, to, term, wire.getVoteResponse().getPreVote(),
                        wire.getVoteResponse().getReject());
                case READ_INDEX -> new Message.ReadIndex(from, to, term, wire.getReadIndex().getContext().toByteArray());
                case READ_INDEX_RESPONSE -> new Message.ReadIndexResponse(from, to, term,
                        wire.getReadIndexResponse().getIndex(), wire.getReadIndexResponse().getContext().toByteArray());
                case PROPOSE -> new Message.Propose(from, to, term, decodeEntries(wire.getPropose().getEntriesList()));
                case INSTALL_SNAPSHOT -> new Message.InstallSnapshot(from, to, term,
                        decodeSnapshot(wire.getInstallSnapshot().getSnapshot()));
                case TIMEOUT_NOW -> new Message.TimeoutNow(from, to, term);
                case TRANSFER_LEADER -> new Message.TransferLeader(from, to, term,
                        wire.getTransferLeader().getTransferee());
                case KIND_NOT_SET -> throw new PeerProtocolException("a Raft message without a kind");
            };
        } catch (IllegalArgumentException e) {
            // a record's own validation (a negative term or index read from an unsigned field)
            throw new PeerProtocolException("invalid Raft message: " + e.getMessage(), e);
        }
    }

    private static ByteString bytes(byte[] data) {
        return data == null ? ByteString.EMPTY : ByteString.copyFrom(data);
    }

    private static List<etcetera.wire.raft.Entry> encodeEntries(List<Entry> entries) {
        List<etcetera.wire.raft.Entry> out = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            out.add(etcetera.wire.raft.Entry.newBuilder()
                    .setTerm(entry.term()).setIndex(entry.index())
                    .setKind(switch (entry.type()) {
                        case NORMAL -> EntryKind.ENTRY_KIND_NORMAL;
                        case CONF_CHANGE -> EntryKind.ENTRY_KIND_CONF_CHANGE;
                    })
                    .setData(ByteString.copyFrom(entry.data()))
                    .build());
        }
        return out;
    }

    private static List<Entry> decodeEntries(List<etcetera.wire.raft.Entry> entries) {
        List<Entry> out = new ArrayList<>(entries.size());
        for (etcetera.wire.raft.Entry entry : entries) {
            EntryType type = switch (entry.getKind()) {
                case ENTRY_KIND_NORMAL -> EntryType.NORMAL;
                case ENTRY_KIND_CONF_CHANGE -> EntryType.CONF_CHANGE;
                case UNRECOGNIZED -> throw new PeerProtocolException("unknown entry kind " + entry.getKindValue());
            };
            out.add(new Entry(entry.getTerm(), entry.getIndex(), type, entry.getData().toByteArray()));
        }
        return out;
    }

    private static etcetera.wire.raft.Snapshot encodeSnapshot(Snapshot snapshot) {
        ConfState conf = snapshot.metadata().confState();
        return etcetera.wire.raft.Snapshot.newBuilder()
                .setIndex(snapshot.index()).setTerm(snapshot.term())
                .setConfState(etcetera.wire.raft.ConfState.newBuilder()
                        .addAllVoters(conf.voters()).addAllLearners(conf.learners())
                        .addAllVotersOutgoing(conf.votersOutgoing()).addAllLearnersNext(conf.learnersNext())
                        .setAutoLeave(conf.autoLeave()))
                .setData(ByteString.copyFrom(snapshot.data()))
                .build();
    }

    private static Snapshot decodeSnapshot(etcetera.wire.raft.Snapshot snapshot) {
        var conf = snapshot.getConfState();
        return new Snapshot(new SnapshotMetadata(snapshot.getIndex(), snapshot.getTerm(),
                new ConfState(conf.getVotersList(), conf.getLearnersList(), conf.getVotersOutgoingList(),
                        conf.getLearnersNextList(), conf.getAutoLeave())),
                snapshot.getData().toByteArray());
    }
}
