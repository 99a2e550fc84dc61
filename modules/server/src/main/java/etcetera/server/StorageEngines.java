package etcetera.server;

import etcetera.api.storage.StorageEngine;
import etcetera.api.storage.StorageEngineCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Chooses the storage engine among the modules present: the one {@code --storage-engine}
 * names; else the one an existing data dir was written with (recorded next to the backend);
 * else the preferred engine present ({@link StorageEngineCatalog#PREFERENCE}). A missing engine is a start-up error that lists the
 * engines this distribution has.
 */
final class StorageEngines {

    private StorageEngines() {
    }

    static List<StorageEngine> present() {
        return StorageEngineCatalog.present();
    }

    static StorageEngine choose(String requested, Path backendDir) {
        List<StorageEngine> engines = present();
        if (engines.isEmpty()) {
            throw new StartupException("no storage engine module is present in this distribution; add etcetera.storage.file");
        }
        String names = engines.stream().map(StorageEngine::name).collect(Collectors.joining(", "));
        String recorded = recorded(backendDir);
        if (!requested.isEmpty() && !recorded.isEmpty() && !requested.equals(recorded)) {
            throw new StartupException("--storage-engine=" + requested + " but the data dir was written by the '" + recorded
                    + "' engine; start with --storage-engine=" + recorded + ", or move the data with snapshot save and restore");
        }
        String wanted = !requested.isEmpty() ? requested : recorded;
        if (wanted.isEmpty()) {
            return engines.getFirst();
        }
        return engines.stream().filter(e -> e.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new StartupException("storage engine '" + wanted + "' is not present; engines present: " + names));
    }

    static void recordChoice(StorageEngine engine, Path backendDir) {
        Path marker = marker(backendDir);
        try {
            if (!Files.exists(marker)) {
                Files.writeString(marker, engine.name() + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the storage engine in " + marker, e);
        }
    }

    private static String recorded(Path backendDir) {
        Path marker = marker(backendDir);
        try {
            return Files.exists(marker) ? Files.readString(marker, StandardCharsets.UTF_8).strip() : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + marker, e);
        }
    }

    private static Path marker(Path backendDir) {
        return backendDir.resolveSibling(backendDir.getFileName() + ".engine");
    }
}
