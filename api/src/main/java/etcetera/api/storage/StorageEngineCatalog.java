package etcetera.api.storage;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The storage engines present in this distribution (found through {@link ServiceLoader}), in
 * order of preference, so that the server and the offline tools choose alike. Stateless.
 */
public final class StorageEngineCatalog {

    /**
     * Engine names in order of preference when the user names none: the pure-Java file engine
     * first, as it measured faster than the LMDB engine on the server's access pattern (README,
     * "Storage engines": batched puts, point reads, compaction, and the whole server), and needs
     * no native code; LMDB when it is the only engine present or is asked for.
     */
    public static final List<String> PREFERENCE = List.of("file", "lmdb");

    private StorageEngineCatalog() {
    }

    /** The engines present, preferred first. */
    public static List<StorageEngine> present() {
        return ServiceLoader.load(StorageEngine.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(e -> rank(e.name())))
                .toList();
    }

    /** The engine named {@code name}, if present. */
    public static Optional<StorageEngine> named(String name) {
        return present().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The names of the engines present, comma separated, for error messages. */
    public static String presentNames() {
        return present().stream().map(StorageEngine::name).collect(Collectors.joining(", "));
    }

    private static int rank(String name) {
        int rank = PREFERENCE.indexOf(name);
        return rank < 0 ? PREFERENCE.size() : rank;
    }
}
