/*
 * mmusim-bench: throughput and memory of the replay pipeline.
 *
 * Workloads (generated, seeded): sequential, uniform random over N pages,
 * Zipf(0.99) over N pages, and strided.  For the x86_64, sv39 and aarch64 presets it
 * prints:
 *   - translations/s on the TLB-hit path (accesses within a few hot pages),
 *   - full walks/s with TLBs and caches off (uniform random over 1 M mapped pages),
 *   - replay of a binary trace file (accesses/s, reader included),
 *   - replay of a lackey text trace (lines/s, parser included),
 *   - peak RSS with 1 M distinct 4 KiB pages mapped, against page-table bytes,
 * and the per-workload TLB miss rates, so figures can be compared run to run
 * (--json).  `--only vm` compares virtual machines with their native
 * machines (sv48x4 / sv48, x86_64_ept / x86_64, x86_64_npt / x86_64): a
 * walk-heavy replay (uniform random over 1 GiB) with caches off and on, its
 * rate, references per walk, and the VM's time over the native one.  `--only paging`
 * replays under memory pressure (the OS layer): uniform random reads over
 * 512 pages with 256 resident, for each replacement policy, accesses/s and
 * evictions/s.  `--only mrc` times one miss-ratio-curve pass (every
 * fully associative LRU TLB size 1..4096) against one replay and against 64
 * separate replays of the same accesses, and prints the ratios.  `--only caches`:
 * the TLB-hit path and walk-heavy replay with the data caches (`caches:`) off,
 * on for PTE reads, and on for data too.  `--only tlbpolicy` compares the TLB
 * replacement policies and prefetchers (bench_tlb_policy.c).  `--only log`: the
 * same two with the per-translation log off, its records made and dropped, and
 * written as JSON Lines to /dev/null.  `--only capture [-- PROGRAM ARGS]`
 * times `mmusim run` with the QEMU plugin against Valgrind lackey on the same
 * program (bench_capture.c).  Each throughput figure is the best of --repeat runs (3 by
 * default): on a shared machine a run can only be slowed down by others, never
 * sped up, so the fastest is the closest to what the code costs.  Figures are
 * measured, never asserted.
 */
#define _DEFAULT_SOURCE /* mkstemp, getrusage */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_capture.h"
#include "bench_tlb_policy.h"
#include "bench_util.h"
#include "sim/mrc.h"
#include "sim/replay.h"
#include "formats/config.h"
#include "formats/trace.h"

#define BATCH 4096

struct opts {
	bool json;
	uint64_t accesses;      /* per throughput run */
	uint64_t pages;         /* mapped pages for the walk and RSS figures */
	const char *tmpdir;
	const char *only;       /* "hit" or "walks": just that figure (for profilers) */
	unsigned repeat;        /* runs per throughput figure; the best is reported */
	char *const *program;   /* --only capture: the program to run (NULL: the default) */
};

enum workload { WL_SEQUENTIAL, WL_UNIFORM, WL_ZIPF, WL_STRIDED, WL_HOT };
static const char *const wl_names[] = { "sequential", "uniform", "zipf", "strided", "hot" };

struct gen {
	enum workload wl;
	uint64_t pages, base, i, seed;
	double *zipf_cdf;
};

static void gen_init(struct gen *g, enum workload wl, uint64_t pages, uint64_t base)
{
	memset(g, 0, sizeof(*g));
	g->wl = wl;
	g->pages = pages;
	g->base = base;
	g->seed = 0x9e3779b97f4a7c15ull;
	if (wl == WL_ZIPF) {
		double sum = 0;
		g->zipf_cdf = malloc(pages * sizeof(double));
		for (uint64_t k = 0; k < pages; k++)
			g->zipf_cdf[k] = (sum += 1.0 / pow((double)(k + 1), 0.99));
		for (uint64_t k = 0; k < pages; k++)
			g->zipf_cdf[k] /= sum;
	}
}

static void gen_fini(struct gen *g)
{
	free(g->zipf_cdf);
}

