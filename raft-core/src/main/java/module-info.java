/**
 * The Raft consensus algorithm as a pure state machine ({@code etcetera.raft}) and its
 * durable log: WAL segments and snapshot files ({@code etcetera.raft.wal}).
 */
module etcetera.raft {
    requires etcetera.api;

    exports etcetera.raft;
    exports etcetera.raft.wal;
}
