package etcetera.robustness.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Saves and loads a {@link History} as JSON lines, so that a failing run can be kept and checked
 * again. One flat JSON object per line: {@code {"op":...}} for an operation,
 * {@code {"watch":...}} introducing a watcher, {@code {"segment":...}} opening one of its stream segments, {@code {"event":...}} for an event of the
 * segment opened last by the same watcher. The format is fixed and flat, so a small
 * hand-written writer and reader suffice. Stateless.
 */
public final class HistoryFile {

    private HistoryFile() {}

    public static void write(History history, Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines(history)) {
                out.write(line);
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static History read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> lines(History history) {
        List<String> lines = new ArrayList<>();
        for (Operation op : history.operations()) {
            lines.add(json(operationFields(op)));
        }
        for (WatchRecord watch : history.watches()) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("watch", watch.watcher());
            w.put("prefix", watch.prefix());
            w.put("coversAllWrites", watch.coversAllWrites());
            lines.add(json(w));
            int index = 0;
            for (WatchSegment segment : watch.segments()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("segment", index);
                s.put("watcher", watch.watcher());
                s.put("start", segment.startRevision());
                lines.add(json(s));
                for (WatchEvent event : segment.events()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("event", event.type().name());
                    e.put("watcher", watch.watcher());
                    e.put("key", event.key());
                    event.value().ifPresent(v -> e.put("value", v));
                    e.put("modRevision", event.modRevision());
                    lines.add(json(e));
                }
                index++;
            }
        }
        return lines;
    }

