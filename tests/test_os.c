/*
 * os: the OS layer through the replay engine.  A property test compares the
 * page faults of each policy but clock (whose choices depend on the A bits
 * the walker sets) with a reference model of resident sets written here from
 * the policies' definitions: random reference strings over a few pages, each
 * frame count from 1 to 5.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "formats/config.h"
#include "formats/trace_text.h"
#include "os/os.h"
#include "sim/machine.h"
#include "sim/replay.h"

enum { MAX_REFS = 64, MAX_FRAMES = 8, NR_PAGES = 7 };

/* The test's own generator (Marsaglia's xorshift64), for the reference strings and the random policy's model. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * The model: `frames` slots filled in order while some are free; on a miss
 * with all full, the policy names a slot and the new page takes it.  fifo:
 * the slot filled longest ago; lru: the slot referenced longest ago; opt: the
 * slot whose page is referenced next furthest away (or never); random: the
 * slot xorshift64 (seeded) gives modulo the frame count.
 */
static unsigned model_faults(const char *policy, const unsigned *refs, unsigned n, unsigned frames, uint64_t seed)
{
	unsigned page[MAX_FRAMES], used = 0, faults = 0;
	unsigned loaded[MAX_FRAMES], last[MAX_FRAMES];
	uint64_t rng = seed;

	for (unsigned i = 0; i < n; i++) {
		unsigned s, hit = used;
		for (s = 0; s < used; s++)
			if (page[s] == refs[i])
				hit = s;
		if (hit < used) {
			last[hit] = i;
			continue;
		}
		faults++;
		if (used < frames) {
			s = used++;
		} else if (strcmp(policy, "random") == 0) {
			s = (unsigned)(next_random(&rng) % frames);
		} else {
			s = 0;
			for (unsigned k = 1; k < frames; k++) {
				if (strcmp(policy, "fifo") == 0 && loaded[k] < loaded[s])
					s = k;
				if (strcmp(policy, "lru") == 0 && last[k] < last[s])
					s = k;
				if (strcmp(policy, "opt") == 0) {
					unsigned nk = n, ns = n;
					for (unsigned j = i + 1; j < n; j++) {
						if (refs[j] == page[k] && nk == n)
							nk = j;
						if (refs[j] == page[s] && ns == n)
							ns = j;
					}
					if (nk > ns)
						s = k;
				}
			}
		}
		page[s] = refs[i];
		loaded[s] = last[s] = i;
	}
	return faults;
}

/* The engine: the same string as reads of page-sized addresses, with the OS layer limited to `frames`. */
static uint64_t engine_faults(const char *policy, const unsigned *refs, unsigned n, unsigned frames, uint64_t seed)
{
	static const char yaml[] = "extends: x86_64\n";
	struct machine_config cfg;
	struct machine *m;
	struct replay r;
	struct mm_error err = { 0 };
	struct trace_event ev[MAX_REFS];
	struct replay_options opt = {
		.os = true, .os_opt = { .resident_pages = frames, .replacement = policy, .seed = seed },
	};

	for (unsigned i = 0; i < n; i++)
		ev[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x100000 + refs[i] * 0x1000ull,
					      .line = i + 1 };
	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_init(&r, m, &opt, "t.trace", &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_future(&r, ev, n, true, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_events(&r, ev, n, &err), MM_OK, "%s", err.msg);
	uint64_t faults = replay_paging_stats(&r)->page_faults;
	cr_expect_eq(replay_paging_stats(&r)->evictions, faults > frames ? faults - frames : 0);
	replay_fini(&r);
	machine_destroy(m);
	return faults;
}

static void check_policy(const char *policy)
{
	uint64_t s = 0x2545f4914f6cdd1dull;

	for (unsigned round = 0; round < 60; round++) {
		unsigned refs[MAX_REFS], n = 8 + (unsigned)(next_random(&s) % (MAX_REFS - 8));
		unsigned frames = 1 + round % 5;
		uint64_t seed = 1 + round;
		for (unsigned i = 0; i < n; i++)
			refs[i] = (unsigned)(next_random(&s) % NR_PAGES);
		unsigned want = model_faults(policy, refs, n, frames, seed);
		uint64_t got = engine_faults(policy, refs, n, frames, seed);
		cr_assert_eq(got, want, "%s, %u frames, round %u: %llu faults, the model %u", policy, frames, round,
			     (unsigned long long)got, want);
	}
}

Test(os_model, fifo) { check_policy("fifo"); }
Test(os_model, lru) { check_policy("lru"); }
Test(os_model, opt) { check_policy("opt"); }
Test(os_model, random) { check_policy("random"); }

/* The opt policy refuses to run blind: its future must have been read. */
Test(os_model, opt_without_future_is_an_error)
{
	static const char yaml[] = "extends: x86_64\n";
	struct machine_config cfg;
	struct machine *m;
	struct replay r;
	struct mm_error err = { 0 };
	struct replay_options opt = { .os = true, .os_opt = { .resident_pages = 2, .replacement = "opt" } };
	struct trace_event ev = { .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x100000, .line = 1 };

	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_init(&r, m, &opt, "t.trace", &err), MM_OK, "%s", err.msg);
	cr_expect_eq(replay_events(&r, &ev, 1, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "t.trace:1: page fault at 0x100000: replacement opt needs the future: the trace must be read first");
	replay_fini(&r);
	machine_destroy(m);
}
