package etcetera.cli.benchmark;

import java.time.Duration;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations the way etcd's Go tools write them ({@code 500ms}, {@code 30s}, {@code 1m30s}),
 * so the same flag values work for both. Stateless.
 */
final class GoDuration implements ITypeConverter<Duration> {

    private static final Pattern WHOLE = Pattern.compile("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    @Override
    public Duration convert(String text) {
        if (!WHOLE.matcher(text).matches()) {
            throw new TypeConversionException("expected a duration such as 500ms, 30s or 1m30s, got '" + text + "'");
        }
        double nanos = 0;
        var part = PART.matcher(text);
        while (part.find()) {
            double amount = Double.parseDouble(part.group(1));
            nanos += amount * switch (part.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> throw new IllegalStateException("unit matched by the pattern: " + part.group(2));
            };
        }
        return Duration.ofNanos((long) nanos);
    }
}
