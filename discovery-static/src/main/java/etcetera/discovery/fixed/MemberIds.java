package etcetera.discovery.fixed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Computes member and cluster IDs exactly as etcd 3.4 does, so that a cluster bootstrapped by
 * Etcetera from the same flags has the same IDs as one bootstrapped by etcd (and the two can be
 * mixed). A member ID is the first 8 bytes, big-endian, of the SHA-1 of its sorted peer URLs
 * concatenated, followed by the cluster token. The cluster ID is the same over the members'
 * IDs, sorted as unsigned numbers, each as 8 big-endian bytes. Stateless.
 */
final class MemberIds {

    private MemberIds() {
    }

    /** @param sortedPeerUrls the member's peer URLs in etcd's text form, sorted */
    static long memberId(List<String> sortedPeerUrls, String clusterToken) {
        MessageDigest sha1 = sha1();
        for (String url : sortedPeerUrls) {
            sha1.update(url.getBytes(StandardCharsets.UTF_8));
        }
        sha1.update(clusterToken.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(sha1.digest()).getLong();
    }

    /** @param memberIds the members' IDs, in any order */
    static long clusterId(List<Long> memberIds) {
        ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES * memberIds.size());
        memberIds.stream().sorted(Long::compareUnsigned).forEach(bytes::putLong);
        return ByteBuffer.wrap(sha1().digest(bytes.array())).getLong();
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-1", e);
        }
    }
}
