package etcetera.server.config;

import java.util.List;

/**
 * What the command line asks for: start a node, print something and exit 0 ({@code --help},
 * {@code --version}), or fail with etcd's message and exit 1. Every outcome carries the warnings
 * the caller must log (flags without effect yet, unrecognized {@code ETCD_*} variables, ...).
 */
public sealed interface ParseResult {

    /** Lines to log at warning level before acting on the result. */
    List<String> warnings();

    /** Start a node with {@code config}. */
    record Start(ServerConfig config, List<String> warnings) implements ParseResult {
        public Start {
            warnings = List.copyOf(warnings);
        }
    }

    /** Print {@code text} (it ends with a newline) to standard output and exit with status 0. */
    record Print(String text, List<String> warnings) implements ParseResult {
        public Print {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * The configuration is not acceptable: print {@code message} to standard error (etcd prints
     * {@code error verifying flags, <message>. See 'etcd --help'.}) and exit with status
     * {@link #EXIT_STATUS}.
     */
    record Fail(String message, List<String> warnings) implements ParseResult {
        /** The exit status for any configuration error. */
        public static final int EXIT_STATUS = 1;

        public Fail {
            warnings = List.copyOf(warnings);
        }
    }
}
