/**
 * The pure-Java storage engine: an append-only log of committed batches with an in-memory,
 * multi-versioned index.
 *
 * <p>Why this design for MVCC: etcd's keys in the main bucket are revisions, which grow
 * monotonically, so almost every write is an append at the end of the key space and most
 * reads are of recent data. An append-only log turns every commit into one sequential write
 * (and one fsync when asked), never rewriting pages as a B-tree would; compaction deletes
 * become tombstone records, and {@link etcetera.api.storage.Backend#defragment} rewrites only
 * the live data. Each commit is one CRC-framed record, so a torn write at the tail is detected
 * and cut off on open and a commit is all-or-nothing.
 *
 * <p>Readers never block the writer: every key keeps a short chain of versions tagged with the
 * commit sequence that wrote them; a reader fixes its sequence when it opens and ignores newer
 * versions; versions no open reader can see are dropped as keys are rewritten.
 *
 * <p>Limits of this first version: the live data set is held in memory (keys and values);
 * the file is read only on open. Reading values from the file by offset is the next step for
 * data sets larger than the heap.
 */
package etcetera.storage.file;
