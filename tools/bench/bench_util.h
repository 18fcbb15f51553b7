/* bench_util: the clock and the generator (sim/xorshift.h) both benchmarks use. */
#ifndef MMUSIM_BENCH_UTIL_H
#define MMUSIM_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

#include "sim/xorshift.h" /* the generator: xorshift64 */

/* Seconds on the monotonic clock. */
static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}


#endif
