package etcetera.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Focused tests of the rules that Raft's safety rests on, and of the RawNode contract. */
class RaftRulesTest {

    private static MemoryRaftStorage storageWithLog(long term, long... entryTerms) {
        MemoryRaftStorage s = MemoryRaftStorage.withVoters(List.of(1L, 2L, 3L));
        long index = 0;
        for (long t : entryTerms) {
            s.append(List.of(Entry.normal(t, ++index, null)));
        }
        s.setHardState(new HardState(term, 0, 0));
        return s;
    }

    private static RawNode node(long id, RaftStorage storage) {
        return new RawNode(RaftOptions.defaults(id), storage, new SplittableRandom(id));
    }

    private static Message.VoteResponse voteAnswer(RawNode n) {
        Ready rd = n.ready();
        n.advance(rd);
        return (Message.VoteResponse) rd.messages().getFirst();
    }

    /** Member 2 asks {@code n} for a (pre-)vote at term 3 with a log ending at 3/2. */
    private static Ready askedForVote(RawNode n, boolean preVote) {
        n.step(new Message.Vote(2, 1, 3, preVote, 2, 3, false));
        return n.ready();
    }

    @Test
    void voteIsGrantedOnlyToALogAtLeastAsUpToDate() {
        // log terms 1,1,2: last entry 3/2
        RawNode olderLastTerm = node(1, storageWithLog(2, 1, 1, 2));
        olderLastTerm.step(new Message.Vote(2, 1, 3, false, 1, 9, false));
        assertTrue(voteAnswer(olderLastTerm).reject(), "a higher index does not beat a lower last term");

        RawNode shorter = node(1, storageWithLog(2, 1, 1, 2));
        shorter.step(new Message.Vote(2, 1, 3, false, 2, 2, false));
        assertTrue(voteAnswer(shorter).reject(), "same last term but shorter log");

        RawNode equal = node(1, storageWithLog(2, 1, 1, 2));
        equal.step(new Message.Vote(2, 1, 3, false, 2, 3, false));
        Message.VoteResponse granted = voteAnswer(equal);
        assertFalse(granted.reject());
        assertEquals(3, granted.term());
    }

    @Test
    void aVoteOncePersistedIsNotGivenToAnotherCandidateAfterRestart() {
        MemoryRaftStorage storage = storageWithLog(2, 1, 1, 2);
        RawNode n = node(1, storage);
        Ready rd = askedForVote(n, false);
        assertTrue(rd.mustSync());
        storage.setHardState(rd.hardState().orElseThrow());
        n.advance(rd);
        assertEquals(new HardState(3, 2, 0), storage.hardState());

        RawNode restarted = node(1, storage);
        restarted.step(new Message.Vote(3, 1, 3, false, 2, 3, false));
        assertTrue(voteAnswer(restarted).reject(), "already voted for 2 in term 3");
        restarted.step(new Message.Vote(2, 1, 3, false, 2, 3, false));
        assertFalse(voteAnswer(restarted).reject(), "a repeated request from the same candidate is granted again");
    }

    @Test
    void preVoteChangesNoTermOrVote() {
        RawNode n = node(1, storageWithLog(2, 1, 1, 2));
        Ready rd = askedForVote(n, true);
        assertTrue(rd.hardState().isEmpty());
        Message.VoteResponse r = (Message.VoteResponse) rd.messages().getFirst();
        assertFalse(r.reject());
        assertTrue(r.preVote());
        assertEquals(3, r.term(), "a granted pre-vote carries the campaign's term");
        n.advance(rd);
        assertEquals(2, n.status().hardState().term());
    }

    @Test
    void aLearnerNeitherCampaignsNorCountsTowardsAQuorum() {
        ScenarioTest.Interpreter s = new ScenarioTest.Interpreter();
        s.run("cluster 2 learners=3");
        for (int i = 0; i < 100; i++) {
            s.run("tick 3");
        }
        s.run("stabilize");
        assertEquals(Role.FOLLOWER, s.member(3).raft().role);
        assertEquals(0, s.member(3).raft().term);

        // 1 campaigns while 2 is unreachable: the learner's grant is not enough
        s.run("partition 1 3 | 2");
        s.run("campaign 1");
        String out = s.run("stabilize");
        assertTrue(out.contains("3->1 PreVoteResponse term=1 granted") || !out.contains("->3 PreVote"), out);
        assertTrue(s.member(1).raft().role != Role.LEADER, out);
        s.run("heal");
        s.run("campaign 1");
        s.run("stabilize");
        assertEquals(Role.LEADER, s.member(1).raft().role);
    }