/* The next VA: a page chosen by the workload, an offset within it. */
static uint64_t gen_next(struct gen *g)
{
	uint64_t page, r = xorshift64(&g->seed);

	switch (g->wl) {
	case WL_SEQUENTIAL: page = (g->i / 64) % g->pages; break;  /* 64 touches per page */
	case WL_STRIDED: page = (g->i * 17) % g->pages; break;
	case WL_HOT: page = r % 8; break;
	case WL_ZIPF: {
		double u = (double)(r >> 11) * (1.0 / 9007199254740992.0);
		uint64_t lo = 0, hi = g->pages - 1;
		while (lo < hi) {
			uint64_t mid = (lo + hi) / 2;
			if (g->zipf_cdf[mid] < u) lo = mid + 1; else hi = mid;
		}
		page = lo;
		break;
	}
	default: page = r % g->pages; break;
	}
	g->i++;
	return g->base + page * 4096 + ((r >> 32) & 0xff8);
}

/* The preset, or (caches off) with no TLB and no PWC: a VM's nested TLB and stage-2 PWCs too. */
static void config_yaml(const char *preset, bool caches, bool vm, char *buf, size_t len)
{
	snprintf(buf, len, "extends: %s\n%s%s", preset, caches ? "" : "tlb: []\npwc: []\n",
		 caches || !vm ? "" : "stage2: { tlb: [], pwc: [] }\n");
}

static struct machine *make_machine(const char *preset, bool caches)
{
	struct machine_config cfg;
	struct machine *m;
	struct mm_error err = { 0 };
	char y[256];

	config_yaml(preset, true, false, y, sizeof(y));
	if (config_load_string(y, strlen(y), "bench.yaml", &cfg, &err) == MM_OK && !caches)
		config_yaml(preset, false, cfg.stage2.arch != NULL, y, sizeof(y));
	if (config_load_string(y, strlen(y), "bench.yaml", &cfg, &err) || machine_create(&cfg, &m, &err)) {
		fprintf(stderr, "mmusim-bench: %s\n", err.msg);
		exit(1);
	}
	return m;
}

/* Where the benchmarks map their pages: low in the user half of every preset. */
#define USER_BASE 0x10000000ull

/* Maps `pages` 4 KiB pages at base as one range of 4K leaves (PA 2M-misaligned on purpose). */
static void map_pages(struct machine *m, uint64_t base, uint64_t pages)
{
	struct page_prop p = { PROP_R | PROP_W | PROP_X | PROP_U | PROP_A | PROP_D, CACHE_WB };
	struct mm_error err = { 0 };

	if (machine_map(m, base, m->cfg.mem_base + 0x1000, pages * 4096, &p, &err)) {
		fprintf(stderr, "mmusim-bench: %s\n", err.msg);
		exit(1);
	}
}

struct result {
	double rate;          /* per second */
	double miss_rate;     /* l1d, when there is one */
	uint64_t walks;
	uint64_t pte_reads;
};

enum log_mode { LOG_OFF, LOG_RECORDS, LOG_JSON };

/* --only log: records made and dropped, to time them apart from the JSON. */
static void drop_record(void *arg, const struct access_detail *d)
{
	(void)arg;
	(void)d;
}

/* Replays `n` generated accesses through machine m, which it then destroys, with the per-translation log as asked. */
static struct result run_replay_logged(struct machine *m, enum workload wl, uint64_t pages, uint64_t n,
				       enum log_mode log)
{
	struct replay r;
	struct replay_options opt = { 0 };
	FILE *devnull = log == LOG_JSON ? fopen("/dev/null", "w") : NULL;

	if (log == LOG_JSON && !devnull) {
		perror("mmusim-bench: /dev/null");
		exit(1);
	}
	opt.log_out = devnull;
	struct mm_error err = { 0 };
	struct trace_event *ev = calloc(BATCH, sizeof(*ev));
	struct gen g;
	struct result res = { 0 };
	double t0, t = 0;

	map_pages(m, USER_BASE, pages);
	replay_init(&r, m, &opt, "bench", &err);
	if (log == LOG_RECORDS)
		replay_log_set(&r, drop_record, NULL);
	gen_init(&g, wl, pages, USER_BASE);
	for (uint64_t done = 0; done < n; done += BATCH) {
		for (unsigned i = 0; i < BATCH; i++)
			ev[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = gen_next(&g) };
		t0 = bench_now();
		replay_events(&r, ev, BATCH, &err);
		t += bench_now() - t0;
	}
	res.rate = (double)n / t;
	res.walks = r.mmu.stats.walks;
	res.pte_reads = r.mmu.stats.pte_reads;
	if (m->cfg.nr_tlb) {
		struct tlb_stats s;
		replay_tlb_totals(&r, 1, false, &s);
		res.miss_rate = s.hits + s.misses ? (double)s.misses / (double)(s.hits + s.misses) : 0;
	}
	replay_fini(&r);
	gen_fini(&g);
	free(ev);
	machine_destroy(m);
	if (devnull)
		fclose(devnull);
	return res;
}

