/**
 * The durable log of a Raft node: the write-ahead log ({@link etcetera.raft.wal.Wal}) and the
 * snapshot files ({@code Snapshotter}). Owned by the thread that drives the
 * node; nothing here is thread-safe.
 *
 * <h2>WAL files</h2>
 * A WAL is a directory of segment files named {@code %016x-%016x.wal} (sequence number, first
 * index the segment was cut for), as etcd names them. Each segment is preallocated (extended to
 * {@link etcetera.raft.wal.WalOptions#segmentBytes()} so that it reads as zeros, in the
 * background) and begins with a
 * head: a segment header (format version, a random id of this WAL, sequence, first index), the
 * metadata given at creation, and the current hard state and snapshot marker, so that any
 * suffix of the segments can be replayed alone once older ones are purged. Then follow entry,
 * hard-state, snapshot-marker and sync-mark records. Every record is a frame
 * {@code crc32c | length | type | reserved | body | zero padding} aligned to 8 bytes.
 *
 * <h2>Why one CRC per record, not a chained CRC</h2>
 * etcd chains each record's CRC into the next. We check each record on its own (CRC32C,
 * hardware-accelerated) because that is what lets recovery tell a torn write from corruption:
 * after a damaged frame, the frames that follow can still be verified, and among them the
 * <em>sync marks</em> say how far the segment was known to be fsynced. What a chain adds —
 * detecting stale records of an earlier use of the file, or reordered records — is covered
 * otherwise: segment files are never reused (each is a fresh file that reads as zeros, and a
 * repaired tail is cut off and re-extended as zeros), every head carries the WAL's id and the
 * segment's sequence, and replay checks the order of entry indexes.
 *
 * <h2>Torn writes and corruption</h2>
 * A sync mark is a record written at the start of the first batch after an fsync (and on
 * close), stating that the first N bytes of its segment had been fsynced. On open, the first
 * damaged or incomplete frame of the last segment is:
 * <ul>
 * <li>the end of the log if only zeros follow (the preallocated area);</li>
 * <li>a torn write, repaired by truncating there (the rest then reads as zeros), if no valid sync mark
 * after it proves that it had been fsynced: the data there was never acknowledged, and records
 * after it may be pages the kernel wrote back out of order before the crash;</li>
 * <li>corruption ({@link etcetera.raft.wal.WalCorruptException}, naming the file and offset) if
 * a valid sync mark after it proves it had been fsynced.</li>
 * </ul>
 * Every other segment was fsynced (at its used size) before the next one was created, so any
 * damage there is corruption. The one window this cannot cover: damage to the last synced
 * batch before any later write, which no mark vouches for yet; it is treated as torn (as etcd
 * does for a damaged tail).
 *
 * <h2>Group commit</h2>
 * {@link etcetera.raft.wal.Wal#append} writes without forcing; the caller appends the hard state
 * and entries of a whole Raft {@code Ready} (many proposals) and then calls
 * {@link etcetera.raft.wal.Wal#sync} once before sending the messages that depend on them.
 */
package etcetera.raft.wal;
