package etcetera.server;

import com.google.protobuf.InvalidProtocolBufferException;
import etcetera.api.storage.Backend;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.WriteBatch;
import etcetera.wire.etcdserverpb.AlarmMember;
import etcetera.wire.etcdserverpb.AlarmRequest;
import etcetera.wire.etcdserverpb.AlarmType;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The raised alarms of the cluster (NOSPACE when the backend quota is exceeded, CORRUPT).
 * While NOSPACE is raised, writes that add data are refused with etcd's "database space
 * exceeded" until an operator frees space (compact, defrag) and disarms it. Thread-safe.
 */
final class Alarms {

    private static final Logger LOG = System.getLogger("etcdserver");

    private record Raised(long memberId, AlarmType type) {
    }

    private static final String BUCKET = "alarm";

    private final Set<Raised> raised = ConcurrentHashMap.newKeySet();

    /** Loads the alarms the backend holds (they are replicated: raised on one member, seen on all). */
    void load(Backend backend) {
        raised.clear();
        try (ReadTxn txn = backend.read()) {
            if (!txn.buckets().contains(BUCKET)) {
                return;
            }
            txn.scan(BUCKET, new byte[0], null, false, (key, value) -> {
                try {
                    AlarmMember alarm = AlarmMember.parseFrom(key);
                    raised.add(new Raised(alarm.getMemberID(), alarm.getAlarm()));
                } catch (InvalidProtocolBufferException e) {
                    LOG.log(Level.WARNING, "skipping an alarm record that does not decode: " + e.getMessage());
                }
                return true;
            });
        }
    }

    /**
     * Applies a committed Alarm request (apply thread): the change is written to the
     * {@code alarm} bucket in the apply batch, so every member holds the same alarms.
     */
    List<AlarmMember> apply(AlarmRequest request, Supplier<WriteBatch> batch) {
        Set<Raised> before = Set.copyOf(raised);
        List<AlarmMember> answer = handle(request);
        if (!before.equals(raised)) {
            WriteBatch b = batch.get();
            b.createBucket(BUCKET);
            for (Raised gone : before) {
                if (!raised.contains(gone)) {
                    b.delete(BUCKET, member(gone.memberId(), gone.type()).toByteArray());
                }
            }
            for (Raised added : raised) {
                if (!before.contains(added)) {
                    b.put(BUCKET, member(added.memberId(), added.type()).toByteArray(), new byte[0]);
                }
            }
        }
        return answer;
    }

    boolean any() {
        return !raised.isEmpty();
    }

    boolean noSpace() {
        for (Raised alarm : raised) {
            if (alarm.type() == AlarmType.NOSPACE) {
                return true;
            }
        }
        return false;
    }

    private void raise(long memberId, AlarmType type) {
        if (raised.add(new Raised(memberId, type))) {
            LOG.log(Level.WARNING, "alarm raised alarm=" + type + " member-id=" + Long.toHexString(memberId)
                    + (type == AlarmType.NOSPACE ? "; writes are refused until space is freed (compact, defrag) and the alarm is disarmed (etcdctl alarm disarm)" : ""));
        }
    }

    /** Carries out an Alarm request in memory and returns the alarms it concerns, as etcd does. */
    private List<AlarmMember> handle(AlarmRequest request) {
        switch (request.getAction()) {
            case ACTIVATE -> {
                if (request.getAlarm() != AlarmType.NONE) {
                    raise(request.getMemberID(), request.getAlarm());
                }
                return List.of(member(request.getMemberID(), request.getAlarm()));
            }
            case DEACTIVATE -> {
                List<AlarmMember> cleared = raised.stream()
                        .filter(a -> (request.getMemberID() == 0 || a.memberId() == request.getMemberID())
                                && (request.getAlarm() == AlarmType.NONE || a.type() == request.getAlarm()))
                        .map(a -> member(a.memberId(), a.type()))
                        .toList();
                raised.removeIf(a -> (request.getMemberID() == 0 || a.memberId() == request.getMemberID())
                        && (request.getAlarm() == AlarmType.NONE || a.type() == request.getAlarm()));
                for (AlarmMember alarm : cleared) {
                    LOG.log(Level.INFO, "alarm disarmed alarm=" + alarm.getAlarm() + " member-id=" + Long.toHexString(alarm.getMemberID()));
                }
                return cleared;
            }
            default -> {
                return raised.stream().map(a -> member(a.memberId(), a.type())).toList();
            }
        }
    }

    /** Every raised alarm, as an Alarm GET answers. */
    List<AlarmMember> raisedAlarms() {
        return raised.stream().map(a -> member(a.memberId(), a.type())).toList();
    }

    List<String> describe() {
        return raised.stream().map(a -> "memberID:" + Long.toUnsignedString(a.memberId()) + " alarm:" + a.type()).toList();
    }

    private static AlarmMember member(long memberId, AlarmType type) {
        return AlarmMember.newBuilder().setMemberID(memberId).setAlarm(type).build();
    }
}
