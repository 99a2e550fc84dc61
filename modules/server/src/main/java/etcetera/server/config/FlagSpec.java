package etcetera.server.config;

import java.util.List;
import java.util.Locale;

/**
 * One flag of the server, declared once: its etcd name, value type, default (in flag syntax),
 * where it sits in the help text, how the YAML config file names it, and whether Etcetera acts
 * on it yet.
 *
 * @param name the flag name without dashes, as etcd spells it
 * @param kind the value type and its parsing rule
 * @param defaultText the default in flag syntax ({@code ""} for none)
 * @param section the help section it is listed under
 * @param support whether Etcetera honours it
 * @param yamlKey its key in the config file: a top-level key, {@code outer.inner} for a nested
 *     one, or {@code ""} when etcd's config file cannot set it
 * @param choices the accepted words of a {@link FlagKind#CHOICE} flag, empty otherwise
 * @param help one or two sentences for {@code --help}
 */
record FlagSpec(
        String name,
        FlagKind kind,
        String defaultText,
        Section section,
        Support support,
        String yamlKey,
        List<String> choices,
        String help) {

    FlagSpec {
        choices = List.copyOf(choices);
    }

    /** Whether Etcetera acts on the flag. */
    enum Support {
        /** Honoured. */
        EFFECTIVE,
        /** Accepted for compatibility; setting it prints a warning that it has no effect yet. */
        NOT_YET,
        /** A flag etcd itself no longer supports and ignores with a warning. */
        RETIRED
    }

    /** The groups of {@code --help}, in etcd's order. */
    enum Section {
        MEMBER("Member"),
        CLUSTERING("Clustering"),
        SECURITY("Security"),
        AUTH("Auth"),
        MONITORING("Profiling and Monitoring"),
        LOGGING("Logging"),
        PROXY("v2 Proxy (to be deprecated in v4)"),
        EXPERIMENTAL("Experimental feature"),
        UNSAFE("Unsafe feature"),
        DEPRECATED("To be deprecated"),
        ETCETERA("Etcetera"),
        HIDDEN("");

        final String title;

        Section(String title) {
            this.title = title;
        }
    }

    /** The environment variable that sets this flag: {@code ETCD_} and the name in upper case with {@code _}. */
    String envName() {
        return envName(name);
    }

    static String envName(String flagName) {
        return "ETCD_" + flagName.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The parsed default value. */
    Object defaultValue() {
        if (defaultText.isEmpty() && kind != FlagKind.STRING) {
            return switch (kind) {
                case URLS, ORIGINS, STRINGS, UNIQUE_STRINGS -> List.of();
                case BOOL, IGNORED -> Boolean.FALSE;
                default -> throw new IllegalStateException("flag --" + name + " needs a default");
            };
        }
        return kind.parse(this, defaultText);
    }
}
