package etcetera.robustness.check;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Operation;
import etcetera.robustness.history.Request;
import etcetera.robustness.history.Response;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Counts acknowledged writes that the final reads of a run do not show: for each key's final
 * read (a linearizable get invoked after every other operation completed), an acknowledged
 * put or compare-and-swap with a revision above the read's mod revision is lost, unless the key
 * reads absent and a delete (acknowledged above that revision, or of unknown outcome) explains it.
 * Stateless.
 */
public final class LostWrites {

    private LostWrites() {}

    /** The acknowledged writes the final reads (operations of {@code finalClient}) contradict. */
    public static List<Operation> find(History history, int finalClient) {
        Map<String, List<Operation>> byKey = history.operations().stream().collect(Collectors.groupingBy(Operation::key));
        Set<Operation> lost = new LinkedHashSet<>();
        for (Operation read : history.operations()) {
            if (read.client() != finalClient || !(read.request() instanceof Request.Get) || !read.isOk()) {
                continue;
            }
            Response r = read.response().orElseThrow();
            long shown = r.value().isPresent() ? r.modRevision() : 0;
            for (Operation w : byKey.get(read.key())) {
                if (w.client() == finalClient || w.writtenValue().isEmpty() || w.writeRevision().isEmpty()) {
                    continue;
                }
                long revision = w.writeRevision().get();
                if (revision <= shown || w.completedNanos() > read.invokedNanos()) {
                    continue;
                }
                boolean deletedAfter = r.value().isEmpty() && byKey.get(read.key()).stream().anyMatch(d -> d.request() instanceof Request.Delete
                        && (d.isUnknown() || d.writeRevision().map(dr -> dr > revision).orElse(false)));
                if (!deletedAfter) {
                    lost.add(w);
                }
            }
        }
        return List.copyOf(lost);
    }
}
