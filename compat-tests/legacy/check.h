/*
 * check.h -- the little harness every legacy test program shares.
 *
 * Each check prints one line, "PASS role: what" or "FAIL role: what", so a
 * failing run says exactly which promise of the Cm contract was broken.
 * check_exit() prints the summary and gives the exit status (0: all passed).
 * C89 clean, like the programs that use it.
 */
#ifndef LEGACY_CHECK_H
#define LEGACY_CHECK_H

/* Name printed on every line, e.g. "items-server". */
void check_init(const char *role);

/* Record one check; `what` is a printf format.  Returns `ok`. */
int check(int ok, const char *what, ...);

/* A detail of a larger check: prints a FAIL line only when `ok` is false
 * (and counts it), so a check over many items stays one PASS line. */
int expect(int ok, const char *what, ...);

/* An informative line that is not a check. */
void note(const char *what, ...);

/* Print the summary; the exit status for main(). */
int check_exit(void);

/* "char", "short", ... "tail" for a CmMessageItemType value (in the
 * documented order), "?" for anything else. */
const char *item_type_name(int type);

/* Monotonic time in seconds, and a sleep that does not run Cm handlers. */
double now_seconds(void);
void sleep_seconds(double seconds);

#endif /* LEGACY_CHECK_H */
