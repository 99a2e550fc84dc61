package etcetera.robustness.run;

import java.time.Duration;

/**
 * What the recorder does: {@code clients} concurrent clients issuing a random mix of puts,
 * linearizable and serializable gets, deletes and compare-and-swaps on {@code keys} keys under
 * {@code prefix} for {@code duration}, each request bounded by {@code requestTimeout};
 * {@code watchers} watchers of the prefix. {@code seed} makes the choices replayable.
 */
public record Workload(int clients, int keys, int watchers, Duration duration, Duration requestTimeout, String prefix, long seed) {

    public Workload {
        if (clients < 1 || keys < 1 || watchers < 0) {
            throw new IllegalArgumentException("need at least one client and one key");
        }
    }
}
