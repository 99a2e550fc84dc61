package etcetera.robustness.check;

import java.util.Objects;

/**
 * The sequential model's state of one key: present or not, its value, and the revision of the
 * last write to it ({@link #UNKNOWN} after a write whose outcome, hence revision, is unknown; 0
 * before any write). As etcd does, an absent key compares with mod revision 0. Immutable.
 */
record KeyState(boolean present, String value, long revision) {

    static final long UNKNOWN = -1;
    static final KeyState INITIAL = new KeyState(false, null, 0);

    boolean revisionKnown() {
        return revision != UNKNOWN;
    }

    @Override
    public String toString() {
        return (present ? value : "<absent>") + (revisionKnown() ? " @" + revision : " @?");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyState(boolean p, String v, long r) && p == present && r == revision && Objects.equals(v, value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(present, value, revision);
    }
}
