package etcetera.storage.file;

import java.util.Arrays;

/**
 * The in-memory ordered index of one bucket: a persistent (copy-on-write) B+tree from key to
 * the location of its value in the data file.
 *
 * <p>A tree reachable from a published {@link Committed} state is never changed again, so any
 * number of readers walk it without locks. The writer changes a tree through an {@link Edit}:
 * a node created under the edit's current token is changed in place, any other node is copied
 * first (path copying). Within one atomic unit the writer therefore copies each touched node
 * at most once, and appending at the right end — the common case for MVCC revision keys —
 * touches only the rightmost path. {@link Edit#seal()} starts a new token after a commit, so
 * the nodes just published are frozen from then on.
 *
 * <p>Keys are compared as unsigned bytes. Nodes hold at most {@link #MAX} entries; a node that
 * shrinks below {@link #MIN} after a delete is merged with a neighbour when both fit in one.
 * Stateless: all methods are static; thread ownership is that of the {@link Edit} passed in.
 */
final class KeyTree {

    static final int MAX = 64;
    static final int MIN = MAX / 4;

    private KeyTree() {
    }

    /** A tree node; {@code keys[0..size)} are its keys (in a branch, {@code keys[0]} is unused). */
    abstract static sealed class Node permits Leaf, Branch {
        final Object token;
        final byte[][] keys;
        int size;

        Node(Object token, byte[][] keys, int size) {
            this.token = token;
            this.keys = keys;
            this.size = size;
        }
    }

    /** Keys with the file offset and length of their values. */
    static final class Leaf extends Node {
        final long[] offsets;
        final int[] lengths;

        Leaf(Object token) {
            super(token, new byte[MAX][], 0);
            this.offsets = new long[MAX];
            this.lengths = new int[MAX];
        }

        Leaf(Object token, Leaf from) {
            super(token, from.keys.clone(), from.size);
            this.offsets = from.offsets.clone();
            this.lengths = from.lengths.clone();
        }

        Leaf editable(Object edit) {
            return token == edit ? this : new Leaf(edit, this);
        }
    }

    /** Children; {@code keys[i]} (i >= 1) is a lower bound of child i and above every key of child i-1. */
    static final class Branch extends Node {
        final Node[] children;

        Branch(Object token) {
            super(token, new byte[MAX][], 0);
            this.children = new Node[MAX];
        }

        Branch(Object token, Branch from) {
            super(token, from.keys.clone(), from.size);
            this.children = from.children.clone();
        }

        Branch editable(Object edit) {
            return token == edit ? this : new Branch(edit, this);
        }
    }

    /**
     * The writer's handle for changing trees: the token that marks nodes it may change in place,
     * and the outputs of the last operation. Owned by the writer thread.
     */
    static final class Edit {
        Object token = new Object();
        /** Whether the last put replaced, or the last remove removed, an entry. */
        boolean found;
        /** The value length of the entry the last put replaced or remove removed. */
        int oldLength;
        private Node splitRight;
        private byte[] splitKey;

        /** Freezes every node changed so far: later changes copy them. */
        void seal() {
            token = new Object();
        }
    }

    /** Receives index entries of a scan; returns false to stop. */
    @FunctionalInterface
    interface EntryLocationVisitor {
        boolean visit(byte[] key, long offset, int length);
    }

    // ------------------------------------------------------------------ reading

    /** The leaf that holds {@code key} at the index returned through {@code slot}, or null. */
    static Leaf find(Node root, byte[] key, int[] slot) {
        Node node = root;
        if (node == null) {
            return null;
        }
        while (node instanceof Branch branch) {
            node = branch.children[childIndex(branch, key)];
        }
        Leaf leaf = (Leaf) node;
        int i = search(leaf.keys, 0, leaf.size, key);
        if (i < 0) {
            return null;
        }
        slot[0] = i;
        return leaf;
    }

