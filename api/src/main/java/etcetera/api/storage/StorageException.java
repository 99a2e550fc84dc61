package etcetera.api.storage;

/** A storage failure: I/O error, corrupt data, or misuse. Unchecked, so it does not leak through the SPI as a checked exception. */
public class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
