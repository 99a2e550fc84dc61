package etcetera.server;

import java.nio.ByteBuffer;

/**
 * Who this member is: its member ID and its cluster's ID, stored as the WAL's metadata so
 * that a restart uses them and ignores the initial-cluster flags, as etcd does.
 */
record MemberIdentity(long memberId, long clusterId) {

    private static final int VERSION = 1;

    byte[] encode() {
        return ByteBuffer.allocate(20).putInt(VERSION).putLong(memberId).putLong(clusterId).array();
    }

    static MemberIdentity decode(byte[] metadata) {
        ByteBuffer buffer = ByteBuffer.wrap(metadata);
        if (metadata.length != 20 || buffer.getInt() != VERSION) {
            throw new IllegalStateException("the WAL metadata is not an Etcetera member identity (" + metadata.length + " bytes)");
        }
        return new MemberIdentity(buffer.getLong(), buffer.getLong());
    }

    String memberHex() {
        return Long.toHexString(memberId);
    }

    String clusterHex() {
        return Long.toHexString(clusterId);
    }
}