/* Replays `n` generated accesses through machine m, which it then destroys; returns accesses/s. */
static struct result run_replay_on(struct machine *m, enum workload wl, uint64_t pages, uint64_t n)
{
	return run_replay_logged(m, wl, pages, n, LOG_OFF);
}

/* Replays `n` generated accesses through a fresh machine; returns accesses/s. */
static struct result run_replay(const char *preset, bool caches, enum workload wl, uint64_t pages,
				uint64_t n)
{
	return run_replay_on(make_machine(preset, caches), wl, pages, n);
}

/* run_replay, best rate of o->repeat runs. */
static struct result best_replay(const struct opts *o, const char *preset, bool caches, enum workload wl,
				 uint64_t pages, uint64_t n)
{
	struct result best = { 0 };

	for (unsigned i = 0; i < o->repeat; i++) {
		struct result r = run_replay(preset, caches, wl, pages, n);
		if (r.rate > best.rate)
			best = r;
	}
	return best;
}

/* Writes n accesses of a workload as a trace file (binary or lackey); returns its path. */
static char *write_trace(const struct opts *o, bool lackey, enum workload wl, uint64_t pages,
			 uint64_t base, uint64_t n)
{
	char *path = malloc(256);
	struct gen g;
	int fd;

	snprintf(path, 256, "%s/mmusim-bench-XXXXXX", o->tmpdir);
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mmusim-bench: mkstemp");
		exit(1);
	}
	gen_init(&g, wl, pages, base);
	if (lackey) {
		FILE *f = fdopen(fd, "w");
		fputs("==4242== Lackey, an example Valgrind tool\n", f);
		for (uint64_t i = 0; i < n; i++) {
			uint64_t va = gen_next(&g);
			switch (i % 4) {
			case 0: fprintf(f, "I  %08" PRIx64 ",4\n", va); break;
			case 1: fprintf(f, " L %08" PRIx64 ",8\n", va); break;
			case 2: fprintf(f, " S %08" PRIx64 ",8\n", va); break;
			default: fprintf(f, " L %08" PRIx64 ",4\n", va); break;
			}
		}
		fclose(f);
	} else {
		struct trace_writer *w;
		struct trace_event ev[BATCH];
		struct mm_error err = { 0 };
		close(fd);
		if (trace_writer_open(path, &w, &err)) {
			fprintf(stderr, "mmusim-bench: %s\n", err.msg);
			exit(1);
		}
		for (uint64_t done = 0; done < n; done += BATCH) {
			for (unsigned i = 0; i < BATCH; i++)
				ev[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = (uint8_t)(i % 3 == 2),
							      .size = 8, .va = gen_next(&g) };
			trace_writer_put(w, ev, BATCH, &err);
		}
		trace_writer_close(w, &err);
	}
	gen_fini(&g);
	return path;
}

/* Reads and replays a trace file end to end; returns events (accesses or lines) per second. */
static double replay_file(const char *preset, const char *path, uint64_t pages, uint64_t *events)
{
	struct machine *m = make_machine(preset, true);
	struct replay r;
	struct replay_options opt = { 0 };
	struct mm_error err = { 0 };
	struct trace_reader *rd;
	struct trace_event *ev = calloc(BATCH, sizeof(*ev));
	long n;
	double t0;

	map_pages(m, USER_BASE, pages);
	replay_init(&r, m, &opt, path, &err);
	*events = 0;
	t0 = bench_now();
	if (trace_reader_open(path, TRACE_FORMAT_AUTO, &rd, &err)) {
		fprintf(stderr, "mmusim-bench: %s\n", err.msg);
		exit(1);
	}
	while ((n = trace_reader_next(rd, ev, BATCH, &err)) > 0) {
		replay_events(&r, ev, (size_t)n, &err);
		*events += (uint64_t)n;
	}
	trace_reader_close(rd);
	double t = bench_now() - t0;
	replay_fini(&r);
	free(ev);
	machine_destroy(m);
	return (double)*events / t;
}

/* replay_file, best rate of o->repeat runs. */
static double best_file(const struct opts *o, const char *preset, const char *path, uint64_t pages,
			uint64_t *events)
{
	double best = 0;

	for (unsigned i = 0; i < o->repeat; i++) {
		double rate = replay_file(preset, path, pages, events);
		if (rate > best)
			best = rate;
	}
	return best;
}

