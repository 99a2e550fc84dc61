package etcetera.robustness.history;

/**
 * How an operation ended, as far as the client knows. {@link Failed} means it certainly did not
 * take effect (e.g. the connection was refused before the request was sent); {@link Unknown}
 * means it may have taken effect at any point after its invocation, or never (a timeout, a
 * broken connection after sending).
 */
public sealed interface Outcome permits Outcome.Ok, Outcome.Failed, Outcome.Unknown {

    record Ok(Response response) implements Outcome {}

    record Failed(String error) implements Outcome {}

    record Unknown(String error) implements Outcome {}
}
