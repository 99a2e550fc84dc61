/**
 * The Raft consensus algorithm as a pure, deterministic state machine: no threads, clocks,
 * sockets or files. The driver feeds it ticks, messages and proposals and carries out the
 * {@link etcetera.raft.Ready} it returns.
 *
 * <h2>Driving a member</h2>
 * <pre>{@code
 * MemoryRaftStorage storage = ...;                 // or the WAL-backed storage, restored on restart
 * RawNode node = new RawNode(RaftOptions.defaults(id).withApplied(appliedIndex), storage, new SplittableRandom(seed));
 * if (newCluster) node.bootstrap(Map.of(1L, ctx1, 2L, ctx2, 3L, ctx3));
 * loop (one thread owns node and storage):
 *   every tick interval:       node.tick();
 *   on a peer message:         node.step(message);
 *   on a client write:         StepOutcome o = node.propose(bytes);   // DROPPED_* -> "raft proposal dropped"
 *   on a linearizable read:    node.readIndex(uniqueContext);
 *   while (node.hasReady()) {
 *     Ready rd = node.ready();
 *     rd.messages() that Ready.sendableBeforePersisting(...) -> send now
 *     rd.snapshot() -> save + storage.applySnapshot;  storage.append(rd.entries());  rd.hardState() -> save
 *     (fsync if rd.mustSync())
 *     the remaining rd.messages() -> send; report InstallSnapshot outcomes with node.reportSnapshot(to, ok)
 *     apply rd.snapshot(), then rd.committedEntries() in order (CONF_CHANGE: node.applyConfChange(ConfChange.decode(data)))
 *     rd.readStates(): serve each read once the applied index reaches its index
 *     rd.softState(): the leader id and this member's role, when they change
 *     node.advance(rd);
 *   }
 * }</pre>
 *
 * <h2>Guarantees checked by the tests</h2>
 * Election safety, log matching, leader completeness, state machine safety, linearizable read
 * indexes and liveness after faults heal are checked after every step of a seeded simulation
 * with message loss, delay, reordering, duplication, partitions, crash-restarts, snapshots,
 * leader transfers and membership changes ({@code SimulationTest}); protocol scenarios are
 * readable data files ({@code src/test/resources/scenarios}).
 *
 * <p>Not supported: joint consensus (configurations with outgoing voters are refused) and
 * lease-based reads (reads always take a heartbeat round).
 */
package etcetera.raft;
