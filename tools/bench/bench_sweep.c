/*
 * mmusim-bench-sweep: what a sweep saves.  Replays one generated trace on
 * eight machine models, first as eight separate replays (each reads and
 * decodes the trace again), then as one sweep (read once) on 1 and 2
 * threads, and prints the times and the ratio sweep / separate.  Two inputs:
 * a lackey text trace and an xz-compressed ChampSim trace (the usual
 * *.champsimtrace.xz), where decoding costs the most.  Figures are measured,
 * never asserted by the tests.
 *
 *   mmusim-bench-sweep [--instructions N] [--tmpdir DIR]
 */
#define _DEFAULT_SOURCE /* mkstemp */
#include <inttypes.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "sim/byteorder.h"
#include "formats/config.h"
#include "sim/replay.h"
#include "sim/sweep.h"
#include "formats/trace.h"

#define BATCH 4096
#define NR_CONFIGS 8

/* The eight models: five presets and three x86_64 TLB variants. */
static const char *const preset_names[] = { "x86_64", "x86_64_la57", "sv39", "sv48", "sv57" };
static const char *const variants[] = {
	"extends: x86_64\nname: x86-small-stlb\n"
	"tlb:\n  - {name: l1d, level: 1, kind: data, entries: 64, ways: 4, page_sizes: [4K, 2M, 1G]}\n"
	"  - {name: l1i, level: 1, kind: instruction, entries: 128, ways: 8, page_sizes: [4K]}\n"
	"  - {name: stlb, level: 2, kind: unified, entries: 256, ways: 4, page_sizes: [4K, 2M]}\n",
	"extends: x86_64\nname: x86-no-pwc\npwc: []\n",
	"extends: x86_64\nname: x86-big-l1\n"
	"tlb:\n  - {name: l1d, level: 1, kind: data, entries: 256, ways: 8, page_sizes: [4K, 2M, 1G]}\n"
	"  - {name: l1i, level: 1, kind: instruction, entries: 256, ways: 8, page_sizes: [4K]}\n",
};

/*
 * One made-up program, instruction by instruction: a 256 KiB code loop, a
 * load in 2 of 5 instructions (a hot 2 MiB buffer 99 % of the time, a 64
 * MiB heap otherwise), a store in 1 of 5 (the stack).
 */
struct instr {
	uint64_t ip, load, store;
};

static void next_instr(uint64_t i, uint64_t *seed, struct instr *in)
{
	uint64_t r = xorshift64(seed);

	in->ip = 0x400000 + (i * 4) % (256 << 10);
	in->load = in->store = 0;
	if (i % 5 == 1 || i % 5 == 3)
		in->load = r % 100 ? 0x10000000 + (r >> 8) % (2 << 20) : 0x40000000 + (r >> 8) % (64ull << 20);
	if (i % 5 == 4)
		in->store = 0x7ffd00000000 + (r >> 12) % (64 << 10);
}

static FILE *temp_file(const char *dir, const char *suffix, char *path, size_t len)
{
	snprintf(path, len, "%s/mmusim-bench-sweep-XXXXXX%s", dir, suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	return fd < 0 ? NULL : fdopen(fd, "wb");
}

static int write_lackey(const char *path_dir, uint64_t n, char *path, size_t len)
{
	FILE *f = temp_file(path_dir, ".lackey", path, len);
	uint64_t seed = 88172645463325252ull;
	struct instr in;

	if (!f)
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		next_instr(i, &seed, &in);
		fprintf(f, "I  %08" PRIx64 ",4\n", in.ip);
		if (in.load)
			fprintf(f, " L %08" PRIx64 ",8\n", in.load);
		if (in.store)
			fprintf(f, " S %08" PRIx64 ",8\n", in.store);
	}
	return fclose(f);
}

/* ChampSim input_instr records, xz-compressed as they are distributed. */
static int write_champsim_xz(const char *dir, uint64_t n, char *path, size_t len)
{
	FILE *f = temp_file(dir, ".champsimtrace.xz", path, len);
	lzma_stream xz = LZMA_STREAM_INIT;
	uint64_t seed = 88172645463325252ull;
	unsigned char rec[64 * 256], out[1 << 16];
	struct instr in;
	int rc = 0;

	if (!f || lzma_easy_encoder(&xz, 3, LZMA_CHECK_CRC64) != LZMA_OK)
		return -1;
	for (uint64_t i = 0; i < n || xz.avail_in;) {
		size_t k = 0;
		for (; k < 256 && i < n; k++, i++) {
			unsigned char *p = rec + 64 * k;
			next_instr(i, &seed, &in);
			memset(p, 0, 64);
			store_le(p, 8, in.ip);
			store_le(p + 16, 8, in.store);
			store_le(p + 32, 8, in.load);
		}
		xz.next_in = rec;
		xz.avail_in = 64 * k;
		lzma_action action = i < n ? LZMA_RUN : LZMA_FINISH;
		lzma_ret r;
		do {
			xz.next_out = out;
			xz.avail_out = sizeof(out);
			r = lzma_code(&xz, action);
			fwrite(out, 1, sizeof(out) - xz.avail_out, f);
		} while (xz.avail_in || (action == LZMA_FINISH && r == LZMA_OK));
		if (r != LZMA_OK && r != LZMA_STREAM_END)
			rc = -1;
		if (action == LZMA_FINISH)
			break;
	}
	lzma_end(&xz);
	return fclose(f) || rc;
}

