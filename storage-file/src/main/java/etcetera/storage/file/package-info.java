/**
 * The pure-Java storage engine: an append-only log of checksummed batches on disk, and an
 * in-memory copy-on-write B+tree per bucket that says where each key's value lies in it.
 *
 * <h2>Why this shape</h2>
 * The MVCC store above writes revisions whose keys only grow (appends at the end of the
 * {@code key} bucket), reads by point gets and range scans, deletes old revisions in bulk on
 * compaction, takes snapshots while writes go on, and must never make a reader wait for the
 * writer or the writer for a reader. So:
 * <ul>
 * <li><b>Log, not pages.</b> A commit is one positional write of one frame
 *     ({@link etcetera.storage.file.LogFormat}: length, CRC32C, records) at the end of
 *     {@code data.log}, plus one {@code force} when {@code syncOnCommit} is on — no page
 *     allocation, no free list, no write amplification on the hot path. A frame counts only if
 *     it is whole and its checksum matches, which makes every batch atomic on disk: a torn tail
 *     (the process or machine died mid-write) is cut off on open. Without sync a commit is in
 *     the page cache when it returns, so it survives kill -9 of the process, as the SPI asks.
 *     A batch that outgrows 16 MiB (a snapshot restore) is written ahead in frames marked
 *     "continued", which count only with the batch's final frame, so the writer's buffer stays
 *     bounded whatever the batch size.</li>
 * <li><b>Index in memory, values on disk.</b> Each bucket's keys live in a
 *     {@link etcetera.storage.file.KeyTree} with the offset and length of each value.
 *     Values are copied out of read-only memory mappings of the file
 *     ({@link etcetera.storage.file.ChunkMapping}: 64 MiB chunks, so that growth remaps only
 *     the last one; reference counted, so a chunk is unmapped the moment no reader can use it,
 *     not when the collector gets round to it); the last megabyte or so committed since the
 *     last remap is read with positional reads. A scan of 1000 entries costs tens of
 *     microseconds instead of a system call per value.
 *     Memory grows with the number and size of keys, not of values; the index is rebuilt by
 *     replaying the log on open ({@link etcetera.storage.file.LogReplay}).</li>
 * <li><b>Copy-on-write B+tree, not a versioned skip list.</b> Readers get an immutable root per
 *     bucket ({@link etcetera.storage.file.Committed}) with one volatile read: a snapshot is
 *     free, lives as long as the reader holds it, and the garbage collector reclaims old
 *     versions — no read sequence numbers, version chains or tombstone cleanup, and no
 *     per-entry filtering in scans. The writer changes nodes in place while they are still
 *     private to the current unit and copies a published node only the first time it touches
 *     it, so a batch of appends copies just the rightmost path once. Splits at the right end
 *     leave the left leaf full, so ever-growing revision keys pack leaves completely.</li>
 * <li><b>Defragment rewrites live data only.</b> It writes every live entry, in key order, to
 *     {@code data.log.compact}, forces it, renames it over {@code data.log} and forces the
 *     directory; a crash leaves either the old or the new file whole. Readers that were open
 *     keep reading the old file, which stays open (reference counted in
 *     {@link etcetera.storage.file.DataFile}) until the last of them closes.</li>
 * </ul>
 * {@code size()} is the length of the log; {@code sizeInUse()} the bytes the live records
 * would take in a freshly defragmented file (a lower bound). A {@code LOCK} file, held with
 * an OS file lock, keeps a second backend off the directory.
 *
 * <h2>Known limits</h2>
 * Keys of every bucket must fit in the heap; the log grows until defragmented (the server
 * defragments on request, as etcd does); renaming over an open file needs a POSIX file system.
 */
package etcetera.storage.file;
