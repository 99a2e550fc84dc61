package etcetera.server.config;

import etcetera.server.config.FlagValues.Origin;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns etcd 3.4's command line, {@code ETCD_*} environment and YAML config file into a
 * {@link ServerConfig}, with etcd's syntax, precedence, derived defaults, checks and messages:
 * <ol>
 *   <li>the arguments are read as Go's flag package reads them ({@code --flag value},
 *       {@code --flag=value}, {@code -flag value}, {@code -flag=value}, bare boolean flags;
 *       parsing stops at the first non-flag or after {@code --});</li>
 *   <li>{@code --version} and {@code --help} print and exit;</li>
 *   <li>if {@code --config-file} (or {@code ETCD_CONFIG_FILE}) names a file, the file alone is
 *       used and all other flags and variables are ignored, as in etcd 3.4;</li>
 *   <li>otherwise each flag not on the command line is taken from its {@code ETCD_*} variable;
 *       a variable for a flag that is also on the command line is an error (etcd refuses it
 *       too), an unknown {@code ETCD_*} variable a warning;</li>
 *   <li>the result is checked with etcd's rules and messages, and the defaults that depend on
 *       other settings are derived (data dir {@code <name>.etcd}, initial cluster from the name).</li>
 * </ol>
 * Stateless: each call works on its own values. It never reads {@code System.getenv()} or the
 * working directory itself; the caller passes the environment and a path resolver.
 */
public final class ConfigParser {

    /** The initial cluster etcd derives from the default name and peer URL. */
    private static final String DEFAULT_INITIAL_CLUSTER = FlagTable.get("initial-cluster").defaultText();
    private static final int MAX_ELECTION_MS = 50_000;

    private ConfigParser() {
    }

    /**
     * Parses a command line.
     *
     * @param args the arguments after the program name
     * @param env the process environment (only {@code ETCD_*} entries matter)
     * @param paths turns a path as written in a flag or the file into a {@link Path} (e.g.
     *     {@code Path::of}, or a resolver against a test directory); used for the config file,
     *     {@code --data-dir} and {@code --wal-dir}
     */
    public static ParseResult parse(List<String> args, Map<String, String> env, Function<String, Path> paths) {
        Objects.requireNonNull(args);
        Objects.requireNonNull(env);
        Objects.requireNonNull(paths);
        Run run = new Run(env, paths);
        try {
            return run.parse(args);
        } catch (ConfigError e) {
            return new ParseResult.Fail(e.getMessage(), run.warnings);
        }
    }

