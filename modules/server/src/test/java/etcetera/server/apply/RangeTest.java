package etcetera.server.apply;

import static etcetera.server.apply.ApplyFixture.FROM_KEY;
import static etcetera.server.apply.ApplyFixture.assertFails;
import static etcetera.server.apply.ApplyFixture.get;
import static etcetera.server.apply.ApplyFixture.header;
import static etcetera.server.apply.ApplyFixture.kv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.server.errors.EtcdError;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeRequest.SortOrder;
import etcetera.wire.etcdserverpb.RangeRequest.SortTarget;
import etcetera.wire.etcdserverpb.RangeResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Range as etcd 3.4 answers it, over a store holding, at revision 8:
 * <pre>
 * key  create mod version value
 * bar  3      8   3       "5"
 * baz  4      4   1       "2"
 * foo  2      5   2       "0"
 * qux  6      6   1       "9"
 * </pre>
 */
class RangeTest extends OnStoreTest {

    @BeforeEach
    void fill() {
        fx.put("foo", "3"); // 2
        fx.put("bar", "1"); // 3
        fx.put("baz", "2"); // 4
        fx.put("foo", "0"); // 5
        fx.put("qux", "9"); // 6
        fx.put("bar", "4"); // 7
        fx.put("bar", "5"); // 8
    }

    private static RangeRequest.Builder all() {
        return RangeRequest.newBuilder().setKey(FROM_KEY).setRangeEnd(FROM_KEY);
    }

    @Test
    void singleKeyWithTheMembersHeader() {
        RangeResponse response = fx.range(get("foo").build());
        assertEquals(RangeResponse.newBuilder().setHeader(header(8)).addKvs(kv("foo", 2, 5, 2, "0")).setCount(1).build(),
                response);
    }

    @Test
    void missingKeyIsAnEmptyAnswer() {
        assertEquals(RangeResponse.newBuilder().setHeader(header(8)).build(), fx.range(get("nope").build()));
    }

    @Test
    void rangeEndIsExclusive() {
        assertEquals(List.of("bar", "baz"), fx.keys(get("bar", "foo").build()));
        assertEquals(List.of("bar", "baz", "foo"), fx.keys(get("bar", "foo\0").build()));
    }

    @Test
    void prefixIsTheRangeToTheNextKey() {
        assertEquals(List.of("bar", "baz"), fx.keys(get("ba", "bb").build()));
    }

    @Test
    void rangeEndZeroByteMeansFromKey() {
        assertEquals(List.of("baz", "foo", "qux"), fx.keys(get("baz").setRangeEnd(FROM_KEY).build()));
        assertEquals(List.of("bar", "baz", "foo", "qux"), fx.keys(all().build()));
    }

    @Test
    void historicalRevisionReadsOldVersionsWithTheCurrentRevisionInTheHeader() {
        RangeResponse response = fx.range(all().setRevision(4).build());
        assertEquals(RangeResponse.newBuilder().setHeader(header(8))
                .addKvs(kv("bar", 3, 3, 1, "1"))
                .addKvs(kv("baz", 4, 4, 1, "2"))
                .addKvs(kv("foo", 2, 2, 1, "3"))
                .setCount(3)
                .build(), response);
    }

    @Test
    void limitSetsMoreAndCountIsTheTotal() {
        RangeResponse two = fx.range(all().setLimit(2).build());
        assertEquals(List.of(kv("bar", 3, 8, 3, "5"), kv("baz", 4, 4, 1, "2")), two.getKvsList());
        assertTrue(two.getMore());
        assertEquals(4, two.getCount());
        RangeResponse four = fx.range(all().setLimit(4).build());
        assertEquals(4, four.getKvsCount());
        assertFalse(four.getMore());
        assertEquals(4, fx.range(all().setLimit(-1).build()).getKvsCount(), "a negative limit is no limit");
    }

    @Test
    void countOnlyReturnsNoKeysAndTheTotal() {
        assertEquals(RangeResponse.newBuilder().setHeader(header(8)).setCount(4).build(),
                fx.range(all().setCountOnly(true).build()));
        assertEquals(RangeResponse.newBuilder().setHeader(header(8)).setCount(4).build(),
                fx.range(all().setCountOnly(true).setLimit(1).build()), "no more: there are no keys to cut");
    }