    @Test
    void singleMemberCommitsOnlyWhatItHasPersisted() {
        MemoryRaftStorage storage = new MemoryRaftStorage();
        RawNode n = node(1, storage);
        n.bootstrap(Map.of(1L, new byte[0]));
        drain(n, storage);
        assertEquals(StepOutcome.ACCEPTED, n.campaign());
        drain(n, storage);
        assertEquals(Role.LEADER, n.status().softState().role());
        assertEquals(StepOutcome.ACCEPTED, n.propose("a".getBytes(StandardCharsets.UTF_8)));
        Ready rd = n.ready();
        assertEquals(1, rd.entries().size());
        assertTrue(rd.committedEntries().isEmpty(), "not committed before it is persisted");
        storage.append(rd.entries());
        n.advance(rd);
        Ready next = n.ready();
        assertEquals("a", new String(next.committedEntries().getLast().data(), StandardCharsets.UTF_8));
        n.advance(next);
    }

    private static void drain(RawNode n, MemoryRaftStorage storage) {
        while (n.hasReady()) {
            Ready rd = n.ready();
            storage.append(rd.entries());
            rd.hardState().ifPresent(storage::setHardState);
            for (Entry e : rd.committedEntries()) {
                if (e.type() == EntryType.CONF_CHANGE) {
                    n.applyConfChange(ConfChange.decode(e.data()));
                }
            }
            n.advance(rd);
        }
    }

    @Test
    void proposalsWithoutALeaderAreDroppedWithATypedOutcome() {
        RawNode n = node(1, storageWithLog(1, 1));
        assertEquals(StepOutcome.DROPPED_NO_LEADER, n.propose(new byte[] {1}));
        assertEquals(StepOutcome.DROPPED_NO_LEADER, n.readIndex(new byte[] {1}));
        assertTrue(StepOutcome.DROPPED_NO_LEADER.isDropped());
        assertFalse(StepOutcome.ACCEPTED.isDropped());
    }

    @Test
    void leaderDropsProposalsBeyondTheUncommittedLimit() {
        MemoryRaftStorage storage = new MemoryRaftStorage();
        RawNode n = new RawNode(RaftOptions.defaults(1).withMaxUncommittedEntriesSize(10), storage,
                new SplittableRandom(1));
        n.bootstrap(Map.of(1L, new byte[0], 2L, new byte[0]));
        drain(n, storage);
        n.campaign();
        n.step(new Message.VoteResponse(2, 1, 2, true, false));
        n.step(new Message.VoteResponse(2, 1, 2, false, false));
        assertEquals(Role.LEADER, n.status().softState().role());
        assertEquals(StepOutcome.ACCEPTED, n.propose(new byte[8]));
        assertEquals(StepOutcome.DROPPED_TOO_MANY_UNCOMMITTED, n.propose(new byte[8]));
        assertEquals(StepOutcome.ACCEPTED, n.propose(new byte[0]), "empty entries are always accepted");
    }

    @Test
    void onlyOneReadyMayBeOutstanding() {
        RawNode n = node(1, storageWithLog(1, 1));
        n.step(new Message.Vote(2, 1, 2, false, 1, 1, false));
        Ready rd = n.ready();
        assertFalse(n.hasReady());
        assertThrows(IllegalStateException.class, n::ready);
        n.advance(rd);
        assertThrows(IllegalStateException.class, () -> n.advance(rd));
    }

    @Test
    void confChangeWhileASnapshotIsInFlightCompletes() {
        ScenarioTest.Interpreter s = new ScenarioTest.Interpreter();
        s.run("cluster 3");
        s.run("campaign 1");
        s.run("stabilize");
        s.run("crash 3");
        s.run("propose 1 a");
        s.run("stabilize");
        s.run("snapshot 1");
        s.run("restart 3");
        s.run("tick 1");
        // deliver until the snapshot is on its way, then change membership before it lands
        String out = "";
        for (int i = 0; i < 10 && !out.contains("InstallSnapshot"); i++) {
            out = s.run("deliver");
        }
        assertTrue(out.contains("InstallSnapshot"), out);
        s.run("conf-change 1 add-learner 4");
        s.run("stabilize");
        s.run("join 4");
        s.run("tick 1");
        s.run("stabilize");
        s.run("propose 1 b");
        s.run("stabilize");
        for (long id = 1; id <= 4; id++) {
            assertEquals(s.member(1).raft().log.committed, s.member(id).raft().log.committed, "member " + id);
            assertEquals(List.of(1L, 2L, 3L), s.member(id).raft().confState().voters());
            assertEquals(List.of(4L), s.member(id).raft().confState().learners());
        }
    }