/* In a child (so the figure is this run's peak alone): map pages, report peak RSS. */
static void measure_rss(const char *preset, uint64_t pages, uint64_t *rss_kb, uint64_t *pt_bytes)
{
	int fds[2];
	uint64_t out[2] = { 0, 0 };

	if (pipe(fds))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		struct machine *m = make_machine(preset, true);
		struct rusage ru;
		struct gen g;
		struct page_prop p = { PROP_R | PROP_W | PROP_U, CACHE_WB };
		uint64_t base = USER_BASE;

		/* Distinct pages scattered over 64 GiB of VA: the page-table-heavy case. */
		gen_init(&g, WL_UNIFORM, 1ull << 24, base);
		for (uint64_t i = 0; i < pages; i++) {
			uint64_t va = base + (xorshift64(&g.seed) % (1ull << 24)) * 4096;
			machine_map(m, va, m->cfg.mem_base + 0x1000, 4096, &p, NULL);
		}
		getrusage(RUSAGE_SELF, &ru);
		out[0] = (uint64_t)ru.ru_maxrss;
		out[1] = machine_nr_nodes(m) * m->cfg.pc.base_page_size;
		if (write(fds[1], out, sizeof(out)) != sizeof(out))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], out, sizeof(out)) != sizeof(out))
		out[0] = out[1] = 0;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	*rss_kb = out[0];
	*pt_bytes = out[1];
}

/* Everything mmusim-bench reports for one preset. */
struct figures {
	struct result hit, walks, wl[4];
	double bin_rate[2], lk_rate[2];   /* [0] sequential, [1] Zipf */
	uint64_t nb, nl, rss_kb, pt_bytes;
};

static void measure_throughput(const struct opts *o, const char *preset, struct figures *f)
{
	memset(f, 0, sizeof(*f));
	f->hit = best_replay(o, preset, true, WL_HOT, o->pages, o->accesses);
	f->walks = best_replay(o, preset, false, WL_UNIFORM, o->pages, o->accesses / 4);
	for (unsigned k = 0; k < 4; k++)
		f->wl[k] = run_replay(preset, true, (enum workload)k, 65536, o->accesses / 4);
	/* Trace files: program-like locality (sequential) and a Zipf stress over 64 K pages. */
	for (unsigned w = 0; w < 2; w++) {
		enum workload kind = w ? WL_ZIPF : WL_SEQUENTIAL;
		char *bin = write_trace(o, false, kind, 65536, USER_BASE, o->accesses);
		char *lk = write_trace(o, true, kind, 65536, USER_BASE, o->accesses / 2);
		f->bin_rate[w] = best_file(o, preset, bin, 65536, &f->nb);
		f->lk_rate[w] = best_file(o, preset, lk, 65536, &f->nl);
		unlink(bin);
		unlink(lk);
		free(bin);
		free(lk);
	}
}

static void print_figures(const struct opts *o, const char *preset, unsigned p, const struct figures *f)
{
	double limit_mb = (1.5 * (double)f->pt_bytes + 64.0 * 1048576.0) / 1048576.0;

	if (o->json) {
		printf("%s\"%s\":{\"tlb_hit_per_s\":%.0f,\"walks_per_s\":%.0f,\"binary_accesses_per_s\":%.0f,"
		       "\"lackey_lines_per_s\":%.0f,\"binary_zipf_accesses_per_s\":%.0f,"
		       "\"lackey_zipf_lines_per_s\":%.0f,\"rss_mib\":%.1f,\"page_table_mib\":%.1f,"
		       "\"rss_limit_mib\":%.1f,\"l1d_miss_rate\":{",
		       p ? "," : "", preset, f->hit.rate, f->walks.rate, f->bin_rate[0], f->lk_rate[0], f->bin_rate[1],
		       f->lk_rate[1], (double)f->rss_kb / 1024.0, (double)f->pt_bytes / 1048576.0, limit_mb);
		for (unsigned k = 0; k < 4; k++)
			printf("%s\"%s\":%.4f", k ? "," : "", wl_names[k], f->wl[k].miss_rate);
		printf("}}");
	} else {
		printf("%s\n", preset);
		printf("  TLB-hit path          %8.1f M translations/s\n", f->hit.rate / 1e6);
		printf("  full walks (no TLB)   %8.1f M walks/s   (uniform over %" PRIu64 " pages)\n",
		       f->walks.rate / 1e6, o->pages);
		printf("  binary trace replay   %8.1f M accesses/s (%" PRIu64 " accesses, sequential; reader included)\n",
		       f->bin_rate[0] / 1e6, f->nb);
		printf("  lackey trace replay   %8.1f M lines/s    (%" PRIu64 " lines, sequential; parser included)\n",
		       f->lk_rate[0] / 1e6, f->nl);
		printf("  ... Zipf over 64K pages: binary %.1f M accesses/s, lackey %.1f M lines/s\n",
		       f->bin_rate[1] / 1e6, f->lk_rate[1] / 1e6);
		printf("  peak RSS, %" PRIu64 " pages  %8.1f MiB (page tables %.1f MiB; limit 1.5x + 64 = %.1f MiB)\n",
		       o->pages, (double)f->rss_kb / 1024.0, (double)f->pt_bytes / 1048576.0, limit_mb);
		printf("  l1d miss rate         ");
		for (unsigned k = 0; k < 4; k++)
			printf("%s %s %.2f%%", k ? "," : "", wl_names[k], 100.0 * f->wl[k].miss_rate);
		printf("\n");
	}
	fflush(stdout);
}

