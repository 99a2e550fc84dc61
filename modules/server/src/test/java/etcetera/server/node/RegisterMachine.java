package etcetera.server.node;

import etcetera.raft.Entry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test state machine: the list of applied payloads (as strings) and the applied index. Its
 * snapshot image is the applied index and the list, one per line. Applied on the apply thread;
 * read by the test thread through the copy-on-write list.
 */
final class RegisterMachine implements StateMachine {

    final List<String> applied = new CopyOnWriteArrayList<>();
    private volatile long appliedIndex;
    private volatile long committedIndex;

    @Override
    public long appliedIndex() {
        return committedIndex;
    }

    @Override
    public Outcome apply(Entry entry) {
        appliedIndex = entry.index();
        if (entry.data().length == 0) {
            return Outcome.of(0, null);
        }
        String value = new String(entry.data(), StandardCharsets.UTF_8);
        applied.add(value);
        int colon = value.indexOf(':');
        long requestId = colon > 0 ? Long.parseLong(value.substring(0, colon)) : 0;
        return Outcome.of(requestId, entry.index());
    }

    @Override
    public void commit(long index) {
        committedIndex = index;
    }

    @Override
    public void sync() {
    }

    void writeImage(OutputStream out) {
        try {
            StringBuilder text = new StringBuilder().append(committedIndex).append('\n');
            for (String value : applied) {
                text.append(value).append('\n');
            }
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void restore(Path image) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(image));
            long index = Long.parseLong(lines.removeFirst());
            applied.clear();
            applied.addAll(lines);
            appliedIndex = index;
            committedIndex = index;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
