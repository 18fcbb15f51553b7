/*
 * bench_tlb_policy: the replacement policies and prefetchers on a few
 * access patterns, through x86_64 with a 64-entry 4-way L1 DTLB and a
 * 1024-entry 8-way STLB (power-of-two ways, so that plru applies), no PWC.
 *
 *   loop      reads cycling over 1280 pages: more than the STLB holds, so LRU
 *             misses every time while PLRU, SRRIP and random keep part of it;
 *   hot+scan  7 of 8 reads to 512 hot pages at random, 1 of 8 the next page
 *             of a scan through 64 K pages (SRRIP's case: the scan should not
 *             push out the hot set);
 *   stream    a sequential pass, 8 reads per page (the prefetchers' case);
 *   stride3   every third page, 8 reads per page (distance prefetching's).
 *
 * The variants: each policy for both TLBs without prefetching, then LRU
 * with a prefetcher on the STLB (next and sequential degree 2, distance
 * degree 2, line prefetch).  Figures are measured, never asserted.
 */
#include "bench_tlb_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "formats/config.h"
#include "sim/replay.h"

#define BASE 0x10000000ull
#define SCAN_PAGES 65536ull
#define EVENTS 4096

enum pattern { LOOP, HOT_SCAN, STREAM, STRIDE3, PATTERNS };
static const char *const pattern_names[] = { "loop", "hot+scan", "stream", "stride3" };

struct variant {
	const char *name;
	const char *replacement;
	const char *stlb_extra;      /* appended to the STLB's mapping */
};

static const struct variant variants[] = {
	{ "lru", "lru", "" },
	{ "fifo", "fifo", "" },
	{ "random", "random", "" },
	{ "plru", "plru", "" },
	{ "srrip", "srrip", "" },
	{ "lru+next2", "lru", ", prefetch: {kind: next, degree: 2}" },
	{ "lru+seq2", "lru", ", prefetch: {kind: sequential, degree: 2}" },
	{ "lru+dist2", "lru", ", prefetch: {kind: distance, degree: 2}" },
	{ "lru+line", "lru", ", line_prefetch: true" },
};

struct pattern_state {
	enum pattern p;
	uint64_t i, rng, scan;
};

static uint64_t next_va(struct pattern_state *s)
{
	uint64_t page;

	switch (s->p) {
	case LOOP: page = s->i % 1280; break;
	case HOT_SCAN:
		if (s->i % 8 == 7)
			page = 512 + s->scan++ % SCAN_PAGES;
		else
			page = xorshift64(&s->rng) % 512;
		break;
	case STREAM: page = (s->i / 8) % SCAN_PAGES; break;
	default: page = (s->i / 8 * 3) % SCAN_PAGES; break;
	}
	s->i++;
	return BASE + page * 4096 + (s->i % 8) * 512;
}

struct outcome {
	double rate, miss_rate, walks_per_k;
	uint64_t issued, useful, useless;
};

static int run(const struct variant *v, enum pattern p, uint64_t n, struct outcome *out)
{
	char yaml[512];
	struct machine_config cfg;
	struct machine *m;
	struct mm_error err = { 0 };
	struct page_prop prop = { PROP_R | PROP_W | PROP_U | PROP_A | PROP_D, CACHE_WB };
	struct replay_options opt = { 0 };
	struct replay r;
	struct trace_event ev[EVENTS];
	struct pattern_state s = { .p = p, .rng = 0x9e3779b97f4a7c15ull };
	double t = 0;

	snprintf(yaml, sizeof(yaml),
		 "extends: x86_64\npwc: []\ntlb:\n"
		 "  - {name: l1d, level: 1, kind: data, entries: 64, ways: 4, page_sizes: [4K], replacement: %s}\n"
		 "  - {name: stlb, level: 2, kind: data, entries: 1024, ways: 8, page_sizes: [4K], replacement: %s,"
		 " latency: 9%s}\n",
		 v->replacement, v->replacement, v->stlb_extra);
	if (config_load_string(yaml, strlen(yaml), "bench.yaml", &cfg, &err) || machine_create(&cfg, &m, &err))
		goto fail;
	if (machine_map(m, BASE, cfg.mem_base + 0x1000, (SCAN_PAGES + 1024) * 4096, &prop, &err) ||
	    replay_init(&r, m, &opt, "bench", &err)) {
		machine_destroy(m);
		goto fail;
	}
	for (uint64_t done = 0; done < n; done += EVENTS) {
		for (unsigned i = 0; i < EVENTS; i++)
			ev[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = next_va(&s) };
		double t0 = bench_now();
		replay_events(&r, ev, EVENTS, &err);
		t += bench_now() - t0;
	}
	struct tlb_stats st;
	replay_tlb_totals(&r, 1, false, &st);
	*out = (struct outcome){
		.rate = (double)n / t,
		.miss_rate = st.hits + st.misses ? (double)st.misses / (double)(st.hits + st.misses) : 0,
		.walks_per_k = 1000.0 * (double)r.mmu.stats.walks / (double)n,
		.issued = st.prefetches,
		.useful = st.prefetch_useful,
		.useless = st.prefetch_useless,
	};
	replay_fini(&r);
	machine_destroy(m);
	return 0;
fail:
	fprintf(stderr, "mmusim-bench: %s\n", err.msg);
	return -1;
}

void bench_tlb_policy(unsigned repeat, uint64_t accesses)
{
	const uint64_t n = accesses / 10 / EVENTS * EVENTS + EVENTS;

	printf("%-9s %-10s %10s %12s %10s %10s\n", "pattern", "variant", "stlb miss", "walks/1000", "accuracy",
	       "M acc/s");
	for (enum pattern p = 0; p < PATTERNS; p++) {
		for (unsigned v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
			struct outcome best = { 0 }, o;
			for (unsigned k = 0; k < repeat; k++)
				if (run(&variants[v], p, n, &o) == 0 && o.rate > best.rate)
					best = o;
			printf("%-9s %-10s %9.2f%% %12.2f", pattern_names[p], variants[v].name, 100.0 * best.miss_rate,
			       best.walks_per_k);
			if (best.issued)
				printf(" %9.1f%%", 100.0 * (double)best.useful / (double)best.issued);
			else
				printf(" %10s", "-");
			printf(" %10.1f\n", best.rate / 1e6);
		}
	}
}