/*
 * A VM against its native machine on the same walk-heavy accesses: uniform
 * random over 1 GiB (256 K pages, within guest RAM), caches off and on.
 */
static void measure_vm(const struct opts *o)
{
	static const char *const pairs[][2] = {
		{ "sv48x4", "sv48" }, { "x86_64_ept", "x86_64" }, { "x86_64_npt", "x86_64" },
	};
	const uint64_t pages = 1u << 18, n = o->accesses / 8;
	const double done = (double)((n + BATCH - 1) / BATCH * BATCH); /* run_replay's whole batches */

	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		for (unsigned caches = 0; caches < 2; caches++) {
			struct result vm = best_replay(o, pairs[i][0], caches, WL_UNIFORM, pages, n);
			struct result native = best_replay(o, pairs[i][1], caches, WL_UNIFORM, pages, n);
			printf("%-10s vs %-6s caches %-3s: %.2f vs %.2f M accesses/s (%.2fx the time), "
			       "%.2f vs %.2f references per walk, %.1f%% vs %.1f%% of accesses walk\n",
			       pairs[i][0], pairs[i][1], caches ? "on" : "off", vm.rate / 1e6, native.rate / 1e6,
			       native.rate / vm.rate, (double)vm.pte_reads / (double)(vm.walks ? vm.walks : 1),
			       (double)native.pte_reads / (double)(native.walks ? native.walks : 1),
			       100.0 * (double)vm.walks / done, 100.0 * (double)native.walks / done);
		}
	}
}

/*
 * Memory pressure: n uniform random reads over `pages` pages, half of them
 * resident, through the OS layer with each policy (opt reads its future
 * first, untimed).  x86_64 with its caches.
 */
static void measure_paging(const struct opts *o)
{
	static const char *const policies[] = { "fifo", "lru", "clock", "opt", "random" };
	const uint64_t pages = 512, n = o->accesses / 20;
	struct trace_event *ev = calloc(n, sizeof(*ev));
	struct gen g;

	if (!ev)
		return;
	gen_init(&g, WL_UNIFORM, pages, USER_BASE);
	for (uint64_t i = 0; i < n; i++)
		ev[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = gen_next(&g) };
	gen_fini(&g);
	for (unsigned p = 0; p < sizeof(policies) / sizeof(policies[0]); p++) {
		double best = 0, evictions = 0;
		for (unsigned k = 0; k < o->repeat; k++) {
			struct machine *m = make_machine("x86_64", true);
			struct replay_options opt = { .os = true, .os_opt = { .resident_pages = pages / 2,
									       .replacement = policies[p] } };
			struct mm_error err = { 0 };
			struct replay r;
			if (replay_init(&r, m, &opt, "bench", &err) || replay_future(&r, ev, n, true, &err)) {
				fprintf(stderr, "mmusim-bench: %s\n", err.msg);
				machine_destroy(m);
				break;
			}
			double t0 = bench_now();
			for (uint64_t done = 0; done < n && !err.code; done += BATCH)
				replay_events(&r, ev + done, n - done < BATCH ? n - done : BATCH, &err);
			double t = bench_now() - t0;
			if ((double)n / t > best) {
				best = (double)n / t;
				evictions = (double)replay_paging_stats(&r)->evictions / t;
			}
			replay_fini(&r);
			machine_destroy(m);
		}
		printf("x86_64 paging %-6s %.2f M accesses/s, %.2f M evictions/s\n", policies[p], best / 1e6,
		       evictions / 1e6);
	}
	free(ev);
}

