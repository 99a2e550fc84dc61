package etcetera.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the scenario files in {@code src/test/resources/scenarios}: each block is a command,
 * a {@code ----} line, and the output the command must produce, up to a blank line. The
 * commands read like the protocol:
 * <pre>
 * cluster 3 [pre-vote=false] [check-quorum=false] [max-msg-size=1] [learners=4]   start members 1..3
 * tick 1 [x10]              campaign 1            propose 1 hello
 * read-index 1 ctx          transfer-leader 1 3   conf-change 1 add-learner|add-node|remove 4
 * partition 1 | 2 3         heal                  crash 2           restart 2
 * join 4                    (start an empty member 4 that waits to be contacted)
 * snapshot 1                (member 1 snapshots what it applied and compacts its log)
 * stabilize                 (handle Readies and deliver messages until quiet; prints them)
 * deliver                   (one round of that: handle Readies, deliver what they sent)
 * status                    (prints every member's state)
 * </pre>
 * Run with {@code -Dscenario.rewrite=true} to write the actual output back into the files
 * (then review the diff: the files are the specification).
 */
class ScenarioTest {

    private static final Path DIR = Path.of("src/test/resources/scenarios");

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runFile(f)));
    }

    /** One command with the comment lines above it and the output it must produce. */
    private record Block(List<String> comments, String command, String expected) {
    }

    private static void runFile(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                if (line.startsWith("#")) {
                    comments.add(line);
                }
                i++;
                continue;
            }
            String command = line;
            i++;
            if (i >= lines.size() || !lines.get(i).equals("----")) {
                throw new IllegalArgumentException(file + ":" + i + ": expected ---- after '" + command + "'");
            }
            i++;
            StringBuilder expected = new StringBuilder();
            while (i < lines.size() && !lines.get(i).isEmpty()) {
                expected.append(lines.get(i)).append('\n');
                i++;
            }
            blocks.add(new Block(List.copyOf(comments), command, expected.toString()));
            comments.clear();
        }
        Interpreter interp = new Interpreter();
        boolean rewrite = Boolean.getBoolean("scenario.rewrite");
        StringBuilder rewritten = new StringBuilder();
        for (Block b : blocks) {
            String actual = interp.run(b.command());
            if (rewrite) {
                if (!rewritten.isEmpty()) {
                    rewritten.append('\n');
                }
                b.comments().forEach(c -> rewritten.append(c).append('\n'));
                rewritten.append(b.command()).append("\n----\n").append(actual);
            } else {
                assertEquals(b.expected(), actual, file.getFileName() + ": output of '" + b.command() + "'");
            }
        }
        if (rewrite) {
            Files.writeString(file, rewritten.toString(), StandardCharsets.UTF_8);
        }
    }

    /** Holds the members of one scenario and carries out its commands. */
    static final class Interpreter implements SimNode.Observer {
        private final Map<Long, SimNode> nodes = new TreeMap<>();
        private final ArrayDeque<Message> queue = new ArrayDeque<>();
        private final Map<Long, Integer> group = new HashMap<>();
        private final Map<Long, SoftState> lastSoft = new HashMap<>();
        private RaftOptions base = RaftOptions.defaults(1);
        private StringBuilder out = new StringBuilder();

        String run(String command) {
            out = new StringBuilder();
            String[] w = command.trim().split("\\s+");
            switch (w[0]) {
                case "cluster" -> {
                    cluster(w);
                    stabilize(1000); // apply the bootstrap entries
                    nodes.values().forEach(n -> lastSoft.put(n.id, n.raft().softState()));
                    out = new StringBuilder();
                }
                case "tick" -> {
                    int times = w.length > 2 ? Integer.parseInt(w[2].substring(1)) : 1;
                    for (int t = 0; t < times; t++) {
                        node(w[1]).node.tick();
                    }
                }
                case "campaign" -> outcome(node(w[1]).node.campaign());
                case "propose" -> outcome(node(w[1]).node.propose(w[2].getBytes(StandardCharsets.UTF_8)));
                case "read-index" -> outcome(node(w[1]).node.readIndex(w[2].getBytes(StandardCharsets.UTF_8)));
                case "transfer-leader" -> outcome(node(w[1]).node.transferLeader(Long.parseLong(w[2])));
                case "conf-change" -> {
                    ConfChange.Type type = switch (w[2]) {
                        case "add-node" -> ConfChange.Type.ADD_NODE;
                        case "add-learner" -> ConfChange.Type.ADD_LEARNER_NODE;
                        case "remove" -> ConfChange.Type.REMOVE_NODE;
                        default -> throw new IllegalArgumentException("unknown conf change " + w[2]);
                    };
                    outcome(node(w[1]).node.proposeConfChange(new ConfChange(0, type, Long.parseLong(w[3]), null)));
                }
                case "partition" -> {
                    int g = 0;
                    for (int k = 1; k < w.length; k++) {
                        if (w[k].equals("|")) {
                            g++;
                        } else {
                            group.put(Long.parseLong(w[k]), g);
                        }
                    }
                }
                case "heal" -> group.replaceAll((k, v) -> 0);
                case "crash" -> node(w[1]).crash();
                case "restart" -> {
                    node(w[1]).restart();
                    lastSoft.remove(Long.parseLong(w[1]));
                }
                case "join" -> {
                    long id = Long.parseLong(w[1]);
                    nodes.put(id, new SimNode(id, new MemoryRaftStorage(), options(id), id, this));
                    group.put(id, 0);
                }
                case "snapshot" -> {
                    SimNode n = node(w[1]);
                    n.snapshotAndCompact(0);
                    out.append(n.id).append(" snapshot at ").append(n.storage.snapshot().index())
                            .append(", log starts at ").append(n.storage.firstIndex()).append('\n');
                }
                case "stabilize" -> stabilize(1000);
                case "deliver" -> stabilize(1);
                case "status" -> status();
                default -> throw new IllegalArgumentException("unknown command: " + command);
            }
            return out.isEmpty() ? "ok\n" : out.toString();
        }

        private void cluster(String[] w) {
            int size = Integer.parseInt(w[1]);
            List<Long> voters = new ArrayList<>();
            List<Long> learners = new ArrayList<>();
            for (long v = 1; v <= size; v++) {
                voters.add(v);
            }
            for (int k = 2; k < w.length; k++) {
                String[] kv = w[k].split("=");
                switch (kv[0]) {
                    case "pre-vote" -> base = base.withPreVote(Boolean.parseBoolean(kv[1]));
                    case "check-quorum" -> base = base.withCheckQuorum(Boolean.parseBoolean(kv[1]));
                    case "max-msg-size" -> base = base.withMaxSizePerMsg(Long.parseLong(kv[1]));
                    case "learners" -> Arrays.stream(kv[1].split(",")).map(Long::parseLong).forEach(learners::add);
                    default -> throw new IllegalArgumentException("unknown option " + w[k]);
                }
            }
            if (learners.isEmpty()) {
                for (long id : voters) {
                    nodes.put(id, SimNode.bootstrapped(id, voters, options(id), id, this));
                    group.put(id, 0);
                }
                return;
            }
            ConfState cs = new ConfState(voters, learners, List.of(), List.of(), false);
            List<Long> all = new ArrayList<>(voters);
            all.addAll(learners);
            for (long id : all) {
                nodes.put(id, new SimNode(id, MemoryRaftStorage.withConfState(cs), options(id), id, this));
                group.put(id, 0);
            }
        }

        private RaftOptions options(long id) {
            return new RaftOptions(id, base.electionTicks(), base.heartbeatTicks(), 0, base.preVote(),
                    base.checkQuorum(), base.maxSizePerMsg(), base.maxInflightMsgs(), base.maxUncommittedEntriesSize(),
                    base.maxCommittedSizePerReady(), false);
        }

        /** The member with {@code id}, for tests that drive scenarios from Java. */
        SimNode member(long id) {
            return node(Long.toString(id));
        }

        private SimNode node(String id) {
            SimNode n = nodes.get(Long.parseLong(id));
            if (n == null) {
                throw new IllegalArgumentException("no member " + id);
            }
            return n;
        }

        private void outcome(StepOutcome o) {
            if (o != StepOutcome.ACCEPTED) {
                out.append(o).append('\n');
            }
        }

        /** Handles Readies and delivers what they send, for at most {@code rounds} rounds or until quiet. */
        private void stabilize(int rounds) {
            for (int round = 0; round < rounds; round++) {
                boolean any = false;
                for (SimNode n : nodes.values()) {
                    while (n.handleReady(queue::add)) {
                        any = true;
                        SoftState s = n.raft().softState();
                        if (!s.equals(lastSoft.get(n.id))) {
                            lastSoft.put(n.id, s);
                            out.append(n.id).append(" is ").append(s.role()).append(" at term ").append(n.raft().term)
                                    .append(s.leader() == 0 ? "" : ", leader " + s.leader()).append('\n');
                        }
                    }
                }
                List<Message> batch = new ArrayList<>(queue);
                queue.clear();
                for (Message m : batch) {
                    SimNode to = nodes.get(m.to());
                    boolean reachable = to != null && to.up && group.get(m.from()).equals(group.get(m.to()));
                    out.append(format(m)).append(reachable ? "" : "  (dropped)").append('\n');
                    if (reachable) {
                        StepOutcome o = to.node.step(m);
                        if (o.isDropped()) {
                            out.append("  ").append(o).append('\n');
                        }
                        if (m instanceof Message.InstallSnapshot) {
                            nodes.get(m.from()).node.reportSnapshot(m.to(), true);
                        }
                    } else if (m instanceof Message.InstallSnapshot && nodes.get(m.from()).up) {
                        nodes.get(m.from()).node.reportSnapshot(m.to(), false);
                    }
                    any = true;
                }
                if (!any) {
                    return;
                }
            }
            if (rounds > 1) {
                throw new IllegalStateException("stabilize did not settle");
            }
        }

        @Override
        public void readState(SimNode node, ReadState rs) {
            out.append(node.id).append(" read-state index=").append(rs.index()).append(" ctx=")
                    .append(new String(rs.context(), StandardCharsets.UTF_8)).append('\n');
        }

        private void status() {
            for (SimNode n : nodes.values()) {
                if (!n.up) {
                    out.append(n.id).append(" down\n");
                    continue;
                }
                Raft r = n.raft();
                out.append(n.id).append(' ').append(r.role).append(" term=").append(r.term).append(" lead=")
                        .append(r.lead).append(" commit=").append(r.log.committed).append(" applied=")
                        .append(n.appliedIndex).append(" last=").append(r.log.lastIndex()).append(" voters=")
                        .append(r.confState().voters()).append(r.confState().learners().isEmpty() ? ""
                                : " learners=" + r.confState().learners())
                        .append(" applied-data=").append(n.appliedEntries.stream()
                                .filter(e -> e.data().length > 0 && e.type() == EntryType.NORMAL)
                                .map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList())
                        .append('\n');
                if (r.role == Role.LEADER) {
                    r.progress.forEach((id, p) -> out.append("  ").append(id).append(": ").append(p).append('\n'));
                }
            }
        }
    }

    static String format(Message m) {
        String head = m.from() + "->" + m.to() + " ";
        return head + switch (m) {
            case Message.Append a -> "Append term=" + a.term() + " log=" + a.logTerm() + "/" + a.index() + " commit="
                    + a.commit() + (a.entries().isEmpty() ? "" : " entries=" + entries(a.entries()));
            case Message.AppendResponse r -> "AppendResponse term=" + r.term() + " index=" + r.index()
                    + (r.reject() ? " reject hint=" + r.rejectHint() + "/" + r.hintTerm() : "");
            case Message.Vote v -> (v.preVote() ? "PreVote" : "Vote") + " term=" + v.term() + " log=" + v.lastLogTerm()
                    + "/" + v.lastLogIndex() + (v.leaderTransfer() ? " transfer" : "");
            case Message.VoteResponse r -> (r.preVote() ? "PreVoteResponse" : "VoteResponse") + " term=" + r.term()
                    + (r.reject() ? " rejected" : " granted");
            case Message.Heartbeat h -> "Heartbeat term=" + h.term() + " commit=" + h.commit() + ctx(h.context());
            case Message.HeartbeatResponse h -> "HeartbeatResponse term=" + h.term() + ctx(h.context());
            case Message.InstallSnapshot s -> "InstallSnapshot term=" + s.term() + " snapshot=" + s.snapshot().term()
                    + "/" + s.snapshot().index() + " voters=" + s.snapshot().metadata().confState().voters();
            case Message.TimeoutNow t -> "TimeoutNow term=" + t.term();
            case Message.ReadIndex r -> "ReadIndex" + ctx(r.context());
            case Message.ReadIndexResponse r -> "ReadIndexResponse term=" + r.term() + " index=" + r.index()
                    + ctx(r.context());
            case Message.Propose p -> "Propose entries=" + entries(p.entries());
            case Message.TransferLeader t -> "TransferLeader term=" + t.term() + " transferee=" + t.transferee();
        };
    }

    private static String ctx(byte[] c) {
        return c.length == 0 ? "" : " ctx=" + new String(c, StandardCharsets.UTF_8);
    }

    private static String entries(List<Entry> es) {
        return es.stream().map(e -> {
            String data = switch (e.type()) {
                case NORMAL -> e.data().length == 0 ? "(empty)" : new String(e.data(), StandardCharsets.UTF_8);
                case CONF_CHANGE -> {
                    ConfChange cc = ConfChange.decode(e.data());
                    yield cc.type() + " " + cc.nodeId();
                }
            };
            return e.term() + "/" + e.index() + " " + data;
        }).collect(Collectors.joining(", ", "[", "]"));
    }
}
