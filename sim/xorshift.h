/*
 * xorshift: Marsaglia's xorshift64 (13, 7, 17), the seeded generator behind
 * random TLB replacement and the benchmarks' workloads: cheap, and the same
 * sequence on every machine.  The state must not be 0.
 */
#ifndef MMUSIM_SIM_XORSHIFT_H
#define MMUSIM_SIM_XORSHIFT_H

#include <stdint.h>

static inline uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#endif
