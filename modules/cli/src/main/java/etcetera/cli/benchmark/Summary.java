package etcetera.cli.benchmark;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * The figures of one benchmark run, in seconds, and their two renderings: text shaped like
 * etcd's benchmark tool (so results read side by side) and a single-line JSON object for
 * scripts. Latency figures cover successful requests only.
 *
 * @param succeeded  requests answered without error
 * @param failed     requests that ended in an error
 * @param percentiles latency at each of {@link #PERCENTILES}, same order
 * @param errors     failure message to number of occurrences
 */
record Summary(
        String command,
        long succeeded,
        long failed,
        double totalSecs,
        double slowestSecs,
        double fastestSecs,
        double averageSecs,
        double stddevSecs,
        double requestsPerSec,
        List<Double> percentiles,
        Map<String, Long> errors,
        Optional<String> firstError) {

    /** The percentiles etcd's tool reports. */
    static final List<Double> PERCENTILES = List.of(10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9);

    private static final double NANOS_PER_SEC = 1e9;

    Summary {
        percentiles = List.copyOf(percentiles);
        errors = Map.copyOf(errors);
    }

    static Summary of(String command, Histogram latencyNanos, long elapsedNanos,
            Map<String, Long> errors, String firstError) {
        long succeeded = latencyNanos.getTotalCount();
        long failed = errors.values().stream().mapToLong(Long::longValue).sum();
        boolean any = succeeded > 0;
        double total = elapsedNanos / NANOS_PER_SEC;
        return new Summary(
                command,
                succeeded,
                failed,
                total,
                any ? latencyNanos.getMaxValue() / NANOS_PER_SEC : 0,
                any ? latencyNanos.getMinValue() / NANOS_PER_SEC : 0,
                any ? latencyNanos.getMean() / NANOS_PER_SEC : 0,
                any ? latencyNanos.getStdDeviation() / NANOS_PER_SEC : 0,
                total > 0 ? succeeded / total : 0,
                PERCENTILES.stream()
                        .map(p -> any ? latencyNanos.getValueAtPercentile(p) / NANOS_PER_SEC : 0.0)
                        .toList(),
                errors,
                Optional.ofNullable(firstError));
    }

    String text() {
        var out = new StringBuilder();
        out.append("\nSummary:\n");
        out.append("  Requests:\t").append(succeeded).append(" ok, ").append(failed).append(" failed.\n");
        out.append("  Total:\t").append(secs(totalSecs)).append(".\n");
        out.append("  Slowest:\t").append(secs(slowestSecs)).append(".\n");
        out.append("  Fastest:\t").append(secs(fastestSecs)).append(".\n");
        out.append("  Average:\t").append(secs(averageSecs)).append(".\n");
        out.append("  Stddev:\t").append(secs(stddevSecs)).append(".\n");
        out.append("  Requests/sec:\t").append(fixed(requestsPerSec)).append('\n');
        if (succeeded > 0) {
            out.append("\nLatency distribution:\n");
            for (int i = 0; i < PERCENTILES.size(); i++) {
                out.append("  ").append(label(PERCENTILES.get(i))).append("% in ")
                        .append(secs(percentiles.get(i))).append(".\n");
            }
        }
        if (!errors.isEmpty()) {
            out.append("\nError distribution:\n");
            errors.forEach((message, count) ->
                    out.append("  [").append(count).append("]\t").append(message).append('\n'));
        }
        return out.toString();
    }

    String json() {
        var out = new StringBuilder("{");
        out.append("\"command\":").append(quote(command));
        out.append(",\"requests\":").append(succeeded);
        out.append(",\"errors\":").append(failed);
        out.append(",\"total_secs\":").append(number(totalSecs));
        out.append(",\"slowest_secs\":").append(number(slowestSecs));
        out.append(",\"fastest_secs\":").append(number(fastestSecs));
        out.append(",\"average_secs\":").append(number(averageSecs));
        out.append(",\"stddev_secs\":").append(number(stddevSecs));
        out.append(",\"requests_per_sec\":").append(number(requestsPerSec));
        out.append(",\"latency_secs\":{");
        for (int i = 0; i < PERCENTILES.size(); i++) {
            out.append(i == 0 ? "" : ",").append(quote("p" + label(PERCENTILES.get(i))))
                    .append(':').append(number(percentiles.get(i)));
        }
        out.append("},\"first_error\":").append(firstError.map(Summary::quote).orElse("null"));
        return out.append('}').toString();
    }

    private static String secs(double value) {
        return fixed(value) + " secs";
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%4.4f", value);
    }

    /** 10.0 prints as "10", 99.9 as "99.9", as etcd prints them. */
    private static String label(double percentile) {
        return percentile == Math.rint(percentile)
                ? Long.toString((long) percentile)
                : Double.toString(percentile);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.9f", value);
    }

    private static String quote(String text) {
        var out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
