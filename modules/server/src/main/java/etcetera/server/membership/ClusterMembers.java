package etcetera.server.membership;

import com.google.protobuf.InvalidProtocolBufferException;
import etcetera.api.storage.Backend;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.WriteBatch;
import etcetera.wire.etcdserverpb.Member;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The members of the cluster and the IDs of removed ones. Changed only by the apply thread
 * (committed membership changes and members publishing their attributes), each change written
 * to the {@code members} and {@code members_removed} buckets in the apply batch; read by any
 * thread from an immutable copy.
 */
public final class ClusterMembers {

    static final String MEMBERS_BUCKET = "members";
    static final String REMOVED_BUCKET = "members_removed";

    private record View(Map<Long, Member> members, Set<Long> removed) {
    }

    private volatile View view = new View(Map.of(), Set.of());

    /** Loads the membership the backend holds (empty for a new member). */
    public void load(Backend backend) {
        Map<Long, Member> members = new TreeMap<>(Long::compareUnsigned);
        Set<Long> removed = new HashSet<>();
        try (ReadTxn txn = backend.read()) {
            List<String> buckets = txn.buckets();
            if (buckets.contains(MEMBERS_BUCKET)) {
                txn.scan(MEMBERS_BUCKET, new byte[0], null, false, (key, value) -> {
                    Member m = decode(value);
                    members.put(m.getID(), m);
                    return true;
                });
            }
            if (buckets.contains(REMOVED_BUCKET)) {
                txn.scan(REMOVED_BUCKET, new byte[0], null, false, (key, value) -> {
                    removed.add(Long.parseUnsignedLong(new String(key, StandardCharsets.US_ASCII), 16));
                    return true;
                });
            }
        }
        view = new View(Map.copyOf(members), Set.copyOf(removed));
    }

    /** The members, ordered by ID as etcd lists them. */
    public List<Member> members() {
        return view.members().values().stream().sorted(Comparator.comparing(Member::getID, Long::compareUnsigned)).toList();
    }

    public Optional<Member> member(long id) {
        return Optional.ofNullable(view.members().get(id));
    }

    public boolean isRemoved(long id) {
        return view.removed().contains(id);
    }

    public Set<Long> removed() {
        return view.removed();
    }

    /** Whether any member other than {@code except} already uses one of {@code peerUrls}. */
    public boolean peerUrlsInUse(Collection<String> peerUrls, long except) {
        for (Member m : view.members().values()) {
            if (m.getID() != except && m.getPeerURLsList().stream().anyMatch(peerUrls::contains)) {
                return true;
            }
        }
        return false;
    }

    /** Adds a member, or replaces the one with the same ID (apply thread). */
    public void add(Member member, Supplier<WriteBatch> batch) {
        Member kept = member;
        Member existing = view.members().get(member.getID());
        if (existing != null && member.getName().isEmpty() && member.getClientURLsCount() == 0) {
            // a re-applied add must not erase attributes the member has published since
            kept = member.toBuilder().setName(existing.getName()).addAllClientURLs(existing.getClientURLsList()).build();
        }
        put(kept, batch);
    }

    /** Removes a member and remembers its ID forever (apply thread). */
    public void remove(long id, Supplier<WriteBatch> batch) {
        WriteBatch b = batch.get();
        b.createBucket(MEMBERS_BUCKET);
        b.createBucket(REMOVED_BUCKET);
        b.delete(MEMBERS_BUCKET, key(id));
        b.put(REMOVED_BUCKET, key(id), new byte[] {1});
        Map<Long, Member> members = new TreeMap<>(view.members());
        members.remove(id);
        Set<Long> removed = new HashSet<>(view.removed());
        removed.add(id);
        view = new View(Map.copyOf(members), Set.copyOf(removed));
    }

    /** Changes a member's peer URLs (apply thread). */
    public void updatePeerUrls(long id, List<String> peerUrls, Supplier<WriteBatch> batch) {
        Member existing = view.members().get(id);
        if (existing != null) {
            put(existing.toBuilder().clearPeerURLs().addAllPeerURLs(peerUrls).build(), batch);
        }
    }

    /** Makes a learner a voter (apply thread). */
    public void promote(long id, Supplier<WriteBatch> batch) {
        Member existing = view.members().get(id);
        if (existing != null) {
            put(existing.toBuilder().setIsLearner(false).build(), batch);
        }
    }

    /** Records the name and client URLs a started member published (apply thread). */
    public void publish(long id, String name, List<String> clientUrls, Supplier<WriteBatch> batch) {
        Member existing = view.members().get(id);
        if (existing != null) {
            put(existing.toBuilder().setName(name).clearClientURLs().addAllClientURLs(clientUrls).build(), batch);
        }
    }

    private void put(Member member, Supplier<WriteBatch> batch) {
        WriteBatch b = batch.get();
        b.createBucket(MEMBERS_BUCKET);
        b.put(MEMBERS_BUCKET, key(member.getID()), member.toByteArray());
        Map<Long, Member> members = new TreeMap<>(view.members());
        members.put(member.getID(), member);
        view = new View(Map.copyOf(members), view.removed());
    }

    private static byte[] key(long id) {
        return Long.toHexString(id).getBytes(StandardCharsets.US_ASCII);
    }

    /** Decodes a member as carried in a membership change's context or the backend. */
    public static Member decode(byte[] bytes) {
        try {
            return Member.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored member record does not decode: " + e.getMessage(), e);
        }
    }
}
