package etcetera.server.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Formats values the way Go's {@code %q} verb does, so that our messages read exactly like
 * etcd's (scripts and operators grep for them). Stateless.
 */
final class GoText {

    private GoText() {
    }

    /** {@code "text"} with Go's escapes for quotes, backslashes and control characters. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A string slice as {@code %q} prints it: {@code ["a" "b"]}. */
    static String quoteList(List<String> values) {
        return values.stream().map(GoText::quote).collect(Collectors.joining(" ", "[", "]"));
    }
}
