package etcetera.robustness.history;

import java.util.Optional;

/**
 * What the store answered to a successful request. {@code revision} is the response
 * header's revision; {@code value}/{@code modRevision} are a get's result (empty and 0 for an
 * absent key); {@code deleted} is a delete's count; {@code succeeded} a compare-and-swap's
 * outcome. Fields that do not apply to the request are empty/0/false.
 */
public record Response(long revision, Optional<String> value, long modRevision, long deleted, boolean succeeded) {

    public Response {
        value = value == null ? Optional.empty() : value;
    }

    public static Response put(long revision) {
        return new Response(revision, Optional.empty(), 0, 0, false);
    }

    public static Response get(long revision, Optional<String> value, long modRevision) {
        return new Response(revision, value, modRevision, 0, false);
    }

    public static Response delete(long revision, long deleted) {
        return new Response(revision, Optional.empty(), 0, deleted, false);
    }

    public static Response cas(long revision, boolean succeeded) {
        return new Response(revision, Optional.empty(), 0, 0, succeeded);
    }
}
