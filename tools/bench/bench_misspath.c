/*
 * mmusim-bench-misspath: the miss path end to end, against a bare loop, in
 * one run.  A lackey trace of uniform random 8-byte loads over 1 GiB (every
 * access misses a 64-entry TLB and walks; the first touch of each page
 * demand-maps it) is written once, then replayed:
 *
 *   - bare: a hand-written loop that reads the file, parses each line, probes
 *     one 64-entry 4-way TLB, walks a 4-level radix of 512-entry nodes and
 *     maps a missing page (allocating the tables it needs) — no permissions,
 *     A/D bits, statistics or fault kinds;
 *   - mmusim: `mmusim replay --demand-paging` of the same file, in process
 *     (reader, parser, replay loop, MMU, walker, demand map), on the x86_64
 *     preset (L1 and L2 TLBs, PWCs) and on an x86_64 with the bare loop's
 *     single 64-entry 4-way TLB and no PWC.
 *
 * Figures are CPU time of this process (CLOCK_PROCESS_CPUTIME_ID), not wall
 * time: the machines are shared.  Each is the best of --repeat runs.
 */
#define _DEFAULT_SOURCE /* mkstemp */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "formats/config.h"
#include "formats/trace.h"
#include "sim/replay.h"

#define BATCH 4096
#define SPAN_PAGES (1ull << 18) /* 1 GiB of 4 KiB pages */
#define BASE 0x10000000ull

static volatile uint64_t sink;

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *write_trace(const char *dir, uint64_t n)
{
	char *path = malloc(256);
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	FILE *f;
	int fd;

	snprintf(path, 256, "%s/mmusim-misspath-XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0 || !(f = fdopen(fd, "w"))) {
		perror("mmusim-bench-misspath: temporary trace");
		exit(1);
	}
	fputs("==4242== Lackey, an example Valgrind tool\n", f);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t r = xorshift64(&seed);
		fprintf(f, " L %08" PRIx64 ",8\n", (uint64_t)(BASE + (r % SPAN_PAGES) * 4096 + ((r >> 40) & 0xff8)));
	}
	fclose(f);
	return path;
}

/*
 * The bare loop.  Nodes are 512-entry arrays in one growing pool; an entry is
 * (node index << 12) | 1, a leaf (frame << 12) | 1.
 */
struct bare {
	uint64_t *pool;
	uint64_t nr_nodes, cap_nodes, frames;
	uint64_t tag[64], frame[64];
	unsigned next_way[16];
};

static uint64_t bare_node(struct bare *b)
{
	if (b->nr_nodes == b->cap_nodes) {
		b->cap_nodes = b->cap_nodes ? 2 * b->cap_nodes : 64;
		b->pool = realloc(b->pool, b->cap_nodes * 512 * sizeof(uint64_t));
		if (!b->pool)
			exit(1);
	}
	memset(&b->pool[b->nr_nodes * 512], 0, 512 * sizeof(uint64_t));
	return b->nr_nodes++;
}

static uint64_t bare_translate(struct bare *b, uint64_t va)
{
	uint64_t vpn = va >> 12, set = vpn & 15;

	for (unsigned w = 0; w < 4; w++)
		if (b->tag[set * 4 + w] == vpn + 1)
			return b->frame[set * 4 + w] << 12 | (va & 0xfff);
	uint64_t node = 0, e = 0;
	for (int level = 3; level >= 0; level--) {
		uint64_t *slot = &b->pool[node * 512 + ((vpn >> (9 * level)) & 511)];
		if (!(*slot & 1)) /* demand map: a table, or the page */
			*slot = ((level ? bare_node(b) : ++b->frames) << 12) | 1;
		slot = &b->pool[node * 512 + ((vpn >> (9 * level)) & 511)]; /* the pool may have moved */
		e = *slot;
		node = e >> 12;
	}
	unsigned w = b->next_way[set]++ & 3;
	b->tag[set * 4 + w] = vpn + 1;
	b->frame[set * 4 + w] = e >> 12;
	return (e >> 12) << 12 | (va & 0xfff);
}

