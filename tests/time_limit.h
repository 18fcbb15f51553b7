/*
 * A test's time limit as a Criterion .init: SIGALRM ends a test that hangs
 * (a self-referencing table walked forever, a FIFO opened blocking), and
 * Criterion reports it as crashed by that signal.  Not Criterion's own
 * .timeout: its watchdog's bookkeeping leaks (48 bytes, seen by
 * LeakSanitizer in the runner) when timed tests end in parallel.
 */
#ifndef MMUSIM_TESTS_TIME_LIMIT_H
#define MMUSIM_TESTS_TIME_LIMIT_H

#include <unistd.h>

static inline void time_limit_30s(void)
{
	alarm(30);
}

static inline void time_limit_60s(void)
{
	alarm(60);
}

static inline void time_limit_120s(void)
{
	alarm(120);
}

static inline void time_limit_180s(void)
{
	alarm(180);
}

#endif
