package etcetera.cli;

/** Entry point of {@code bin/etcetera}: the project's own commands, such as {@code benchmark}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("etcetera: no commands yet");
        System.exit(1);
    }
}
