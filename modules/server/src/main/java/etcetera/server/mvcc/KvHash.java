package etcetera.server.mvcc;

/**
 * The answer to {@link MvccStore#hashKV(long)} (etcd's HashKV).
 *
 * @param hash CRC-32C (unsigned, in the low 32 bits) of the key bucket up to the asked revision
 * @param currentRevision the committed revision when it was computed
 * @param compactRevision the compaction revision then, -1 if never compacted
 */
public record KvHash(long hash, long currentRevision, long compactRevision) {
}
