package etcetera.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the pieces that have a simple model: quorum arithmetic, the log, the in-flight window. */
class RaftPropertiesTest {

    @Property
    void committedIndexIsTheHighestIndexAMajorityHolds(@ForAll @Size(min = 1, max = 9) List<@IntRange(max = 50) Integer> acks) {
        List<Long> voters = new ArrayList<>();
        Map<Long, Long> acked = new HashMap<>();
        for (int i = 0; i < acks.size(); i++) {
            voters.add((long) i + 1);
            acked.put((long) i + 1, (long) acks.get(i));
        }
        long expected = 0;
        for (long candidate = 0; candidate <= 50; candidate++) {
            final long c = candidate;
            long holders = acks.stream().filter(a -> a >= c).count();
            if (holders > acks.size() / 2) {
                expected = candidate;
            }
        }
        assertEquals(expected, Quorum.committedIndex(voters, acked));
    }

    @Property
    void voteResultFollowsTheCounts(@ForAll @Size(min = 1, max = 9) List<@IntRange(min = 0, max = 2) Integer> votes) {
        List<Long> voters = new ArrayList<>();
        Map<Long, Boolean> cast = new HashMap<>();
        int granted = 0;
        int rejected = 0;
        for (int i = 0; i < votes.size(); i++) {
            long id = i + 1;
            voters.add(id);
            switch (votes.get(i)) {
                case 1 -> {
                    cast.put(id, true);
                    granted++;
                }
                case 2 -> {
                    cast.put(id, false);
                    rejected++;
                }
                default -> { }
            }
        }
        int quorum = votes.size() / 2 + 1;
        Quorum.VoteResult expected = granted >= quorum ? Quorum.VoteResult.WON
                : votes.size() - rejected < quorum ? Quorum.VoteResult.LOST : Quorum.VoteResult.PENDING;
        assertEquals(expected, Quorum.voteResult(voters, cast));
    }

    /** One step against the log: append {@code count} entries of {@code term} at {@code back} before the end, or persist. */
    record LogOp(int back, int count, int term, boolean persist) {
    }

    @Provide
    Arbitrary<List<LogOp>> logOps() {
        Arbitrary<LogOp> op = net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3), Arbitraries.of(true, false))
                .as(LogOp::new);
        return op.list().ofMaxSize(40);
    }

    @Property
    void logAppendAndTruncateMatchAListModel(@ForAll("logOps") List<LogOp> ops) {
        MemoryRaftStorage storage = MemoryRaftStorage.withVoters(List.of(1L));
        RaftLog log = new RaftLog(storage, Long.MAX_VALUE);
        List<Entry> model = new ArrayList<>();
        long term = 0;
        for (LogOp op : ops) {
            if (op.persist()) {
                // what a driver does with a Ready's entries, then advance
                List<Entry> unstable = log.unstableEntries();
                storage.append(unstable);
                if (!unstable.isEmpty()) {
                    log.stableTo(unstable.getLast().index(), unstable.getLast().term());
                }
                continue;
            }
            term += op.term(); // terms only grow, as they do in a real log
            long first = Math.max(log.committed + 1, log.lastIndex() + 1 - op.back());
            List<Entry> batch = new ArrayList<>();
            for (int i = 0; i < op.count(); i++) {
                batch.add(Entry.normal(term, first + i, new byte[] {(byte) i}));
            }
            log.append(batch);
            while (model.size() >= first) {
                model.removeLast();
            }
            model.addAll(batch);
            assertEquals(model.size(), log.lastIndex());
            List<Entry> all = log.slice(1, log.lastIndex() + 1, Long.MAX_VALUE);
            assertEquals(model.stream().map(e -> e.index() + "/" + e.term()).toList(),
                    all.stream().map(e -> e.index() + "/" + e.term()).toList());
            for (Entry e : model) {
                assertEquals(e.term(), log.term(e.index()));
            }
        }
    }

    @Property
    void sizeLimitedSlicesAreNonEmptyPrefixesWithinTheLimit(@ForAll @Size(min = 1, max = 20) List<@IntRange(max = 40) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 200) int maxBytes) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            entries.add(Entry.normal(1, i + 1, new byte[sizes.get(i)]));
        }
        List<Entry> limited = RaftLog.limitSize(entries, maxBytes);
        assertEquals(entries.subList(0, limited.size()), limited);
        long total = limited.stream().mapToLong(RaftLog::entrySize).sum();
        assertTrue(limited.size() == 1 || total <= maxBytes, "over the limit: " + total);
        if (limited.size() < entries.size()) {
            assertTrue(total + RaftLog.entrySize(entries.get(limited.size())) > maxBytes, "stopped early");
        }
    }

    @Property
    void inflightWindowBehavesLikeABoundedQueue(@ForAll @Size(max = 60) List<@IntRange(min = -1, max = 30) Integer> ops) {
        Inflights window = new Inflights(5);
        ArrayDeque<Long> model = new ArrayDeque<>();
        long next = 1;
        for (int op : ops) {
            if (op < 0) {
                window.freeFirstOne();
                model.pollFirst();
            } else if (op % 2 == 0 && model.size() < 5) {
                window.add(next);
                model.addLast(next);
                next += 1 + op % 3;
            } else {
                long upTo = op;
                window.freeLE(upTo);
                while (!model.isEmpty() && model.peekFirst() <= upTo) {
                    model.pollFirst();
                }
            }
            assertEquals(model.size(), window.count());
            assertEquals(model.size() == 5, window.full());
        }
    }
}