/* A machine whose only TLB is one LRU array of `entries` entries and `ways` ways (4K pages), no PWC. */
static struct machine *make_one_tlb_machine(unsigned entries, unsigned ways)
{
	struct machine_config cfg;
	struct machine *m;
	struct mm_error err = { 0 };
	char y[256];

	snprintf(y, sizeof(y), "extends: x86_64\ntlb:\n  - { name: t, level: 1, kind: unified, entries: %u, ways: %u, "
		 "page_sizes: [4K], replacement: lru }\npwc: []\n", entries, ways);
	if (config_load_string(y, strlen(y), "bench.yaml", &cfg, &err) || machine_create(&cfg, &m, &err)) {
		fprintf(stderr, "mmusim-bench: %s\n", err.msg);
		exit(1);
	}
	return m;
}

/* Replays ev through a machine with one fully associative LRU TLB of `entries`; seconds, *misses. */
static double replay_one_tlb(const struct trace_event *ev, uint64_t n, uint64_t pages, unsigned entries,
			     uint64_t *misses)
{
	struct machine *m = make_one_tlb_machine(entries, entries);
	struct replay_options opt = { 0 };
	struct mm_error err = { 0 };
	struct replay r;
	struct tlb_stats s;

	map_pages(m, USER_BASE, pages);
	replay_init(&r, m, &opt, "bench", &err);
	double t0 = bench_now();
	for (uint64_t done = 0; done < n && !err.code; done += BATCH)
		replay_events(&r, ev + done, n - done < BATCH ? n - done : BATCH, &err);
	double t = bench_now() - t0;
	replay_tlb_totals(&r, 0, false, &s);
	*misses = s.misses;
	replay_fini(&r);
	machine_destroy(m);
	return t;
}

/* One mrc pass over ev (1..max entries, and the set counts given); seconds, the curve in misses[0..max]. */
static double mrc_pass(const struct trace_event *ev, uint64_t n, unsigned max, const unsigned *sets,
		       unsigned nr_sets, uint64_t *misses)
{
	struct mrc_options mo = { .max_entries = max, .page_shift = 12, .kind = MRC_ALL, .nr_sets = nr_sets };
	struct mm_error err = { 0 };
	struct mrc *mrc;

	for (unsigned i = 0; i < nr_sets; i++)
		mo.sets[i] = sets[i];
	if (!(mrc = mrc_create(&mo, &err))) {
		fprintf(stderr, "mmusim-bench: %s\n", err.msg);
		exit(1);
	}
	double t0 = bench_now();
	mrc_events(mrc, ev, n, "bench", &err);
	double t = bench_now() - t0;
	mrc_curve(mrc, misses);
	mrc_destroy(mrc);
	return t;
}

/*
 * Miss-ratio curves: one mrc pass for every fully associative size 1..4096
 * against one replay of the largest TLB and against 64 separate replays
 * (64, 128, ..., 4096 entries) on the same accesses: Zipf(0.99) reads over
 * 64K pages.  Also checks that the pass's misses equal each replay's.
 */
