package etcetera.server.apply;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test on a fresh {@link ApplyFixture} in its own directory, closed after each test. */
abstract class OnStoreTest {

    @TempDir
    Path dir;

    ApplyFixture fx;

    @BeforeEach
    final void openStore() {
        fx = new ApplyFixture(dir);
    }

    @AfterEach
    final void closeStore() {
        fx.close();
    }
}
