package etcetera.server.config;

import etcetera.server.config.ConfigParser.ConfigError;
import etcetera.server.config.FlagValues.Origin;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads etcd's YAML config file ({@code --config-file}): etcd's key names (the flag names, with
 * URL lists as comma-separated strings, {@code log-outputs} and {@code cipher-suites} as lists,
 * durations in nanoseconds as etcd's JSON decoding wants them, TLS under
 * {@code client-transport-security} and {@code peer-transport-security}). Values go through the
 * flags' own parsers, so a file value is checked exactly as the same flag would be; beyond
 * etcd, a duration may also be written as {@code 5s}. Stateless.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * Sets {@code values} from the file.
     *
     * @param shownName the file as the operator named it, for messages
     * @return warnings (unknown keys)
     * @throws ConfigError if the file cannot be read or holds a bad value
     */
    static List<String> read(String shownName, Path file, FlagValues values) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigError("open " + shownName + ": no such file or directory");
        } catch (IOException e) {
            throw new ConfigError("open " + shownName + ": " + e.getMessage());
        }
        Object document;
        try {
            document = new Load(LoadSettings.builder().setLabel(shownName).build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new ConfigError("error parsing config file " + shownName + ": " + e.getMessage());
        }
        if (document == null) {
            return List.of();
        }
        if (!(document instanceof Map<?, ?> settings)) {
            throw new ConfigError("error parsing config file " + shownName + ": expected a mapping of settings at the top level");
        }
        List<String> warnings = new ArrayList<>();
        Map<String, FlagSpec> keys = FlagTable.byYamlKey();
        settings.forEach((key, value) -> {
            String name = String.valueOf(key);
            if ((name.equals("client-transport-security") || name.equals("peer-transport-security")) && value instanceof Map<?, ?> nested) {
                nested.forEach((innerKey, innerValue) -> apply(shownName, name + "." + innerKey, innerValue, keys, values, warnings));
            } else {
                apply(shownName, name, value, keys, values, warnings);
            }
        });
        return warnings;
    }

    private static void apply(String file, String key, Object value, Map<String, FlagSpec> keys, FlagValues values,
            List<String> warnings) {
        FlagSpec spec = keys.get(key);
        if (spec == null) {
            warnings.add("config file " + file + ": unknown key " + GoText.quote(key) + " ignored");
            return;
        }
        if (value == null) {
            return; // "key:" with no value leaves the default, as etcd's decoder does
        }
        if (spec.kind() == FlagKind.DURATION && isInteger(value)) {
            values.setValue(spec.name(), Duration.ofNanos(((Number) value).longValue()), Origin.CONFIG_FILE);
            return;
        }
        String raw = asFlagText(file, key, spec, value);
        if (raw.isEmpty() && spec.kind() == FlagKind.CHOICE) {
            return; // etcd treats an empty choice (e.g. initial-cluster-state: "") as the default
        }
        try {
            values.set(spec, raw, Origin.CONFIG_FILE);
        } catch (GoLiterals.SyntaxError e) {
            throw new ConfigError("invalid value " + GoText.quote(raw) + " for " + key + " in config file " + file + ": " + e.getMessage());
        }
    }

    private static boolean isInteger(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
    }

    private static String asFlagText(String file, String key, FlagSpec spec, Object value) {
        return switch (value) {
            case List<?> list when isList(spec.kind()) -> String.join(",", list.stream().map(String::valueOf).toList());
            case List<?> list -> throw new ConfigError("invalid value for " + key + " in config file " + file + ": expected a single value, got a list");
            case Map<?, ?> map -> throw new ConfigError("invalid value for " + key + " in config file " + file + ": expected a single value, got a mapping");
            case String s when spec.kind() == FlagKind.BOOL -> yamlOneOneBool(s);
            default -> String.valueOf(value);
        };
    }

    private static boolean isList(FlagKind kind) {
        return kind == FlagKind.STRINGS || kind == FlagKind.UNIQUE_STRINGS || kind == FlagKind.URLS || kind == FlagKind.ORIGINS;
    }

    /** etcd reads its file as YAML 1.1, where yes/no/on/off are booleans; keep accepting them. */
    private static String yamlOneOneBool(String s) {
        return switch (s) {
            case "yes", "Yes", "YES", "on", "On", "ON", "y", "Y" -> "true";
            case "no", "No", "NO", "off", "Off", "OFF", "n", "N" -> "false";
            default -> s;
        };
    }
}
