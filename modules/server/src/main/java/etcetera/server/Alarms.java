package etcetera.server;

import etcetera.wire.etcdserverpb.AlarmMember;
import etcetera.wire.etcdserverpb.AlarmRequest;
import etcetera.wire.etcdserverpb.AlarmType;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The raised alarms of the cluster (NOSPACE when the backend quota is exceeded, CORRUPT).
 * While NOSPACE is raised, writes that add data are refused with etcd's "database space
 * exceeded" until an operator frees space (compact, defrag) and disarms it. Thread-safe.
 */
final class Alarms {

    private static final Logger LOG = System.getLogger("etcdserver");

    private record Raised(long memberId, AlarmType type) {
    }

    private final Set<Raised> raised = ConcurrentHashMap.newKeySet();

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

    void raise(long memberId, AlarmType type) {
        if (raised.add(new Raised(memberId, type))) {
            LOG.log(Level.WARNING, "alarm raised alarm=" + type + " member-id=" + Long.toHexString(memberId)
                    + (type == AlarmType.NOSPACE ? "; writes are refused until space is freed (compact, defrag) and the alarm is disarmed (etcdctl alarm disarm)" : ""));
        }
    }

    /** Carries out an Alarm request and returns the alarms it concerns, as etcd does. */
    List<AlarmMember> handle(AlarmRequest request) {
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

    List<String> describe() {
        return raised.stream().map(a -> "memberID:" + Long.toUnsignedString(a.memberId()) + " alarm:" + a.type()).toList();
    }

    private static AlarmMember member(long memberId, AlarmType type) {
        return AlarmMember.newBuilder().setMemberID(memberId).setAlarm(type).build();
    }
}