static void measure_mrc(const struct opts *o)
{
	const uint64_t pages = 65536, n = o->accesses / 20;
	const unsigned max = 4096, sets[] = { 16, 64 };
	struct trace_event *ev = calloc(n, sizeof(*ev));
	uint64_t *curve = calloc(max + 1, sizeof(*curve)), misses;
	double mrc_t = 1e9, mrc_sets_t = 1e9, one_t = 1e9, small_t = 1e9, all_t = 0;
	unsigned equal = 0;
	struct gen g;

	if (!ev || !curve)
		exit(1);
	gen_init(&g, WL_ZIPF, pages, USER_BASE);
	for (uint64_t i = 0; i < n; i++)
		ev[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = gen_next(&g) };
	gen_fini(&g);
	for (unsigned k = 0; k < o->repeat; k++) {
		double t = mrc_pass(ev, n, max, sets, 2, curve);
		mrc_sets_t = t < mrc_sets_t ? t : mrc_sets_t;
		t = mrc_pass(ev, n, max, NULL, 0, curve);
		mrc_t = t < mrc_t ? t : mrc_t;
		t = replay_one_tlb(ev, n, pages, max, &misses);
		one_t = t < one_t ? t : one_t;
		t = replay_one_tlb(ev, n, pages, 64, &misses);
		small_t = t < small_t ? t : small_t;
	}
	for (unsigned e = 64; e <= max; e += 64) {
		all_t += replay_one_tlb(ev, n, pages, e, &misses);
		equal += misses == curve[e];
	}
	printf("mrc: %" PRIu64 " accesses, Zipf(0.99) over %" PRIu64 " pages; best of %u\n", n, pages, o->repeat);
	printf("  mrc, sizes 1..%u (one pass)       %8.3f s  %6.2f M accesses/s\n", max, mrc_t, (double)n / mrc_t / 1e6);
	printf("  mrc, also --sets 16,64            %8.3f s  %6.2f M accesses/s\n", mrc_sets_t,
	       (double)n / mrc_sets_t / 1e6);
	printf("  one replay, %u-entry TLB        %8.3f s  %6.2f M accesses/s\n", max, one_t, (double)n / one_t / 1e6);
	printf("  one replay, 64-entry TLB           %8.3f s  %6.2f M accesses/s\n", small_t, (double)n / small_t / 1e6);
	printf("  64 replays, 64..%u entries      %8.3f s\n", max, all_t);
	printf("  mrc / one replay = %.2fx the time (%.2fx a 64-entry one); 64 replays / mrc = %.1fx; "
	       "misses equal in %u of 64 sizes\n", mrc_t / one_t, mrc_t / small_t, all_t / mrc_t, equal);
	free(ev);
	free(curve);
}

/*
 * The data caches (`caches:`) off and on, on x86_64 with its TLBs and PWCs:
 * the TLB-hit path (a few hot pages) and a walk-heavy replay (uniform random
 * over --pages pages), with no caches: block, with one for the PTE reads
 * (Skylake client geometry), and with data: true as well.
 */
static void measure_data_caches(const struct opts *o)
{
	static const char *const variants[] = {
		"",
		"caches: {l1d: {sets: 64, ways: 8, latency: 4}, l2: {sets: 1024, ways: 4, latency: 12},\n"
		"         llc: {sets: 8192, ways: 16, latency: 42}}\n",
		"caches: {l1d: {sets: 64, ways: 8, latency: 4}, l2: {sets: 1024, ways: 4, latency: 12},\n"
		"         llc: {sets: 8192, ways: 16, latency: 42}, data: true}\n",
	};
	static const char *const names[] = { "off", "pte", "pte+data" };
	static const struct { enum workload wl; const char *name; unsigned divide; } runs[] = {
		{ WL_HOT, "hit", 1 }, { WL_UNIFORM, "walks", 4 },
	};

	for (unsigned w = 0; w < sizeof(runs) / sizeof(runs[0]); w++) {
		for (unsigned v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
			struct result best = { 0 };
			for (unsigned k = 0; k < o->repeat; k++) {
				struct machine_config cfg;
				struct machine *m;
				struct mm_error err = { 0 };
				char y[512];
				snprintf(y, sizeof(y), "extends: x86_64\n%s", variants[v]);
				if (config_load_string(y, strlen(y), "bench.yaml", &cfg, &err) ||
				    machine_create(&cfg, &m, &err)) {
					fprintf(stderr, "mmusim-bench: %s\n", err.msg);
					exit(1);
				}
				struct result r = run_replay_on(m, runs[w].wl, o->pages, o->accesses / runs[w].divide);
				if (r.rate > best.rate)
					best = r;
			}
			printf("x86_64 %-5s caches %-8s %.1f M accesses/s\n", runs[w].name, names[v], best.rate / 1e6);
		}
	}
}

/*
 * --only log: the TLB-hit path and walk-heavy replay (x86_64)
 * with the per-translation log off, with records made and dropped (a
 * library callback's cost), and written as JSON Lines to /dev/null.
 */
