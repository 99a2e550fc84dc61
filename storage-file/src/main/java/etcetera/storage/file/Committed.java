package etcetera.storage.file;

import java.util.Map;

/**
 * One committed state of the backend, as readers see it: the data file, how much of it is
 * committed, and the frozen index of every bucket. Immutable; published to readers through a
 * volatile field, so any thread may read it.
 *
 * @param file the data file the index points into
 * @param end the file offset just past the last committed batch
 * @param buckets the buckets by name, sorted by name
 * @param nextBucketId the id the next created bucket gets in the file's records
 * @param liveBytes the bytes the live records would take in a freshly written file
 */
record Committed(DataFile file, long end, Map<String, BucketRoot> buckets, int nextBucketId, long liveBytes) {

    /**
     * A frozen bucket index.
     *
     * @param id the bucket's id in the records of the current data file
     * @param root the root of its {@link KeyTree}, or null when empty
     * @param count the number of entries
     * @param bytes the bytes its records take (see {@link LogFormat#putRecordSize})
     */
    record BucketRoot(String name, int id, KeyTree.Node root, long count, long bytes) {
    }
}