    @Test
    void keysOnlyLeavesOutValues() {
        assertEquals(List.of(kv("foo", 2, 5, 2, "")), fx.range(get("foo").setKeysOnly(true).build()).getKvsList());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "KEY,     NONE,    bar baz foo qux",
            "KEY,     ASCEND,  bar baz foo qux",
            "KEY,     DESCEND, qux foo baz bar",
            "VERSION, NONE,    baz qux foo bar",
            "VERSION, ASCEND,  baz qux foo bar",
            "VERSION, DESCEND, bar foo baz qux",
            "CREATE,  NONE,    foo bar baz qux",
            "CREATE,  ASCEND,  foo bar baz qux",
            "CREATE,  DESCEND, qux baz bar foo",
            "MOD,     NONE,    baz foo qux bar",
            "MOD,     ASCEND,  baz foo qux bar",
            "MOD,     DESCEND, bar qux foo baz",
            "VALUE,   NONE,    foo baz bar qux",
            "VALUE,   ASCEND,  foo baz bar qux",
            "VALUE,   DESCEND, qux bar baz foo",
    })
    void sortsByTargetAndOrderWithTiesInKeyOrder(SortTarget target, SortOrder order, String expected) {
        assertEquals(List.of(expected.split(" ")), fx.keys(all().setSortTarget(target).setSortOrder(order).build()));
    }

    @Test
    void explicitSortOrderSortsEverythingBeforeTheLimit() {
        RangeResponse response = fx.range(all().setSortTarget(SortTarget.MOD).setSortOrder(SortOrder.DESCEND).setLimit(2).build());
        assertEquals(List.of(kv("bar", 3, 8, 3, "5"), kv("qux", 6, 6, 1, "9")), response.getKvsList());
        assertTrue(response.getMore());
        assertEquals(4, response.getCount());
    }

    @Test
    void defaultAscendingSortOnlySortsTheFirstLimitPlusOneKeysAsEtcdDoes(@TempDir Path other) {
        // Checked against etcd 3.4.23: put d, c, b, a; get a z --sort-by=MODIFY --limit=2 -> c, b (more).
        try (ApplyFixture fresh = new ApplyFixture(other)) {
            for (String key : List.of("d", "c", "b", "a")) {
                fresh.put(key, "v" + key);
            }
            RangeRequest.Builder byMod = get("a", "z").setSortTarget(SortTarget.MOD).setLimit(2);
            RangeResponse quirk = fresh.range(byMod.build());
            assertEquals(List.of("c", "b"), quirk.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList());
            assertTrue(quirk.getMore());
            assertEquals(4, quirk.getCount());
            assertEquals(List.of("d", "c"), fresh.keys(byMod.setSortOrder(SortOrder.ASCEND).build()));
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "minMod,    5, bar foo qux",
            "maxMod,    5, baz foo",
            "minCreate, 3, bar baz qux",
            "maxCreate, 3, bar foo",
    })
    void revisionFiltersKeepMatchingKeys(String filter, long revision, String expected) {
        RangeRequest.Builder request = all();
        switch (filter) {
            case "minMod" -> request.setMinModRevision(revision);
            case "maxMod" -> request.setMaxModRevision(revision);
            case "minCreate" -> request.setMinCreateRevision(revision);
            case "maxCreate" -> request.setMaxCreateRevision(revision);
            default -> throw new IllegalArgumentException(filter);
        }
        RangeResponse response = fx.range(request.build());
        assertEquals(List.of(expected.split(" ")),
                response.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList());
        assertEquals(4, response.getCount(), "count is taken before filtering");
    }

    @Test
    void filtersApplyBeforeTheLimit() {
        RangeResponse response = fx.range(all().setMinModRevision(5).setMaxCreateRevision(4).setLimit(1).build());
        assertEquals(List.of(kv("bar", 3, 8, 3, "5")), response.getKvsList());
        assertTrue(response.getMore(), "foo also passes the filters");
        assertEquals(4, response.getCount());
        RangeResponse two = fx.range(all().setMinModRevision(5).setMaxCreateRevision(4).setLimit(2).build());
        assertEquals(2, two.getKvsCount());
        assertFalse(two.getMore());
    }

    @Test
    void futureRevisionIsRefused() {
        assertFails(EtcdError.FUTURE_REV, "etcdserver: mvcc: required revision is a future revision",
                () -> fx.range(get("foo").setRevision(9).build()));
    }

    @Test
    void compactedRevisionIsRefusedAndTheCompactionRevisionItselfIsReadable() {
        fx.compact(5);
        assertFails(EtcdError.COMPACTED, "etcdserver: mvcc: required revision has been compacted",
                () -> fx.range(get("foo").setRevision(4).build()));
        assertEquals(List.of(kv("foo", 2, 5, 2, "0")), fx.range(get("foo").setRevision(5).build()).getKvsList());
        assertEquals(List.of("bar", "baz", "foo", "qux"), fx.keys(all().build()));
    }
}
