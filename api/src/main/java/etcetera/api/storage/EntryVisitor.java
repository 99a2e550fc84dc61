package etcetera.api.storage;

/** Receives the entries of a scan; returns {@code false} to stop it. */
@FunctionalInterface
public interface EntryVisitor {
    boolean visit(byte[] key, byte[] value);
}