    /** Visits entries with {@code from <= key < to} ({@code to == null}: no upper bound); false if stopped. */
    static boolean scan(Node node, byte[] from, byte[] to, boolean reverse, EntryLocationVisitor visitor) {
        if (node == null) {
            return true;
        }
        if (node instanceof Leaf leaf) {
            int lo = lowerBound(leaf.keys, 0, leaf.size, from);
            int hi = to == null ? leaf.size : lowerBound(leaf.keys, 0, leaf.size, to);
            if (reverse) {
                for (int i = hi - 1; i >= lo; i--) {
                    if (!visitor.visit(leaf.keys[i], leaf.offsets[i], leaf.lengths[i])) {
                        return false;
                    }
                }
            } else {
                for (int i = lo; i < hi; i++) {
                    if (!visitor.visit(leaf.keys[i], leaf.offsets[i], leaf.lengths[i])) {
                        return false;
                    }
                }
            }
            return true;
        }
        Branch branch = (Branch) node;
        int lo = childIndex(branch, from);
        int hi = to == null ? branch.size - 1 : Math.max(0, lowerBound(branch.keys, 1, branch.size, to) - 1);
        if (reverse) {
            for (int c = hi; c >= lo; c--) {
                if (!scan(branch.children[c], from, to, true, visitor)) {
                    return false;
                }
            }
        } else {
            for (int c = lo; c <= hi; c++) {
                if (!scan(branch.children[c], from, to, false, visitor)) {
                    return false;
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ writing

    /** Puts {@code key} (which the tree keeps: the caller gives it up); returns the new root. */
    static Node put(Edit edit, Node root, byte[] key, long offset, int length) {
        edit.found = false;
        edit.splitRight = null;
        if (root == null) {
            Leaf leaf = new Leaf(edit.token);
            leaf.keys[0] = key;
            leaf.offsets[0] = offset;
            leaf.lengths[0] = length;
            leaf.size = 1;
            return leaf;
        }
        Node node = insert(edit, root, key, offset, length);
        if (edit.splitRight == null) {
            return node;
        }
        Branch top = new Branch(edit.token);
        top.children[0] = node;
        top.children[1] = edit.splitRight;
        top.keys[1] = edit.splitKey;
        top.size = 2;
        edit.splitRight = null;
        return top;
    }

    /** Removes {@code key} if present ({@link Edit#found} says); returns the new root. */
    static Node remove(Edit edit, Node root, byte[] key) {
        edit.found = false;
        if (root == null) {
            return null;
        }
        Node node = delete(edit, root, key);
        if (!edit.found) {
            return root;
        }
        if (node.size == 0) {
            return null;
        }
        while (node instanceof Branch branch && branch.size == 1) {
            node = branch.children[0];
        }
        return node;
    }

    private static Node insert(Edit edit, Node node, byte[] key, long offset, int length) {
        if (node instanceof Leaf leaf) {
            int i = search(leaf.keys, 0, leaf.size, key);
            if (i >= 0) {
                edit.found = true;
                edit.oldLength = leaf.lengths[i];
                Leaf w = leaf.editable(edit.token);
                w.offsets[i] = offset;
                w.lengths[i] = length;
                return w;
            }
            int at = -i - 1;
            Leaf w = leaf.editable(edit.token);
            if (w.size < MAX) {
                insertEntry(w, at, key, offset, length);
                return w;
            }
            // Full: split. Appending at the end leaves the left node full, so that keys that
            // only ever grow (MVCC revisions) pack leaves completely instead of half.
            int leftSize = at == MAX ? MAX : (MAX + 1) / 2;
            Leaf right = new Leaf(edit.token);
            int moved = MAX - leftSize;
            System.arraycopy(w.keys, leftSize, right.keys, 0, moved);
            System.arraycopy(w.offsets, leftSize, right.offsets, 0, moved);
            System.arraycopy(w.lengths, leftSize, right.lengths, 0, moved);
            Arrays.fill(w.keys, leftSize, MAX, null);
            right.size = moved;
            w.size = leftSize;
            if (at <= leftSize && at != MAX) {
                insertEntry(w, at, key, offset, length);
            } else {
                insertEntry(right, at - leftSize, key, offset, length);
            }
            edit.splitRight = right;
            edit.splitKey = right.keys[0];
            return w;
        }
        Branch branch = (Branch) node;
        int c = childIndex(branch, key);
        Node child = insert(edit, branch.children[c], key, offset, length);
        Node split = edit.splitRight;
        byte[] splitKey = edit.splitKey;
        edit.splitRight = null;
        Branch w = branch.editable(edit.token);
        w.children[c] = child;
        if (split == null) {
            return w;
        }
        int at = c + 1;
        if (w.size < MAX) {
            insertChild(w, at, splitKey, split);
            return w;
        }
        int leftSize = at == MAX ? MAX : (MAX + 1) / 2;
        Branch right = new Branch(edit.token);
        int moved = MAX - leftSize;
        System.arraycopy(w.keys, leftSize, right.keys, 0, moved);
        System.arraycopy(w.children, leftSize, right.children, 0, moved);
        Arrays.fill(w.keys, leftSize, MAX, null);
        Arrays.fill(w.children, leftSize, MAX, null);
        right.size = moved;
        w.size = leftSize;
        if (at <= leftSize && at != MAX) {
            insertChild(w, at, splitKey, split);
        } else {
            insertChild(right, at - leftSize, splitKey, split);
        }
        // The first key of the right node moves up as the separator.
        edit.splitKey = right.keys[0];
        right.keys[0] = null;
        edit.splitRight = right;
        return w;
    }

    private static void insertEntry(Leaf w, int at, byte[] key, long offset, int length) {
        int tail = w.size - at;
        System.arraycopy(w.keys, at, w.keys, at + 1, tail);
        System.arraycopy(w.offsets, at, w.offsets, at + 1, tail);
        System.arraycopy(w.lengths, at, w.lengths, at + 1, tail);
        w.keys[at] = key;
        w.offsets[at] = offset;
        w.lengths[at] = length;
        w.size++;
    }

    private static void insertChild(Branch w, int at, byte[] key, Node child) {
        int tail = w.size - at;
        System.arraycopy(w.keys, at, w.keys, at + 1, tail);
        System.arraycopy(w.children, at, w.children, at + 1, tail);
        w.keys[at] = key;
        w.children[at] = child;
        w.size++;
    }

    private static Node delete(Edit edit, Node node, byte[] key) {
        if (node instanceof Leaf leaf) {
            int i = search(leaf.keys, 0, leaf.size, key);
            if (i < 0) {
                return leaf;
            }
            edit.found = true;
            edit.oldLength = leaf.lengths[i];
            Leaf w = leaf.editable(edit.token);
            int tail = w.size - i - 1;
            System.arraycopy(w.keys, i + 1, w.keys, i, tail);
            System.arraycopy(w.offsets, i + 1, w.offsets, i, tail);
            System.arraycopy(w.lengths, i + 1, w.lengths, i, tail);
            w.size--;
            w.keys[w.size] = null;
            return w;
        }
        Branch branch = (Branch) node;
        int c = childIndex(branch, key);
        Node child = delete(edit, branch.children[c], key);
        if (!edit.found) {
            return branch;
        }
        Branch w = branch.editable(edit.token);
        if (child.size == 0) {
            removeChild(w, c);
            return w;
        }
        w.children[c] = child;
        if (child.size < MIN && w.size > 1) {
            int left = c > 0 ? c - 1 : 0;
            int right = left + 1;
            if (w.children[left].size + w.children[right].size <= MAX) {
                w.children[left] = merge(edit, w.children[left], w.children[right], w.keys[right]);
                removeChild(w, right);
            }
        }
        return w;
    }

    private static void removeChild(Branch w, int c) {
        int tail = w.size - c - 1;
        System.arraycopy(w.keys, c + 1, w.keys, c, tail);
        System.arraycopy(w.children, c + 1, w.children, c, tail);
        w.size--;
        w.keys[w.size] = null;
        w.children[w.size] = null;
        w.keys[0] = null;
    }

    private static Node merge(Edit edit, Node left, Node right, byte[] separator) {
        if (left instanceof Leaf l) {
            Leaf r = (Leaf) right;
            Leaf w = l.editable(edit.token);
            System.arraycopy(r.keys, 0, w.keys, w.size, r.size);
            System.arraycopy(r.offsets, 0, w.offsets, w.size, r.size);
            System.arraycopy(r.lengths, 0, w.lengths, w.size, r.size);
            w.size += r.size;
            return w;
        }
        Branch r = (Branch) right;
        Branch w = ((Branch) left).editable(edit.token);
        System.arraycopy(r.keys, 0, w.keys, w.size, r.size);
        System.arraycopy(r.children, 0, w.children, w.size, r.size);
        w.keys[w.size] = separator;
        w.size += r.size;
        return w;
    }

    // ------------------------------------------------------------------ searching

    /** The child of {@code branch} whose range holds {@code key}. */
    private static int childIndex(Branch branch, byte[] key) {
        // the number of separators keys[1..size) that are <= key
        int lo = 1;
        int hi = branch.size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(branch.keys[mid], key) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    /** The first index in [lo, hi) whose key is >= {@code key}, or hi. */
    private static int lowerBound(byte[][] keys, int lo, int hi, byte[] key) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(keys[mid], key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The index of {@code key} in [lo, hi), or {@code -(insertion point) - 1}. */
    private static int search(byte[][] keys, int lo, int hi, byte[] key) {
        int at = lowerBound(keys, lo, hi, key);
        if (at < hi && Arrays.equals(keys[at], key)) {
            return at;
        }
        return -at - 1;
    }
}
