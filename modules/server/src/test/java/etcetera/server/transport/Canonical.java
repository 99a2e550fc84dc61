package etcetera.server.transport;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A structural view of records for assertions: records become lists of their components
 * (tagged with their type), byte arrays hex strings, so equal content compares equal even
 * where a record's own {@code equals} compares arrays by identity.
 */
final class Canonical {

    private Canonical() {
    }

    static Object of(Object value) {
        return switch (value) {
            case null -> null;
            case byte[] bytes -> HexFormat.of().formatHex(bytes);
            case List<?> list -> list.stream().map(Canonical::of).toList();
            case Record record -> {
                List<Object> out = new ArrayList<>();
                out.add(record.getClass().getSimpleName());
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    try {
                        out.add(component.getName() + "=" + of(component.getAccessor().invoke(record)));
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }
                yield out;
            }
            default -> value;
        };
    }
}
