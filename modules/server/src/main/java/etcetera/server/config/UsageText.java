package etcetera.server.config;

import etcetera.server.config.FlagSpec.Section;
import etcetera.server.config.FlagSpec.Support;

/** Renders {@code --help} from the flag table and {@code --version}. Stateless. */
final class UsageText {

    private UsageText() {
    }

    static String version() {
        return Version.text();
    }

    static String help() {
        StringBuilder out = new StringBuilder("""
                Usage:

                  etcd [flags]
                    Start an Etcetera node, a server compatible with etcd %s.

                  etcd --version
                    Print the version and exit.

                  etcd -h | --help
                    Print this help and exit.

                  etcd --config-file <path>
                    Take the whole configuration from a YAML file with etcd's key names; all other flags
                    and ETCD_* environment variables are then ignored.

                Every flag may also be given as an environment variable: ETCD_ followed by the flag name in
                upper case with '-' replaced by '_' (e.g. ETCD_DATA_DIR). A flag on the command line and its
                variable must not both be set. Flags marked (no effect yet) are accepted for compatibility.
                """.formatted(Version.ETCD));
        for (Section section : Section.values()) {
            if (section == Section.HIDDEN) {
                continue;
            }
            out.append('\n').append(section.title).append(":\n");
            for (FlagSpec spec : FlagTable.FLAGS) {
                if (spec.section() != section) {
                    continue;
                }
                String shownDefault = spec.name().equals("data-dir") ? "${name}.etcd" : spec.defaultText();
                out.append("  --").append(spec.name()).append(" '").append(shownDefault).append("'\n");
                out.append("    ").append(spec.help());
                if (spec.support() == Support.NOT_YET) {
                    out.append(" (no effect yet)");
                }
                out.append('\n');
            }
        }
        return out.toString();
    }
}