static double run_bare(const char *path, uint64_t *lines)
{
	static signed char hex[256];
	struct bare b = { 0 };
	char *buf = malloc(1 << 20);
	size_t have = 0;
	uint64_t sum = 0;
	double t0 = cpu_now();
	FILE *f = fopen(path, "r");

	if (!f || !buf)
		exit(1);
	memset(hex, -1, sizeof(hex));
	for (int c = 0; c < 10; c++)
		hex['0' + c] = (signed char)c;
	for (int c = 0; c < 6; c++)
		hex['a' + c] = hex['A' + c] = (signed char)(10 + c);
	bare_node(&b); /* the root */
	*lines = 0;
	for (;;) {
		size_t got = fread(buf + have, 1, (1 << 20) - have, f);
		char *end = buf + have + got, *q = buf, *nl;
		if (got == 0 && have == 0)
			break;
		while ((nl = memchr(q, '\n', (size_t)(end - q))) != NULL) {
			if (q[0] == ' ' && (q[1] == 'L' || q[1] == 'S')) {
				uint64_t addr = 0;
				for (q += 3; hex[(unsigned char)*q] >= 0; q++)
					addr = addr << 4 | (uint64_t)hex[(unsigned char)*q];
				sum += bare_translate(&b, addr);
				++*lines;
			}
			q = nl + 1;
		}
		have = (size_t)(end - q);
		memmove(buf, q, have);
		if (got == 0)
			break;
	}
	fclose(f);
	double t = cpu_now() - t0;
	sink = sum;
	free(b.pool);
	free(buf);
	return t;
}

static double run_mmusim(const char *yaml, const char *path, uint64_t *walks)
{
	struct machine_config cfg;
	struct machine *m;
	struct replay r;
	struct replay_options opt = { .demand_page_size = 4096 };
	struct mm_error err = { 0 };
	struct trace_reader *rd;
	struct trace_event *ev = calloc(BATCH, sizeof(*ev));
	long n;

	if (config_load_string(yaml, strlen(yaml), "bench.yaml", &cfg, &err) || machine_create(&cfg, &m, &err) ||
	    replay_init(&r, m, &opt, path, &err)) {
		fprintf(stderr, "mmusim-bench-misspath: %s\n", err.msg);
		exit(1);
	}
	double t0 = cpu_now();
	if (trace_reader_open(path, TRACE_FORMAT_AUTO, &rd, &err)) {
		fprintf(stderr, "mmusim-bench-misspath: %s\n", err.msg);
		exit(1);
	}
	while ((n = trace_reader_next(rd, ev, BATCH, &err)) > 0)
		if (replay_events(&r, ev, (size_t)n, &err)) {
			fprintf(stderr, "mmusim-bench-misspath: %s\n", err.msg);
			exit(1);
		}
	trace_reader_close(rd);
	double t = cpu_now() - t0;
	*walks = r.mmu.stats.walks;
	replay_fini(&r);
	machine_destroy(m);
	free(ev);
	return t;
}

int main(int argc, char **argv)
{
	static const char preset[] = "extends: x86_64\n";
	static const char one_tlb[] = "extends: x86_64\npwc: []\n"
				      "tlb: [ { name: l1d, level: 1, kind: unified, entries: 64, ways: 4, page_sizes: [4K] } ]\n";
	uint64_t n = 4000000, lines = 0, walks[2] = { 0 };
	unsigned repeat = 3;
	int only = -1;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	double bare = 1e30, sim[2] = { 1e30, 1e30 };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--accesses") == 0 && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
			 (strcmp(argv[i + 1], "preset") == 0 || strcmp(argv[i + 1], "one-tlb") == 0))
			only = strcmp(argv[++i], "preset") == 0 ? 0 : 1; /* for a profiler: one replay per run */
		else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
			repeat = (unsigned)strtoul(argv[++i], NULL, 0);
		else {
			fputs("usage: mmusim-bench-misspath [--accesses N] [--repeat N] [--only preset|one-tlb]\n", stderr);
			return 2;
		}
	}
	char *path = write_trace(dir, n);
	for (unsigned k = 0; k < repeat; k++) {
		double t = run_bare(path, &lines);
		bare = t < bare ? t : bare;
		for (int c = 0; c < 2; c++) {
			if (only >= 0 && c != only)
				continue;
			t = run_mmusim(c ? one_tlb : preset, path, &walks[c]);
			sim[c] = t < sim[c] ? t : sim[c];
		}
	}
	unlink(path);
	free(path);
	printf("miss path: %" PRIu64 " random loads over 1 GiB (lackey), CPU time, best of %u\n", lines, repeat);
	printf("  bare loop (parse, 64-entry TLB, 4-level walk, demand map)  %.3f s  %.1f M/s\n", bare,
	       (double)lines / bare / 1e6);
	/* With --only, the configuration not run has no figure. */
	for (int c = 0; c < 2; c++)
		if (only < 0 || c == only)
			printf("  mmusim, %-26s %.3f s  %.1f M/s  %.2fx bare  (%" PRIu64 " walks)\n",
			       c ? "one 64-entry TLB, no PWC" : "x86_64 preset", sim[c], (double)lines / sim[c] / 1e6,
			       sim[c] / bare, walks[c]);
	return 0;
}