    public static History parse(List<String> lines) {
        List<Operation> operations = new ArrayList<>();
        Map<Integer, WatchBuilder> watches = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String line : lines) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> f;
            try {
                f = new FlatJson(line).object();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage(), e);
            }
            if (f.containsKey("op")) {
                operations.add(operation(f));
            } else if (f.containsKey("watch")) {
                int watcher = (int) number(f, "watch");
                watches.put(watcher, new WatchBuilder(watcher, string(f, "prefix"), Boolean.TRUE.equals(f.get("coversAllWrites"))));
            } else if (f.containsKey("segment")) {
                WatchBuilder w = watches.get((int) number(f, "watcher"));
                if (w == null) {
                    throw new IllegalArgumentException("line " + lineNumber + ": segment before its watch");
                }
                w.segments.add(new SegmentBuilder(number(f, "start")));
            } else if (f.containsKey("event")) {
                WatchBuilder w = watches.get((int) number(f, "watcher"));
                if (w == null || w.segments.isEmpty()) {
                    throw new IllegalArgumentException("line " + lineNumber + ": event before its watch segment");
                }
                w.segments.getLast().events.add(new WatchEvent(WatchEvent.Type.valueOf(string(f, "event")), string(f, "key"),
                        Optional.ofNullable((String) f.get("value")), number(f, "modRevision")));
            } else {
                throw new IllegalArgumentException("line " + lineNumber + ": neither an op, a segment nor an event");
            }
        }
        List<WatchRecord> records = watches.values().stream()
                .map(w -> new WatchRecord(w.watcher, w.prefix, w.coversAllWrites,
                        w.segments.stream().map(s -> new WatchSegment(s.start, s.events)).toList()))
                .toList();
        return new History(operations, records);
    }

    private record WatchBuilder(int watcher, String prefix, boolean coversAllWrites, List<SegmentBuilder> segments) {
        WatchBuilder(int watcher, String prefix, boolean coversAllWrites) {
            this(watcher, prefix, coversAllWrites, new ArrayList<>());
        }
    }

    private record SegmentBuilder(long start, List<WatchEvent> events) {
        SegmentBuilder(long start) {
            this(start, new ArrayList<>());
        }
    }

    private static Map<String, Object> operationFields(Operation op) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("op", op.id());
        f.put("client", op.client());
        f.put("invoked", op.invokedNanos());
        f.put("completed", op.completedNanos());
        switch (op.request()) {
            case Request.Put p -> {
                f.put("kind", "put");
                f.put("key", p.key());
                f.put("value", p.value());
            }
            case Request.Get g -> {
                f.put("kind", "get");
                f.put("key", g.key());
                f.put("serializable", g.serializable());
            }
            case Request.Delete d -> {
                f.put("kind", "delete");
                f.put("key", d.key());
            }
            case Request.Cas c -> {
                f.put("kind", "cas");
                f.put("key", c.key());
                f.put("value", c.value());
                switch (c.compare()) {
                    case Request.ValueEquals v -> f.put("expectedValue", v.value());
                    case Request.ModRevisionEquals m -> f.put("expectedModRevision", m.modRevision());
                }
            }
        }
        switch (op.outcome()) {
            case Outcome.Ok(Response r) -> {
                f.put("outcome", "ok");
                f.put("revision", r.revision());
                switch (op.request()) {
                    case Request.Get g -> {
                        r.value().ifPresent(v -> f.put("result", v));
                        f.put("modRevision", r.modRevision());
                    }
                    case Request.Delete d -> f.put("deleted", r.deleted());
                    case Request.Cas c -> f.put("succeeded", r.succeeded());
                    case Request.Put p -> { }
                }
            }
            case Outcome.Failed(String e) -> {
                f.put("outcome", "failed");
                f.put("error", e);
            }
            case Outcome.Unknown(String e) -> {
                f.put("outcome", "unknown");
                f.put("error", e);
            }
        }
        return f;
    }

    private static Operation operation(Map<String, Object> f) {
        String key = string(f, "key");
        Request request = switch (string(f, "kind")) {
            case "put" -> new Request.Put(key, string(f, "value"));
            case "get" -> new Request.Get(key, Boolean.TRUE.equals(f.get("serializable")));
            case "delete" -> new Request.Delete(key);
            case "cas" -> new Request.Cas(key, f.containsKey("expectedValue")
                    ? new Request.ValueEquals(string(f, "expectedValue"))
                    : new Request.ModRevisionEquals(number(f, "expectedModRevision")), string(f, "value"));
            default -> throw new IllegalArgumentException("unknown kind " + f.get("kind"));
        };
        Outcome outcome = switch (string(f, "outcome")) {
            case "ok" -> new Outcome.Ok(switch (request) {
                case Request.Put p -> Response.put(number(f, "revision"));
                case Request.Get g -> Response.get(number(f, "revision"), Optional.ofNullable((String) f.get("result")), number(f, "modRevision"));
                case Request.Delete d -> Response.delete(number(f, "revision"), number(f, "deleted"));
                case Request.Cas c -> Response.cas(number(f, "revision"), Boolean.TRUE.equals(f.get("succeeded")));
            });
            case "failed" -> new Outcome.Failed(string(f, "error"));
            case "unknown" -> new Outcome.Unknown(string(f, "error"));
            default -> throw new IllegalArgumentException("unknown outcome " + f.get("outcome"));
        };
        return new Operation(number(f, "op"), (int) number(f, "client"), request, number(f, "invoked"), number(f, "completed"), outcome);
    }

    private static String string(Map<String, Object> f, String name) {
        if (!(f.get(name) instanceof String s)) {
            throw new IllegalArgumentException("field " + name + " missing or not a string");
        }
        return s;
    }

    private static long number(Map<String, Object> f, String name) {
        if (!(f.get(name) instanceof Long n)) {
            throw new IllegalArgumentException("field " + name + " missing or not an integer");
        }
        return n;
    }

    static String json(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(out, e.getKey());
            out.append(':');
            switch (e.getValue()) {
                case String s -> quote(out, s);
                case Number n -> out.append(n.longValue());
                case Boolean b -> out.append(b);
                default -> throw new IllegalArgumentException("unsupported value " + e.getValue());
            }
        }
        return out.append('}').toString();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A reader of one flat JSON object whose values are strings, integers, booleans or null. */
    private static final class FlatJson {
        private final String text;
        private int at;

        FlatJson(String text) {
            this.text = text;
        }

        Map<String, Object> object() {
            Map<String, Object> fields = new LinkedHashMap<>();
            skipSpace();
            expect('{');
            skipSpace();
            if (peek() == '}') {
                at++;
                return fields;
            }
            while (true) {
                skipSpace();
                String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                Object value = value();
                if (value != null) {
                    fields.put(name, value);
                }
                skipSpace();
                char c = next();
                if (c == '}') {
                    return fields;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or } at " + (at - 1));
                }
            }
        }

        private Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (text.startsWith("true", at)) {
                at += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("false", at)) {
                at += 5;
                return Boolean.FALSE;
            }
            if (text.startsWith("null", at)) {
                at += 4;
                return null;
            }
            int start = at;
            if (c == '-') {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            if (start == at) {
                throw new IllegalArgumentException("unexpected character at " + at);
            }
            return Long.parseLong(text.substring(start, at));
        }

        private String string() {
            expect('"');
            StringBuilder s = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return s.toString();
                }
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw new IllegalArgumentException("truncated escape");
                        }
                        s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> s.append(e);
                }
            }
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private char peek() {
            if (at >= text.length()) {
                throw new IllegalArgumentException("unexpected end of line");
            }
            return text.charAt(at);
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c + " at " + (at - 1));
            }
        }
    }
}