static void measure_access_log(const struct opts *o)
{
	static const char *const names[] = { "off", "records", "json" };
	/* As --only hit (the preset's TLBs) and --only walks (TLBs and PWCs off). */
	static const struct { enum workload wl; const char *name; unsigned divide; bool tlbs; } runs[] = {
		{ WL_HOT, "hit", 1, true }, { WL_UNIFORM, "walks", 4, false },
	};

	for (unsigned w = 0; w < sizeof(runs) / sizeof(runs[0]); w++) {
		for (unsigned mode = LOG_OFF; mode <= LOG_JSON; mode++) {
			struct result best = { 0 };
			for (unsigned k = 0; k < o->repeat; k++) {
				struct result r = run_replay_logged(make_machine("x86_64", runs[w].tlbs), runs[w].wl, o->pages,
								    o->accesses / runs[w].divide, (enum log_mode)mode);
				if (r.rate > best.rate)
					best = r;
			}
			printf("x86_64 %-5s log %-8s %.1f M accesses/s\n", runs[w].name, names[mode], best.rate / 1e6);
		}
	}
}

static void usage(void)
{
	fputs("usage: mmusim-bench [--json] [--accesses N] [--pages N] [--repeat N] [--tmpdir DIR]\n"
	      "                    [--only hit|walks|binary|lackey|vm|paging|mrc|caches|tlbpolicy|log|capture]\n"
	      "                    [-- PROGRAM ARGS (for capture)]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .accesses = 20000000, .pages = 1u << 20, .tmpdir = "/tmp", .repeat = 3 };
	static const char *const presets[] = { "x86_64", "sv39", "aarch64" };
	enum { NR_PRESETS = sizeof(presets) / sizeof(presets[0]) };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) o.json = true;
		else if (strcmp(argv[i], "--accesses") == 0 && i + 1 < argc) o.accesses = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--pages") == 0 && i + 1 < argc) o.pages = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--tmpdir") == 0 && i + 1 < argc) o.tmpdir = argv[++i];
		else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) o.repeat = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) o.only = argv[++i];
		else if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
			o.program = argv + i + 1;
			break;
		} else usage();
	}
	if (o.repeat == 0)
		usage();
	if (o.only) {
		bool walks = strcmp(o.only, "walks") == 0, hit = strcmp(o.only, "hit") == 0;
		bool lackey = strcmp(o.only, "lackey") == 0, binary = strcmp(o.only, "binary") == 0;
		if (strcmp(o.only, "vm") == 0) {
			measure_vm(&o);
			return 0;
		}
		if (strcmp(o.only, "paging") == 0) {
			measure_paging(&o);
			return 0;
		}
		if (strcmp(o.only, "mrc") == 0) {
			measure_mrc(&o);
			return 0;
		}
		if (strcmp(o.only, "log") == 0) {
			measure_access_log(&o);
			return 0;
		}
		if (strcmp(o.only, "caches") == 0) {
			measure_data_caches(&o);
			return 0;
		}
		if (strcmp(o.only, "capture") == 0) {
			bench_capture(o.repeat, o.program);
			return 0;
		}
		if (strcmp(o.only, "tlbpolicy") == 0) {
			bench_tlb_policy(o.repeat, o.accesses);
			return 0;
		}
		if (!walks && !hit && !lackey && !binary)
			usage();
		for (unsigned p = 0; p < NR_PRESETS; p++) {
			double rate;
			if (walks || hit) {
				rate = (walks ? best_replay(&o, presets[p], false, WL_UNIFORM, o.pages, o.accesses / 4)
					      : best_replay(&o, presets[p], true, WL_HOT, o.pages, o.accesses)).rate;
			} else {
				uint64_t n = 0;
				char *path = write_trace(&o, lackey, WL_SEQUENTIAL, 65536, USER_BASE,
							 lackey ? o.accesses / 2 : o.accesses);
				rate = best_file(&o, presets[p], path, 65536, &n);
				unlink(path);
				free(path);
			}
			printf("%s %s %.1f M/s\n", presets[p], o.only, rate / 1e6);
		}
		return 0;
	}
	struct figures fig[NR_PRESETS];
	for (unsigned p = 0; p < NR_PRESETS; p++)
		measure_throughput(&o, presets[p], &fig[p]);
	/*
	 * The RSS children last: a process that maps 1 M pages leaves the host's
	 * memory management busy for a while, which would slow what came next.
	 */
	for (unsigned p = 0; p < NR_PRESETS; p++)
		measure_rss(presets[p], o.pages, &fig[p].rss_kb, &fig[p].pt_bytes);
	if (o.json)
		fputs("{", stdout);
	for (unsigned p = 0; p < NR_PRESETS; p++)
		print_figures(&o, presets[p], p, &fig[p]);
	if (o.json)
		puts("}");
	return 0;
}
