package etcetera.robustness.check;

/** The overall answer of a check: proven correct, proven violated, or undecided within the budget. */
public enum Verdict {
    OK,
    VIOLATION,
    /** The search budget ran out before a verdict; never reported as {@link #OK}. */
    UNKNOWN
}
