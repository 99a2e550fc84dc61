package etcetera.server.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The versions Etcetera reports: the etcd release whose behaviour it reproduces (tools parse
 * {@code etcd Version:} and the {@code /version} endpoint), and its own. Constants only.
 */
public final class Version {

    /** The etcd server version Etcetera presents itself as. */
    public static final String ETCD = "3.4.23";

    /** The etcd cluster version (major.minor.0), as etcd reports it. */
    public static final String ETCD_CLUSTER = "3.4.0";

    private static final String FALLBACK = "0.1.0-SNAPSHOT";

    private Version() {
    }

    /** Etcetera's own version, from the jar manifest or module descriptor when the build put it there. */
    public static String etcetera() {
        return Optional.ofNullable(Version.class.getPackage().getImplementationVersion())
                .or(() -> Optional.ofNullable(Version.class.getModule().getDescriptor()).flatMap(d -> d.rawVersion()))
                .orElse(FALLBACK);
    }

    /** The text of {@code --version}: etcd's first line, then ours. */
    static String text() {
        return "etcd Version: " + ETCD + "\n"
                + "Etcetera Version: " + etcetera() + "\n"
                + "Git SHA: Not provided\n"
                + "Java Version: " + Runtime.version() + "\n"
                + "OS/Arch: " + goOs() + "/" + goArch() + "\n";
    }

    private static String goOs() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return "darwin";
        }
        return os.startsWith("windows") ? "windows" : os.replace(' ', '_');
    }

    private static String goArch() {
        return switch (System.getProperty("os.arch", "unknown")) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> System.getProperty("os.arch", "unknown");
        };
    }
}
