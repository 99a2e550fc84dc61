package etcetera.robustness.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A history saved to its JSON-lines file reads back identical, whatever the keys and values hold. */
class HistoryFileTest {

    @TempDir
    Path dir;

    @Test
    void everyKindOfOperationOutcomeAndWatchSurvivesTheFile() {
        String odd = "quote\" backslash\\ newline\n tab\t unicode é \u0001 end";
        History history = new History(List.of(
                new Operation(1, 1, new Request.Put(odd, odd), 10, 20, new Outcome.Ok(Response.put(2))),
                new Operation(2, 2, new Request.Get("k", true), 11, 21, new Outcome.Ok(Response.get(2, Optional.of(odd), 2))),
                new Operation(3, 2, new Request.Get("k", false), 12, 22, new Outcome.Ok(Response.get(2, Optional.empty(), 0))),
                new Operation(4, 3, new Request.Delete("k"), 13, 23, new Outcome.Unknown("deadline \"exceeded\"")),
                new Operation(5, 3, new Request.Cas("k", new Request.ValueEquals("a"), "b"), 14, 24, new Outcome.Ok(Response.cas(3, true))),
                new Operation(6, 3, new Request.Cas("k", new Request.ModRevisionEquals(0), "c"), 15, 25, new Outcome.Failed("refused"))),
                List.of(new WatchRecord(7, "k", true, List.of(
                        new WatchSegment(2, List.of(new WatchEvent(WatchEvent.Type.PUT, odd, Optional.of(odd), 2))),
                        new WatchSegment(3, List.of(new WatchEvent(WatchEvent.Type.DELETE, "k", Optional.empty(), 3))),
                        new WatchSegment(4, List.of())))));
        Path file = dir.resolve("history.jsonl");
        HistoryFile.write(history, file);
        assertEquals(history, HistoryFile.read(file));
    }

    @Test
    void malformedLineNamesItsLineNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HistoryFile.parse(List.of("", "{\"op\":1,\"client\":")));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
    }
}
