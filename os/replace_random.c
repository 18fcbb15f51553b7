/* replace_random: a uniformly chosen resident page goes (seeded xorshift: the same run every time). */
#include "os/replacement.h"

#include "sim/xorshift.h"

static size_t random_victim(struct replacement *rp, struct resident *rs)
{
	return (size_t)(xorshift64(&rp->rng) % rs->nr_slots);
}

const struct replacement_ops replace_random = { .name = "random", .victim = random_victim };