    /** A configuration error carrying etcd's message; unwinds one {@link Run}. */
    static final class ConfigError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConfigError(String message) {
            super(message, null, false, false);
        }
    }

    /** One parse: its values and warnings. Confined to the calling thread. */
    private static final class Run {
        private final Map<String, String> env;
        private final Function<String, Path> paths;
        private final FlagValues values = new FlagValues();
        private final List<String> warnings = new ArrayList<>();
        private final List<String> commandLine = new ArrayList<>();

        Run(Map<String, String> env, Function<String, Path> paths) {
            this.env = env;
            this.paths = paths;
        }

        ParseResult parse(List<String> args) {
            if (!args.isEmpty() && (args.getFirst().equals("gateway") || args.getFirst().equals("grpc-proxy"))) {
                throw new ConfigError("the '" + args.getFirst() + "' command of etcd is not supported by Etcetera");
            }
            List<String> rest = readCommandLine(args);
            if (rest == null) {
                return new ParseResult.Print(UsageText.help(), warnings);
            }
            if (!rest.isEmpty()) {
                throw new ConfigError("'" + rest.getFirst() + "' is not a valid flag");
            }
            if (values.bool("version")) {
                return new ParseResult.Print(UsageText.version(), warnings);
            }
            String configFile = values.string("config-file");
            if (configFile.isEmpty()) {
                configFile = env.getOrDefault(FlagSpec.envName("config-file"), "");
            }
            boolean fromFile = !configFile.isEmpty();
            if (fromFile) {
                FlagValues ignoredCommandLine = values;
                FlagValues fileValues = new FlagValues();
                warnAboutIgnoredSettings(ignoredCommandLine, configFile);
                warnings.addAll(ConfigFile.read(configFile, paths.apply(configFile), fileValues));
                return finish(fileValues, true);
            }
            readEnvironment();
            return finish(values, false);
        }

        /**
         * Reads flags as Go's {@code flag.FlagSet.Parse} does.
         *
         * @return the arguments left after the flags, or {@code null} if help was asked for
         */
        private List<String> readCommandLine(List<String> args) {
            int i = 0;
            while (i < args.size()) {
                String arg = args.get(i);
                if (arg.length() < 2 || arg.charAt(0) != '-') {
                    break;
                }
                int dashes = 1;
                if (arg.charAt(1) == '-') {
                    dashes = 2;
                    if (arg.length() == 2) {
                        i++;
                        break;
                    }
                }
                String name = arg.substring(dashes);
                if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
                    throw new ConfigError("bad flag syntax: " + arg);
                }
                i++;
                String value = null;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                FlagSpec spec = FlagTable.find(name).orElse(null);
                if (spec == null) {
                    if (name.equals("help") || name.equals("h")) {
                        return null;
                    }
                    throw new ConfigError("flag provided but not defined: -" + name);
                }
                if (spec.kind().takesNoValue()) {
                    String given = value == null ? "true" : value;
                    try {
                        values.set(spec, given, Origin.COMMAND_LINE);
                    } catch (GoLiterals.SyntaxError e) {
                        throw new ConfigError("invalid boolean value " + GoText.quote(given) + " for -" + name + ": " + e.getMessage());
                    }
                } else {
                    if (value == null && i < args.size()) {
                        value = args.get(i++);
                    }
                    if (value == null) {
                        throw new ConfigError("flag needs an argument: -" + name);
                    }
                    try {
                        values.set(spec, value, Origin.COMMAND_LINE);
                    } catch (GoLiterals.SyntaxError e) {
                        throw new ConfigError("invalid value " + GoText.quote(value) + " for flag -" + name + ": " + e.getMessage());
                    }
                }
                if (spec.support() == FlagSpec.Support.RETIRED) {
                    warnings.add("flag \"-" + name + "\" is no longer supported - ignoring.");
                }
                if (!commandLine.contains(name)) {
                    commandLine.add(name);
                }
            }
            return args.subList(i, args.size());
        }

        private void warnAboutIgnoredSettings(FlagValues commandLineValues, String configFile) {
            List<String> ignored = new ArrayList<>();
            for (String name : commandLine) {
                if (!name.equals("config-file") && commandLineValues.isGiven(name)) {
                    ignored.add("--" + name);
                }
            }
            new TreeMap<>(env).forEach((key, value) -> {
                if (key.startsWith("ETCD_") && !key.equals(FlagSpec.envName("config-file"))) {
                    ignored.add(key);
                }
            });
            if (!ignored.isEmpty()) {
                warnings.add("loading the configuration from config file " + configFile
                        + "; these command-line flags and environment variables are ignored: " + String.join(", ", ignored));
            }
        }

        /** Fills the flags not on the command line from {@code ETCD_*}, as etcd's {@code SetFlagsFromEnv}. */
        private void readEnvironment() {
            Set<String> used = new java.util.HashSet<>();
            String error = null;
            for (FlagSpec spec : FlagTable.FLAGS.stream().sorted(java.util.Comparator.comparing(FlagSpec::name)).toList()) {
                String key = spec.envName();
                String raw = env.get(key);
                if (commandLine.contains(spec.name()) || raw == null || raw.isEmpty()) {
                    continue;
                }
                used.add(key);
                try {
                    values.set(spec, raw, Origin.ENVIRONMENT);
                    if (spec.support() == FlagSpec.Support.RETIRED) {
                        warnings.add("flag \"-" + spec.name() + "\" is no longer supported - ignoring.");
                    }
                } catch (GoLiterals.SyntaxError e) {
                    error = "invalid value " + GoText.quote(raw) + " for " + key + ": " + e.getMessage();
                }
            }
            for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
                String key = entry.getKey();
                if (used.contains(key)) {
                    continue;
                }
                if (commandLine.stream().anyMatch(name -> FlagSpec.envName(name).equals(key))) {
                    throw new ConfigError("conflicting environment variable " + GoText.quote(key)
                            + " is shadowed by corresponding command-line flag (either unset environment variable or disable flag)");
                }
                if (key.startsWith("ETCD_")) {
                    warnings.add("unrecognized environment variable " + key + "=" + entry.getValue());
                }
            }
            if (error != null) {
                throw new ConfigError(error);
            }
        }

        /** etcd's checks and derived defaults, common to flags and file, then the config. */
        private ParseResult finish(FlagValues v, boolean fromFile) {
            boolean mayBeProxy = !v.string("proxy").equals("off")
                    || (!v.string("discovery").isEmpty() && v.string("discovery-fallback").equals("proxy"));
            List<URI> advertiseClientUrls = v.urls("advertise-client-urls");
            if (!fromFile) {
                // An explicit listen address makes etcd drop the default advertise URL: it would be wrong.
                if (v.isGiven("listen-client-urls") && !v.isGiven("advertise-client-urls") && !mayBeProxy) {
                    advertiseClientUrls = null;
                }
                boolean discovers = !v.string("discovery").isEmpty() || !v.string("discovery-srv").isEmpty()
                        || !v.string("discovery-srv-name").isEmpty();
                if (discovers && !v.isGiven("initial-cluster")) {
                    v.setValue("initial-cluster", "", Origin.DEFAULT);
                }
            } else if ((!v.string("discovery").isEmpty() || !v.string("discovery-srv").isEmpty())
                    && v.string("initial-cluster").equals(DEFAULT_INITIAL_CLUSTER)) {
                v.setValue("initial-cluster", "", Origin.DEFAULT);
            }

            List<String> logOutputs = checkLogging(v);
            ServerConfig.LogLevel level = v.bool("debug") ? ServerConfig.LogLevel.DEBUG
                    : ServerConfig.LogLevel.of(v.string("log-level")).orElseThrow();
            checkBindUrls(v.urls("listen-peer-urls"));
            checkBindUrls(v.urls("listen-client-urls"));
            checkBindUrls(v.urls("listen-metrics-urls"));
            checkHostUrls("--initial-advertise-peer-urls", v.urls("initial-advertise-peer-urls"));
            if (advertiseClientUrls != null) {
                checkHostUrls("--advertise-client-urls", advertiseClientUrls);
            }
            checkBootstrapAndTiming(v);
            if (advertiseClientUrls == null) {
                if (!mayBeProxy) {
                    throw new ConfigError("--advertise-client-urls is required when --listen-client-urls is set explicitly");
                }
                advertiseClientUrls = List.of();
            }
            String mode = v.string("auto-compaction-mode");
            if (!mode.isEmpty() && !mode.equals("periodic") && !mode.equals("revision")) {
                throw new ConfigError("unknown auto-compaction-mode " + GoText.quote(mode));
            }
            if (v.bool("experimental-enable-lease-checkpoint-persist") && !v.bool("experimental-enable-lease-checkpoint")) {
                throw new ConfigError("setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint");
            }

            String name = v.string("name");
            if (!name.equals("default") && v.string("initial-cluster").equals(DEFAULT_INITIAL_CLUSTER)) {
                v.setValue("initial-cluster", initialClusterFromName(name, v.urls("initial-advertise-peer-urls")), v.origin("initial-cluster"));
            }
            if (v.string("data-dir").isEmpty()) {
                v.setValue("data-dir", name + ".etcd", Origin.DEFAULT);
            }
            ServerConfig.AutoCompaction compaction = autoCompaction(mode, v.string("auto-compaction-retention"));

            for (FlagSpec spec : FlagTable.FLAGS) {
                if (spec.support() == FlagSpec.Support.NOT_YET && v.isGiven(spec.name())) {
                    warnings.add("flag --" + spec.name() + " is accepted but has no effect yet in Etcetera");
                }
            }
            if (v.bool("debug")) {
                warnings.add("flag --debug is deprecated; use --log-level=debug instead");
            }
            return new ParseResult.Start(ServerConfig.of(v, advertiseClientUrls, compaction, level, logOutputs, paths), warnings);
        }

        /** etcd's logging checks; returns the log outputs in force. */
        private List<String> checkLogging(FlagValues v) {
            List<String> outputs = v.strings("log-outputs");
            if (v.isGiven("log-output")) {
                if (v.isGiven("log-outputs")) {
                    throw new ConfigError("both '--log-output' and '--log-outputs' are set; only set '--log-outputs'");
                }
                warnings.add("'--log-output' flag has been deprecated! Please use '--log-outputs'!");
                outputs = v.strings("log-output");
            }
            String logger = v.string("logger");
            switch (logger) {
                case "capnslog" -> {
                    if (outputs.size() != 1) {
                        throw new ConfigError("--logger=capnslog supports only 1 value in '--log-outputs', got " + GoText.quoteList(outputs));
                    }
                    String output = outputs.getFirst();
                    if (!output.equals("default") && !output.equals("stderr") && !output.equals("stdout")) {
                        throw new ConfigError("unknown log-output " + GoText.quote(output)
                                + " (only supports \"default\", \"stderr\", \"stdout\")");
                    }
                }
                case "zap" -> {
                    if (outputs.size() > 1 && outputs.contains("default")) {
                        throw new ConfigError("multi logoutput for \"default\" is not supported yet");
                    }
                }
                default -> throw new ConfigError("unknown logger option " + GoText.quote(logger));
            }
            String level = v.string("log-level");
            if (ServerConfig.LogLevel.of(level).isEmpty()) {
                throw new ConfigError("unknown log level " + GoText.quote(level)
                        + " (--log-level supports debug, info, warn, error, dpanic, panic, fatal)");
            }
            return outputs;
        }

        private static void checkBindUrls(List<URI> urls) {
            for (URI url : urls) {
                if (url.getScheme().equals("unix") || url.getScheme().equals("unixs")) {
                    continue;
                }
                String host = EtcdUrls.address(url).host();
                if (!host.equals("localhost") && !EtcdUrls.isIpLiteral(host)) {
                    throw new ConfigError("expected IP in URL for binding (" + url + ")");
                }
            }
        }

        private static void checkHostUrls(String flag, List<URI> urls) {
            for (URI url : urls) {
                if (EtcdUrls.address(url).host().isEmpty()) {
                    String all = String.join(",", urls.stream().map(URI::toString).toList());
                    throw new ConfigError(flag + " " + GoText.quote(all) + " must be \"host:port\" (unexpected empty host (" + url + "))");
                }
            }
        }

        private static void checkBootstrapAndTiming(FlagValues v) {
            int bootstraps = 0;
            for (String flag : List.of("discovery", "initial-cluster", "discovery-srv")) {
                if (!v.string(flag).isEmpty()) {
                    bootstraps++;
                }
            }
            if (bootstraps > 1) {
                throw new ConfigError("multiple discovery or bootstrap flags are set. "
                        + "Choose one of \"initial-cluster\", \"discovery\" or \"discovery-srv\"");
            }
            long tick = v.number("heartbeat-interval");
            long election = v.number("election-timeout");
            if (tick <= 0) {
                throw new ConfigError("--heartbeat-interval must be >0 (set to " + tick + "ms)");
            }
            if (election <= 0) {
                throw new ConfigError("--election-timeout must be >0 (set to " + election + "ms)");
            }
            if (5 * tick > election) {
                throw new ConfigError("--election-timeout[" + election + "ms] should be at least as 5 times as --heartbeat-interval["
                        + tick + "ms]");
            }
            if (election > MAX_ELECTION_MS) {
                throw new ConfigError("--election-timeout[" + election + "ms] is too long, and should be set less than "
                        + MAX_ELECTION_MS + "ms");
            }
        }

        private static String initialClusterFromName(String name, List<URI> peerUrls) {
            return String.join(",", peerUrls.stream().map(url -> name + "=" + url).toList());
        }

        /** etcd's reading of the retention: a non-negative integer is hours (periodic) or revisions, else a duration. */
        private static ServerConfig.AutoCompaction autoCompaction(String mode, String retention) {
            String text = retention.isEmpty() ? "0" : retention;
            long amount;
            boolean integer = text.matches("[+-]?[0-9]+");
            if (integer && !text.startsWith("-") && text.replaceFirst("^\\+", "").length() <= 18) {
                amount = Long.parseLong(text);
                if (amount == 0 || mode.isEmpty()) {
                    return new ServerConfig.AutoCompaction.Disabled();
                }
                return mode.equals("revision") ? new ServerConfig.AutoCompaction.Revision(amount)
                        : new ServerConfig.AutoCompaction.Periodic(java.time.Duration.ofHours(amount));
            }
            java.time.Duration duration;
            try {
                duration = GoLiterals.parseDuration(text);
            } catch (GoLiterals.SyntaxError e) {
                throw new ConfigError("error parsing CompactionRetention: " + e.getMessage());
            }
            if (duration.isZero()) {
                return new ServerConfig.AutoCompaction.Disabled();
            }
            // etcd passes the duration on as is; in revision mode that makes its nanoseconds a revision count.
            return mode.equals("revision") ? new ServerConfig.AutoCompaction.Revision(duration.toNanos())
                    : new ServerConfig.AutoCompaction.Periodic(duration);
        }
    }
}