static int load_config(unsigned i, struct machine_config *cfg, struct mm_error *err)
{
	if (i < 5)
		return config_load(preset_names[i], cfg, err);
	return config_load_string(variants[i - 5], strlen(variants[i - 5]), "variant.yaml", cfg, err);
}

struct models {
	struct machine *m[NR_CONFIGS];
	struct replay r[NR_CONFIGS];
	struct sweep_job jobs[NR_CONFIGS];
};

static int models_start(struct models *ms, const char *trace, struct mm_error *err)
{
	memset(ms, 0, sizeof(*ms));
	for (unsigned i = 0; i < NR_CONFIGS; i++) {
		struct machine_config cfg;
		struct replay_options opt = { 0 };
		int rc;
		if ((rc = load_config(i, &cfg, err)) || (rc = machine_create(&cfg, &ms->m[i], err)))
			return rc;
		opt.demand_page_size = cfg.pc.base_page_size;
		if ((rc = replay_init(&ms->r[i], ms->m[i], &opt, trace, err)))
			return rc;
		ms->jobs[i].replay = &ms->r[i];
	}
	return MM_OK;
}

static void models_stop(struct models *ms)
{
	for (unsigned i = 0; i < NR_CONFIGS; i++) {
		replay_fini(&ms->r[i]);
		machine_destroy(ms->m[i]);
	}
}

/* Eight separate replays, each reading the trace itself; returns seconds, or -1. */
static double separate(const char *trace, uint64_t *events, struct mm_error *err)
{
	struct trace_event *ev = malloc(BATCH * sizeof(*ev));
	struct models ms;
	double t0, t;
	long n = 0;

	if (!ev || models_start(&ms, trace, err))
		return -1;
	t0 = bench_now();
	*events = 0;
	for (unsigned i = 0; i < NR_CONFIGS; i++) {
		struct trace_reader *rd;
		if (trace_reader_open(trace, TRACE_FORMAT_AUTO, &rd, err))
			return -1;
		while ((n = trace_reader_next(rd, ev, BATCH, err)) > 0) {
			if (i == 0)
				*events += (uint64_t)n;
			replay_events(&ms.r[i], ev, (size_t)n, err);
		}
		trace_reader_close(rd);
		if (n < 0)
			return -1;
	}
	t = bench_now() - t0;
	models_stop(&ms);
	free(ev);
	return t;
}

static double sweep(const char *trace, unsigned threads, struct mm_error *err)
{
	struct trace_reader *rd;
	struct models ms;
	double t0, t;

	if (models_start(&ms, trace, err) || trace_reader_open(trace, TRACE_FORMAT_AUTO, &rd, err))
		return -1;
	t0 = bench_now();
	if (sweep_run(trace_reader_source(rd), ms.jobs, NR_CONFIGS, threads, err) != MM_OK)
		return -1;
	t = bench_now() - t0;
	trace_reader_close(rd);
	models_stop(&ms);
	return t;
}

/* The decode alone: the part a sweep pays once. */
static double read_only(const char *trace, struct mm_error *err)
{
	struct trace_event *ev = malloc(BATCH * sizeof(*ev));
	struct trace_reader *rd;
	double t0 = bench_now();
	long n;

	if (!ev || trace_reader_open(trace, TRACE_FORMAT_AUTO, &rd, err))
		return -1;
	while ((n = trace_reader_next(rd, ev, BATCH, err)) > 0)
		;
	trace_reader_close(rd);
	free(ev);
	return n < 0 ? -1 : bench_now() - t0;
}

static int measure(const char *label, const char *trace)
{
	struct mm_error err = { 0 };
	uint64_t events = 0;
	double dec = read_only(trace, &err), sep = separate(trace, &events, &err), s1 = sweep(trace, 1, &err),
	       s2 = sweep(trace, 2, &err);

	if (dec < 0 || sep < 0 || s1 < 0 || s2 < 0) {
		fprintf(stderr, "mmusim-bench-sweep: %s\n", err.msg);
		return 1;
	}
	printf("%-18s %9.1f M events  decode %6.3f s   8 separate replays %7.3f s   sweep --jobs 1 %7.3f s (%.2f x)"
	       "   --jobs 2 %7.3f s (%.2f x)\n",
	       label, (double)events / 1e6, dec, sep, s1, s1 / sep, s2, s2 / sep);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t n = 2000000;
	const char *dir = "/tmp";
	char lackey[512], champsim[512];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--instructions") == 0 && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--tmpdir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else {
			fprintf(stderr, "usage: mmusim-bench-sweep [--instructions N] [--tmpdir DIR]\n");
			return 2;
		}
	}
	if (write_lackey(dir, n, lackey, sizeof(lackey)) || write_champsim_xz(dir, n, champsim, sizeof(champsim))) {
		fprintf(stderr, "mmusim-bench-sweep: cannot write the traces in %s\n", dir);
		return 1;
	}
	printf("8 models (x86_64, x86_64_la57, sv39, sv48, sv57, 3 x86_64 TLB variants), %" PRIu64
	       " instructions, demand paging\n", n);
	rc = measure("lackey text", lackey) || measure("champsim .xz", champsim);
	unlink(lackey);
	unlink(champsim);
	return rc;
}