    @Test
    void heartbeatsNeverCarryACommitBeyondTheFollowersMatch() {
        ScenarioTest.Interpreter s = new ScenarioTest.Interpreter();
        s.run("cluster 3");
        s.run("campaign 1");
        s.run("stabilize");
        s.run("partition 1 2 | 3");
        s.run("propose 1 a");
        s.run("stabilize");
        s.run("heal");
        s.run("tick 1");
        String out = s.run("deliver");
        assertTrue(out.contains("1->3 Heartbeat term=2 commit=" + s.member(3).raft().log.lastIndex()), out);
    }

    @Test
    void aCandidateRemovedMidElectionDoesNotBecomeLeader() {
        // found by the simulator (seed 1638): a pre-candidate applied its own removal, then won the pre-vote
        MemoryRaftStorage storage = new MemoryRaftStorage();
        RawNode n = node(3, storage);
        n.bootstrap(Map.of(1L, new byte[0], 2L, new byte[0], 3L, new byte[0]));
        drain(n, storage);
        assertEquals(StepOutcome.ACCEPTED, n.campaign());
        assertEquals(Role.PRE_CANDIDATE, n.status().softState().role());
        n.applyConfChange(new ConfChange(0, ConfChange.Type.REMOVE_NODE, 3, null));
        n.step(new Message.VoteResponse(1, 3, 2, true, false));
        n.step(new Message.VoteResponse(2, 3, 2, true, false));
        assertEquals(Role.FOLLOWER, n.status().softState().role());
        assertEquals(1, n.status().hardState().term());
    }

    private static List<Message> drainMessages(RawNode n, MemoryRaftStorage storage) {
        List<Message> sent = new java.util.ArrayList<>();
        while (n.hasReady()) {
            Ready rd = n.ready();
            storage.append(rd.entries());
            rd.hardState().ifPresent(storage::setHardState);
            sent.addAll(rd.messages());
            n.advance(rd);
        }
        return sent;
    }

    @Test
    void aReplicatingFollowerGetsNoMoreThanTheInflightWindow() {
        MemoryRaftStorage storage = new MemoryRaftStorage();
        RawNode leader = new RawNode(RaftOptions.defaults(1).withMaxInflightMsgs(2), storage, new SplittableRandom(1));
        leader.bootstrap(Map.of(1L, new byte[0], 2L, new byte[0]));
        drain(leader, storage);
        leader.campaign();
        leader.step(new Message.VoteResponse(2, 1, 2, true, false));
        leader.step(new Message.VoteResponse(2, 1, 2, false, false));
        drainMessages(leader, storage);
        // 2 acknowledges everything so far: the leader switches it to pipelined replication
        leader.step(new Message.AppendResponse(2, 1, 2, storage.lastIndex(), false, 0, 0));
        drainMessages(leader, storage);
        assertEquals(ProgressState.REPLICATE, leader.status().progress().get(2L).state());

        List<Message> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            assertEquals(StepOutcome.ACCEPTED, leader.propose(new byte[] {(byte) i}));
            sent.addAll(drainMessages(leader, storage));
        }
        assertEquals(2, sent.stream().filter(m -> m instanceof Message.Append a && !a.entries().isEmpty()).count(),
                "two appends in flight, the rest waits: " + sent);

        // an acknowledgement of the first frees the window and the leader streams on
        Message.Append first = (Message.Append) sent.getFirst();
        leader.step(new Message.AppendResponse(2, 1, 2, first.entries().getLast().index(), false, 0, 0));
        List<Message> more = drainMessages(leader, storage);
        assertEquals(1, more.stream().filter(m -> m instanceof Message.Append a && !a.entries().isEmpty()).count(),
                more.toString());
    }

    @Test
    void aRejectionSkipsTheFollowersWholeConflictingTerm() {
        // leader log: terms 1,1,1,4,4,4 (indexes 1-6); follower has 1,1,1,2,2,2,2,2 — it rejects the
        // probe at 6 and its hint lets the leader jump straight to index 3, the last possible match
        MemoryRaftStorage storage = storageWithLog(4, 1, 1, 1, 4, 4, 4);
        RawNode follower = node(2, storageWithLog(3, 1, 1, 1, 2, 2, 2, 2, 2));
        follower.step(new Message.Append(1, 2, 4, 4, 6, List.of(), 0));
        Ready rd = follower.ready();
        Message.AppendResponse reject = (Message.AppendResponse) rd.messages().getFirst();
        assertTrue(reject.reject());
        assertEquals(6, reject.index());
        assertEquals(6, reject.rejectHint(), "the highest index whose term is at most 4");
        assertEquals(2, reject.hintTerm());
        RawNode probe = node(1, storage);
        assertEquals(3, probe.raft().log.findConflictByTerm(reject.rejectHint(), reject.hintTerm()),
                "the leader skips every index of term 2 it does not have");
    }
}
