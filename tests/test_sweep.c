/*
 * sweep, merge and run: a sweep is exactly the separate replays it replaces
 * (the engine on 1..4 threads against one replay per machine, and the CLI's
 * JSON against `replay --json` byte for byte), --emit-jobs commands merged
 * give the sweep's table, bad input fails cleanly, and `run` under Valgrind
 * lackey replays what a saved trace of the same run replays.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/config.h"
#include "sim/replay.h"
#include "sim/sweep.h"
#include "formats/trace.h"
#include "support.h"
#include "time_limit.h"

#define SRC MMUSIM_SOURCE_DIR "/"

/* ---- the engine ---- */

/* A trace of n accesses over a few hundred pages, with maps, an asid switch and flushes: many batches. */
static char *long_trace(unsigned n)
{
	size_t cap = (size_t)n * 32 + 4096, len = 0;
	char *text = malloc(cap);
	unsigned x = 12345;

	len += (size_t)snprintf(text + len, cap - len, "map 0x400000 0x10000000 4M rwxu\nmap 0x40000000 0x20000000 2M rwu\n");
	for (unsigned i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		if (i % 20000 == 19999)
			len += (size_t)snprintf(text + len, cap - len, "flush\n");
		else if (i == n / 2)
			len += (size_t)snprintf(text + len, cap - len, "asid 3\nmap 0x400000 0x30000000 4M rwxu\n");
		else
			len += (size_t)snprintf(text + len, cap - len, "%c 0x%x\n", "rwx"[x % 3],
						(x >> 8) % 3 == 0 ? 0x40000000u + (x >> 4) % 0x200000u
								  : 0x400000u + (x >> 6) % 0x400000u);
	}
	return text;
}

static const char *const engine_configs[] = { "x86_64", "sv48", "x86_64_la57" };
#define NR_ENGINE (sizeof(engine_configs) / sizeof(engine_configs[0]))

static void replays_start(struct machine **m, struct replay *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct machine_config cfg;
		struct mm_error err = { 0 };
		struct replay_options opt = { .demand_page_size = 4096 };
		cr_assert_eq(config_load(engine_configs[i], &cfg, &err), MM_OK, "%s", err.msg);
		cr_assert_eq(machine_create(&cfg, &m[i], &err), MM_OK, "%s", err.msg);
		cr_assert_eq(replay_init(&r[i], m[i], &opt, "long", &err), MM_OK, "%s", err.msg);
	}
}

static void replays_stop(struct machine **m, struct replay *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		replay_fini(&r[i]);
		machine_destroy(m[i]);
	}
}

Test(sweep_engine, equals_one_replay_per_machine_on_any_number_of_threads)
{
	char *text = long_trace(60000), *path = write_temp_file(text, ".trace");
	struct machine *ref_m[NR_ENGINE];
	struct replay ref[NR_ENGINE];
	struct trace_event ev[1000];
	struct mm_error err = { 0 };
	struct trace_reader *rd;
	long k;

	/* The reference: each machine alone, through the ordinary loop. */
	replays_start(ref_m, ref, NR_ENGINE);
	for (size_t i = 0; i < NR_ENGINE; i++) {
		cr_assert_eq(trace_reader_open(path, TRACE_FORMAT_AUTO, &rd, &err), MM_OK, "%s", err.msg);
		while ((k = trace_reader_next(rd, ev, 1000, &err)) > 0)
			cr_assert_eq(replay_events(&ref[i], ev, (size_t)k, &err), MM_OK, "%s", err.msg);
		cr_assert_eq(k, 0, "%s", err.msg);
		trace_reader_close(rd);
	}
	cr_assert_gt(ref[0].mmu.stats.accesses[0] + ref[0].mmu.stats.accesses[1] + ref[0].mmu.stats.accesses[2], 50000);
	for (unsigned threads = 1; threads <= 4; threads++) {
		struct machine *m[NR_ENGINE];
		struct replay r[NR_ENGINE];
		struct sweep_job jobs[NR_ENGINE] = { 0 };

		replays_start(m, r, NR_ENGINE);
		for (size_t i = 0; i < NR_ENGINE; i++)
			jobs[i].replay = &r[i];
		cr_assert_eq(trace_reader_open(path, TRACE_FORMAT_AUTO, &rd, &err), MM_OK, "%s", err.msg);
		cr_assert_eq(sweep_run(trace_reader_source(rd), jobs, NR_ENGINE, threads, &err), MM_OK, "%s", err.msg);
		trace_reader_close(rd);
		for (size_t i = 0; i < NR_ENGINE; i++) {
			cr_expect(!jobs[i].failed, "%s", jobs[i].err.msg);
			cr_expect_eq(memcmp(&r[i].mmu.stats, &ref[i].mmu.stats, sizeof(r[i].mmu.stats)), 0,
				     "%u threads, %s: statistics differ", threads, engine_configs[i]);
			cr_expect_eq(machine_nr_nodes(m[i]), machine_nr_nodes(ref_m[i]));
		}
		replays_stop(m, r, NR_ENGINE);
	}
	replays_stop(ref_m, ref, NR_ENGINE);
	remove_temp_file(path);
	free(text);
}

Test(sweep_engine, a_trace_error_stops_every_machine_after_the_events_before_it)
{
	char *text = long_trace(30000), *path;
	struct machine *m[NR_ENGINE];
	struct replay r[NR_ENGINE];
	struct sweep_job jobs[NR_ENGINE] = { 0 };
	struct mm_error err = { 0 };
	struct trace_reader *rd;

	unsigned lines = 0, accesses = 0;

	text = realloc(text, strlen(text) + 32);
	strcat(text, "r 0x400000\nbogus\n");
	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		lines++;
		accesses += (*p == 'r' || *p == 'w' || *p == 'x') && p[1] == ' ';
	}
	path = write_temp_file(text, ".trace");
	replays_start(m, r, NR_ENGINE);
	for (size_t i = 0; i < NR_ENGINE; i++)
		jobs[i].replay = &r[i];
	cr_assert_eq(trace_reader_open(path, TRACE_FORMAT_AUTO, &rd, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(sweep_run(trace_reader_source(rd), jobs, NR_ENGINE, 2, &err), -1);
	char where[32];
	snprintf(where, sizeof(where), ":%u: unknown command 'bogus'", lines);
	cr_expect(strstr(err.msg, where) != NULL, "%s", err.msg);
	trace_reader_close(rd);
	for (size_t i = 0; i < NR_ENGINE; i++) {
		const struct mmu_stats *s = &r[i].mmu.stats;
		cr_expect_eq(s->accesses[0] + s->accesses[1] + s->accesses[2], accesses, "%s", engine_configs[i]);
	}
	replays_stop(m, r, NR_ENGINE);
	remove_temp_file(path);
	free(text);
}

/* ---- the command line ---- */

static const char *const cli_traces[] = {
	SRC "traces/fixtures/loop.champsim.xz", SRC "traces/lackey-sample.txt", SRC "traces/tlb-demo.trace",
};
static const char *const cli_configs[] = { "x86_64", "sv39" };

static char *small_config; /* the third config: a YAML file */

static void write_small_config(void)
{
	small_config = write_temp_file("extends: x86_64\nname: tiny-tlb\n"
				       "tlb:\n"
				       "  - {name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K]}\n"
				       "  - {name: l1i, level: 1, kind: instruction, entries: 4, page_sizes: [4K]}\n",
				       ".yaml");
}

static void remove_small_config(void)
{
	remove_temp_file(small_config);
}

static const char *config_at(size_t i)
{
	return i == 2 ? small_config : cli_configs[i];
}

/* stdout of a run that must succeed. */
static char *out_of(int argc, const char *const *argv)
{
	struct run_result r;
	char *out;

	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	out = strdup(r.out);
	run_result_free(&r);
	return out;
}

static char *concat(char *a, const char *b)
{
	size_t la = a ? strlen(a) : 0;
	char *s = realloc(a, la + strlen(b) + 1);
	strcpy(s + la, b);
	return s;
}

/* The sweep's JSON is every `replay --json` it replaces, in (trace, config) order, byte for byte. */
Test(sweep_cli, json_equals_the_separate_replays, .init = write_small_config, .fini = remove_small_config)
{
	char *want = NULL;

	for (size_t t = 0; t < 3; t++) {
		for (size_t c = 0; c < 3; c++) {
			const char *argv[] = { "--config", config_at(c), "--json", "replay", "--demand-paging", cli_traces[t] };
			char *one = out_of(6, argv);
			want = concat(want, one);
			free(one);
		}
	}
	for (int jobs = 1; jobs <= 3; jobs++) {
		char j[8];
		snprintf(j, sizeof(j), "%d", jobs);
		const char *argv[] = { "--json", "sweep", "--demand-paging", "--config", config_at(0), "--config",
				       config_at(1), "--config", config_at(2), "--jobs", j, "--trace", cli_traces[0],
				       cli_traces[1], "--trace", cli_traces[2] };
		char *got = out_of(16, argv);
		cr_expect_str_eq(got, want, "--jobs %d", jobs);
		free(got);
	}
	free(want);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);
	cr_assert(f, "%s", path);
	fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

/* --emit-jobs, run by the shell, then merge: the sweep's table and CSV. */
Test(sweep_cli, emitted_jobs_merged_give_the_sweep_table, .init = write_small_config, .fini = remove_small_config)
{
	char dir[] = "/tmp/mmusim-sweep-XXXXXX", results[64], script[96], cmd[256], csv1[96], csv2[96];
	cr_assert(mkdtemp(dir));
	snprintf(results, sizeof(results), "%s/results", dir);
	snprintf(script, sizeof(script), "%s/jobs.sh", dir);
	snprintf(csv1, sizeof(csv1), "%s/sweep.csv", dir);
	snprintf(csv2, sizeof(csv2), "%s/merge.csv", dir);
	const char *sweep[] = { "sweep", "--demand-paging", "--config", config_at(0), "--config", config_at(1),
				"--config", config_at(2), "--jobs", "2", "--csv", csv1, cli_traces[0], cli_traces[2] };
	char *table = out_of(14, sweep);
	const char *emit[] = { "sweep", "--demand-paging", "--config", config_at(0), "--config", config_at(1),
			       "--config", config_at(2), "--emit-jobs", "--results", results, cli_traces[0],
			       cli_traces[2] };
	char *jobs = out_of(13, emit);
	size_t lines = 0;
	for (const char *p = jobs; (p = strchr(p, '\n')); p++)
		lines++;
	cr_expect_eq(lines, 6, "%s", jobs);
	cr_expect(strstr(jobs, " --json replay --no-progress '--demand-paging' ") != NULL, "%s", jobs);
	FILE *f = fopen(script, "w");
	fputs(jobs, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sh -e %s", script);
	cr_assert_eq(system(cmd), 0);
	const char *merge[] = { "merge", "--csv", csv2, NULL, NULL, NULL, NULL, NULL, NULL };
	char names[6][96];
	for (int i = 0; i < 6; i++) {
		snprintf(names[i], sizeof(names[i]), "%s/%04d.json", results, i + 1);
		merge[3 + i] = names[i];
	}
	char *merged = out_of(9, merge);
	cr_expect_str_eq(merged, table);
	cr_expect(strstr(table, "tiny-tlb") != NULL, "%s", table);
	char *c1 = read_all(csv1), *c2 = read_all(csv2);
	cr_expect_str_eq(c1, c2);
	cr_expect(strncmp(c1, "trace,config,format,accesses,walks,", 35) == 0, "%s", c1);
	free(c1);
	free(c2);
	free(merged);
	free(jobs);
	free(table);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}

Test(sweep_cli, table_has_a_row_per_trace_and_config)
{
	const char *argv[] = { "sweep", "--demand-paging", "--config", "x86_64", "--config", "sv39",
			       SRC "traces/fixtures/loop.din" };
	char *out = out_of(7, argv);
	char want[4096];   /* three lines, each naming the trace by its source path */
	snprintf(want, sizeof(want),
		 "%-*s  config     accesses      walks  walks/1K pte/walk   faults cycles/access\n"
		 "%s  x86_64          360          8     22.22     1.00        0          3.46\n"
		 /* 60 of the x86 trace's VAs are not canonical on Sv39: faults, not walks or TLB misses. */
		 "%s  sv39            360          6     16.67     2.33       60          4.81\n",
		 (int)strlen(SRC "traces/fixtures/loop.din"), "trace", SRC "traces/fixtures/loop.din",
		 SRC "traces/fixtures/loop.din");
	cr_expect_str_eq(out, want);
	free(out);
}

/* A bad trace: the table of what ran, then the error. */
Test(sweep_cli, bad_trace_prints_the_table_then_the_error)
{
	char *path = write_temp_file("2 401000\n0 600000\nzz 1\n", ".din");
	struct run_result r;
	char want[256];

	cr_assert_eq(run_mmusim(&r, "sweep", "--demand-paging", "--config", "x86_64", "--config", "sv39", "--jobs", "2",
				path, NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.out, "x86_64            2") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "sv39              2") != NULL, "%s", r.out);
	snprintf(want, sizeof(want),
		 "mmusim: %s:3: bad label 'zz 1' (expected 'LABEL ADDRESS', LABEL a decimal number)\n", path);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(path);
}

/* One machine failing (out of simulated memory) leaves the others running; the error names it. */
Test(sweep_cli, a_failing_machine_is_named_and_the_others_finish)
{
	char *cfg = write_temp_file("extends: x86_64\nname: tiny-mem\nmemory: { size: 64K }\n", ".yaml");
	struct run_result r, alone;

	cr_assert_eq(run_mmusim(&r, "sweep", "--demand-paging", "--config", "x86_64", "--config", cfg, "--jobs", "2",
				SRC "traces/fixtures/loop.din", NULL), 0);
	cr_assert_eq(run_mmusim(&alone, "--config", cfg, "replay", "--demand-paging", SRC "traces/fixtures/loop.din",
				NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.out, "  x86_64            360 ") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "  tiny-mem          201 ") != NULL, "%s", r.out);
	cr_expect(strstr(alone.out, "accesses        201  ") != NULL, "%s", alone.out);
	cr_expect_str_eq(r.err, "mmusim: tiny-mem: " SRC "traces/fixtures/loop.din:201: demand paging 0x602000: out of "
				"physical memory (16 frames of 4096 bytes in use)\n");
	run_result_free(&r);
	run_result_free(&alone);
	remove_temp_file(cfg);
}

/*
 * Two config files that both extend x86_64 without a name of their own are
 * both "x86_64": each row says which --config it is (the preset keeps its
 * plain name), in the table, the CSV and a failing machine's error; merge
 * tells the results apart by their files.  --json stays replay's, byte for
 * byte (its "config" is the machine's name).
 */
Test(sweep_cli, configs_sharing_a_name_are_told_apart_by_their_files)
{
	char *small = write_temp_file("extends: x86_64\ntlb: [ { name: l1d, level: 1, kind: unified, entries: 4, "
				      "page_sizes: [4K] } ]\n", ".yaml");
	char *tiny = write_temp_file("extends: x86_64\nmemory: { size: 64K }\n", ".yaml");
	char *csv = write_temp_file("", ".csv");
	struct run_result r;
	char want[1024]; /* SRC can be a long checkout's path */

	cr_assert_eq(run_mmusim(&r, "sweep", "--demand-paging", "--config", small, "--config", "x86_64", "--config",
				tiny, "--csv", csv, SRC "traces/lackey-sample.txt", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want), "  x86_64 (%s)  ", small);
	cr_expect(strstr(r.out, want) != NULL, "%s", r.out);
	snprintf(want, sizeof(want), "  x86_64 (%s)  ", tiny);
	cr_expect(strstr(r.out, want) != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "  x86_64        ") != NULL, "the preset keeps its name: %s", r.out);
	cr_expect(strstr(r.out, "x86_64 (x86_64)") == NULL, "%s", r.out);
	run_result_free(&r);
	char *text = read_all(csv);
	snprintf(want, sizeof(want), ",x86_64 (%s),lackey,42,", small);
	cr_expect(strstr(text, want) != NULL, "%s", text);
	cr_expect(strstr(text, ",x86_64,lackey,42,") != NULL, "%s", text);
	free(text);

	/* The machine that stops is named by its file, not by the name all three share. */
	cr_assert_eq(run_mmusim(&r, "sweep", "--demand-paging", "--config", small, "--config", tiny,
				SRC "traces/fixtures/loop.din", NULL), 0);
	cr_expect_eq(r.status, 2);
	snprintf(want, sizeof(want), "mmusim: x86_64 (%s): " SRC "traces/fixtures/loop.din:201: demand paging", tiny);
	cr_expect(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
	run_result_free(&r);

	/* One file, or the same preset twice, is no twin: the plain name. */
	cr_assert_eq(run_mmusim(&r, "sweep", "--config", "x86_64", "--config", "x86_64", "--config", "sv39",
				SRC "traces/lackey-sample.txt", NULL), 0);
	cr_expect(strstr(r.out, "(") == NULL, "%s", r.out);
	run_result_free(&r);

	/* merge: two results of one trace, both "x86_64", named by their files. */
	char *a = NULL, *b = NULL;
	{
		const char *argv[] = { "--config", small, "--json", "replay", "--demand-paging", SRC "traces/lackey-sample.txt" };
		a = out_of(6, argv);
		argv[1] = "x86_64";
		b = out_of(6, argv);
	}
	char *fa = write_temp_file(a, ".json"), *fb = write_temp_file(b, ".json");
	cr_assert_eq(run_mmusim(&r, "merge", fa, fb, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want), "  x86_64 (%s)  ", fa);
	cr_expect(strstr(r.out, want) != NULL, "%s", r.out);
	snprintf(want, sizeof(want), "  x86_64 (%s)  ", fb);
	cr_expect(strstr(r.out, want) != NULL, "%s", r.out);
	run_result_free(&r);
	free(a);
	free(b);
	remove_temp_file(fa);
	remove_temp_file(fb);
	remove_temp_file(csv);
	remove_temp_file(small);
	remove_temp_file(tiny);
}

/*
 * A config whose os: block asks for opt: sweep reads its future first, as
 * replay does, so its row is OSTEP's OPT (5 faults of 11 references, 3
 * frames) beside FIFO's 7; it stopped at the first fault, exit status 2.
 */
Test(sweep_cli, opt_config_reads_the_future_first)
{
	char *opt = write_temp_file("extends: x86_64\nname: opt3\nos: { replacement: opt, resident_pages: 3 }\n", ".yaml");
	char *fifo = write_temp_file("extends: x86_64\nname: fifo3\nos: { replacement: fifo, resident_pages: 3 }\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "sweep", "--config", opt, "--config", fifo, SRC "traces/os/ostep_policies.trace",
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	cr_expect(strstr(r.out, "\"paging\":{\"page_faults\":5,\"major_faults\":0,\"evictions\":2,") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"paging\":{\"page_faults\":7,\"major_faults\":0,\"evictions\":4,") != NULL, "%s", r.out);
	run_result_free(&r);
	/* From stdin there is no future to read: refused before anything runs. */
	cr_assert_eq(run_mmusim(&r, "sweep", "--config", opt, "-", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: sweep: replacement opt reads the whole trace before the replay: give a file, "
				"not stdin\n");
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
	remove_temp_file(opt);
	remove_temp_file(fifo);
}

struct bad_cli {
	const char *argv[8];
	const char *err;
};

static void expect_bad(const struct bad_cli *b)
{
	struct run_result r;
	int argc = 0;

	while (b->argv[argc])
		argc++;
	cr_assert_eq(run_mmusim_argv(&r, argc, b->argv), 0);
	cr_expect_eq(r.status, 2, "%s", b->argv[0]);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, b->err);
	run_result_free(&r);
}

/* s as a JSON string body (RFC 8259: quote, backslash and bytes below 0x20 escaped). */
static void json_body(char *dst, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 8 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (*s == '"' || *s == '\\')
			n += (size_t)snprintf(dst + n, cap - n, "\\%c", *s);
		else if (c == 0xc3 && ((unsigned char)s[1] & 0xc0) == 0x80) /* the names' one UTF-8 character, e acute */
			dst[n++] = *s, dst[n++] = *++s;
		else if (c >= 0x80) /* a byte that is not UTF-8: escaped as Python's surrogateescape names it */
			n += (size_t)snprintf(dst + n, cap - n, "\\udc%02x", c);
		else
			dst[n++] = *s;
	}
	dst[n] = 0;
}

/*
 * Hostile trace names through --emit-jobs and the README's recipe: each job
 * line run alone by `sed -n "${ID}p" jobs | sh`.  No name may run a command
 * (the canary never appears), and each job replays its own file (the report
 * names it, byte for byte, with its one access).
 */
Test(sweep_cli, emitted_jobs_quote_every_shell_metacharacter, .init = time_limit_120s)
{
	static const char *const names[] = {
		"quote'single", "quote\"double", "dollar$HOME", "$(touch CANARY)", "`touch CANARY`",
		"semi;touch CANARY", "amp&touch CANARY", "pipe|touch CANARY", "lt<gt>", "paren(x)", "brace{a,b}",
		"glob*?[ab]", "#hash", "~tilde", "!bang", "eq=pct%caret^", "space in name", "back\\slash",
		"-dash-first", "--double-dash", "'; touch CANARY; '", "\"; touch CANARY; \"", "x'\"'\"'y",
		"\\'", "\xff\xfe bytes", "caf\xc3\xa9",
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	char dir[] = "/tmp/mmusim-jobs-XXXXXX", paths[N][128], results[160], cmd[512];
	const char *argv[8 + 2 * N];
	int argc = 0;

	cr_assert(mkdtemp(dir));
	/* The results folder is hostile too. */
	snprintf(results, sizeof(results), "%s/-res 'ults$(touch CANARY)", dir);
	argv[argc++] = "sweep";
	argv[argc++] = "--format";
	argv[argc++] = "text";
	argv[argc++] = "--emit-jobs";
	argv[argc++] = "--results";
	argv[argc++] = results;
	for (int i = 0; i < N; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
		FILE *f = fopen(paths[i], "w");
		cr_assert(f, "%s", paths[i]);
		fputs("r 0x1000\n", f);
		fclose(f);
		argv[argc++] = "--trace";
		argv[argc++] = paths[i];
	}
	char *jobs = out_of(argc, argv);
	snprintf(cmd, sizeof(cmd), "%s/jobs.txt", dir);
	FILE *f = fopen(cmd, "w");
	fputs(jobs, f);
	fclose(f);
	size_t lines = 0;
	for (const char *p = jobs; (p = strchr(p, '\n')); p++)
		lines++;
	cr_expect_eq(lines, N, "%s", jobs);
	for (int id = 1; id <= N; id++) {
		snprintf(cmd, sizeof(cmd), "cd '%s' && ID=%d && sed -n \"${ID}p\" jobs.txt | sh", dir, id);
		cr_expect_eq(system(cmd), 0, "job %d: %s", id, names[id - 1]);
	}
	struct stat st;
	snprintf(cmd, sizeof(cmd), "%s/CANARY", dir);
	cr_expect_neq(stat(cmd, &st), 0, "a name ran a command:\n%s", jobs);
	for (int i = 0; i < N; i++) {
		char result[256], want[512], body[256];
		snprintf(result, sizeof(result), "%s/%04d.json", results, i + 1);
		char *report = read_all(result);
		json_body(body, sizeof(body), paths[i]);
		snprintf(want, sizeof(want), "{\"trace\":\"%s\",\"format\":\"text\",\"config\":\"x86_64\","
			 "\"accesses\":{\"total\":1,", body);
		cr_expect(strncmp(report, want, strlen(want)) == 0, "job %d\nwant %s\ngot  %s", i + 1, want, report);
		free(report);
	}
	free(jobs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* A relative name that starts with '-' is handed on as ./NAME, never as an option. */
Test(sweep_cli, emitted_jobs_keep_dash_names_operands, .init = time_limit_60s)
{
	char dir[] = "/tmp/mmusim-jobs-XXXXXX", cmd[4096];   /* names the mmusim binary by its build path */

	cr_assert(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && printf 'r 0x1000\\n' > --x && printf 'r 0x2000\\nw 0x2000\\n' > -y && "
		 "'%s' sweep --emit-jobs --results -r --format text --trace --x --trace -y > jobs.txt && "
		 "for ID in 1 2; do sed -n \"${ID}p\" jobs.txt | sh || exit 1; done && "
		 "grep -q '^{\"trace\":\"./--x\",.*\"accesses\":{\"total\":1,' -- -r/0001.json && "
		 "grep -q '^{\"trace\":\"./-y\",.*\"accesses\":{\"total\":2,' -- -r/0002.json", dir, MMUSIM_BIN);
	cr_expect_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/*
 * A job decodes under the sweep's --decoder-memory (a common option, given before or after
 * 'sweep'): the jobs were emitted without it and replayed under the default 256 MiB a trace
 * the sweep itself refused (or refused one the sweep had the limit raised for).
 */
Test(sweep_cli, emitted_jobs_keep_the_decoder_memory_limit, .init = time_limit_60s)
{
	char dir[] = "/tmp/mmusim-jobs-XXXXXX", cmd[8192];

	cr_assert(mkdtemp(dir));
	const char *after[] = { "sweep", "--decoder-memory", "1M", "--emit-jobs", "--results", dir,
				SRC "traces/working-set.trace.xz", NULL };
	char *jobs = out_of(7, after);
	cr_expect(strstr(jobs, " --json replay --no-progress --decoder-memory 1048576 '") != NULL, "%s", jobs);
	/* Run as emitted: the job stops where the sweep does, at the xz header's dictionary. */
	snprintf(cmd, sizeof(cmd), "%s/jobs.txt", dir);
	FILE *f = fopen(cmd, "w");
	cr_assert(f);
	fputs(jobs, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd '%s' && sh jobs.txt 2> err.txt; test $? = 2 && grep -q 'xz data needs more "
		 "memory than the limit (1 MiB)' err.txt", dir);
	cr_expect_eq(system(cmd), 0, "%s", jobs);
	free(jobs);
	const char *before[] = { "--decoder-memory", "2G", "sweep", "--emit-jobs", SRC "traces/tlb-demo.trace", NULL };
	jobs = out_of(5, before);
	cr_expect(strstr(jobs, " --decoder-memory 2147483648 '") != NULL, "%s", jobs);
	free(jobs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/*
 * An empty --results or --csv-dir names no folder: the jobs' `mkdir -p ''` would fail, each one,
 * later; a --csv was not written.
 */
Test(sweep_cli, emitted_jobs_refuse_an_empty_folder_or_a_csv)
{
	static const struct bad_cli bad[] = {
		{ { "sweep", "--emit-jobs", "--results", "", "t" }, "mmusim: sweep: bad --results '' (expected a directory)\n" },
		{ { "sweep", "--emit-jobs", "--results=", "t" }, "mmusim: sweep: bad --results '' (expected a directory)\n" },
		{ { "sweep", "--emit-jobs", "--interval", "5", "--csv-dir", "", "t" },
		  "mmusim: sweep: bad --csv-dir '' (expected a directory)\n" },
		/* No table exists before the jobs ran: the CSV was silently not written. */
		{ { "sweep", "--emit-jobs", "--csv", "t.csv", "t" },
		  "mmusim: sweep: --csv does not go with --emit-jobs (the table comes from the jobs' results: mmusim "
		  "merge --csv FILE DIR/*.json)\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
}

/* A control byte cannot be quoted onto one line: every one of them is refused, in every word of a job. */
Test(sweep_cli, emitted_jobs_refuse_control_bytes)
{
	for (int c = 1; c < 0x80; c = c == 0x1f ? 0x7f : c + 1) {
		char name[16], shown[32], want[256];
		snprintf(name, sizeof(name), "t%cx", c);
		if (c == '\n' || c == '\r' || c == '\t')
			snprintf(shown, sizeof(shown), "t\\%cx", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else
			snprintf(shown, sizeof(shown), "t\\x%02xx", c);
		snprintf(want, sizeof(want), "mmusim: sweep --emit-jobs: trace '%s' has a control byte: a job must be "
			 "one line of plain shell text; rename it\n", shown);
		const char *argv[] = { "sweep", "--emit-jobs", SRC "traces/tlb-demo.trace", "--trace", name, NULL };
		struct bad_cli b = { { argv[0], argv[1], argv[2], argv[3], argv[4] }, want };
		expect_bad(&b);
	}
	static const struct bad_cli bad[] = {
		{ { "sweep", "--emit-jobs", "--config", "a\nb", "t" },
		  "mmusim: sweep --emit-jobs: config 'a\\nb' has a control byte: a job must be one line of plain shell "
		  "text; rename it\n" },
		{ { "sweep", "--emit-jobs", "--setup", "s\r", "t" },
		  "mmusim: sweep --emit-jobs: --setup 's\\r' has a control byte: a job must be one line of plain shell "
		  "text; rename it\n" },
		{ { "sweep", "--emit-jobs", "--map", "0 0 4K r\n", "t" },
		  "mmusim: sweep --emit-jobs: --map '0 0 4K r\\n' has a control byte: a job must be one line of plain "
		  "shell text; rename it\n" },
		{ { "sweep", "--emit-jobs", "--results", "r\x1b", "t" },
		  "mmusim: sweep --emit-jobs: --results 'r\\x1b' has a control byte: a job must be one line of plain "
		  "shell text; rename it\n" },
		{ { "sweep", "--emit-jobs", "--trace", "-" },
		  "mmusim: sweep --emit-jobs: a trace from stdin ('-') cannot be read by separate jobs\n" },
		{ { "sweep", "--emit-jobs", "--setup", "-", "t" },
		  "mmusim: sweep: --setup - (stdin) would be read once per machine: give a file\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
}

Test(sweep_cli, bad_usage)
{
	static const struct bad_cli bad[] = {
		{ { "sweep", "--config", "x86_64" }, "mmusim: sweep: no trace given (see mmusim sweep --help)\n" },
		{ { "sweep", "--jobs", "0", "t" }, "mmusim: bad --jobs '0' (expected 1 to 256 threads)\n" },
		{ { "sweep", "--frob", "t" }, "mmusim: sweep: unknown option '--frob' (see mmusim sweep --help)\n" },
		{ { "sweep", "--config", "nosuch", SRC "traces/tlb-demo.trace" },
		  "mmusim: --config nosuch: no such file or preset (presets: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, "
		  "x86_64, x86_64_ept, x86_64_la57, x86_64_npt)\n" },
		{ { "sweep", "/nonexistent.trace" }, "mmusim: /nonexistent.trace: cannot open: No such file or directory\n" },
		{ { "sweep", "--results", "x", "t" }, "mmusim: sweep: --results goes with --emit-jobs\n" },
		{ { "merge" }, "mmusim: merge: no result files given (see mmusim merge --help)\n" },
		{ { "merge", "/nonexistent.json" }, "mmusim: /nonexistent.json: cannot open: No such file or directory\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
}

/* merge of one file holding content fails with "mmusim: FILE" + msg, exit 2. */
static void expect_merge_fails(const char *content, const char *msg)
{
	char *path = write_temp_file(content, ".json"), want[512];
	const char *argv[] = { "merge", path, NULL };
	struct bad_cli b = { { argv[0], argv[1] }, want };

	snprintf(want, sizeof(want), "mmusim: %s%s\n", path, msg);
	expect_bad(&b);
	remove_temp_file(path);
}

Test(sweep_cli, merge_names_the_damage)
{
	static const struct { const char *content; const char *msg; } cases[] = {
		{ "", ": no replay report in it (did the job fail?)" },
		{ "{\"trace\":\"t\",\"format\":\"text\",\"config\":\"x\"}\n", ":1: a replay report without \"accesses.total\"" },
		{ "\n\n{\"trace\":\"t\",\n\"walks\": [1,}", ":4: expected a value (not an mmusim replay report?)" },
		{ "{\"trace\":\"t\" \"x\":1}", ":1: expected ',' or '}' (not an mmusim replay report?)" },
		{ "{\"walks\":-1}", ":1: expected a count (a non-negative integer) (not an mmusim replay report?)" },
		{ "replay of t (text) on x86_64\n", ":1: expected '{' (a replay report) (not an mmusim replay report?)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_merge_fails(cases[i].content, cases[i].msg);
}

/* A field the table reads, twice: the last "walks" counted, the first "trace" named the row, silently. */
Test(sweep_cli, merge_refuses_a_field_given_twice)
{
	static const struct { const char *content; const char *msg; } cases[] = {
		{ "{\"walks\":7,\"trace\":\"t\",\"walks\":4}", ":1: \"walks\" given twice (not an mmusim replay report?)" },
		{ "{\"trace\":\"a\",\n\"trace\":\"b\"}", ":2: \"trace\" given twice (not an mmusim replay report?)" },
		{ "{\"accesses\":{\"total\":1},\"accesses\":{\"total\":2}}",
		  ":1: \"accesses\" given twice (not an mmusim replay report?)" },
		{ "{\"faults\":{},\"faults\":{\"permission\":1}}", ":1: \"faults\" given twice (not an mmusim replay report?)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_merge_fails(cases[i].content, cases[i].msg);
}

/* A report with every field merge needs; name and counts to fill in. */
#define REPORT(trace, walks, faults) \
	"{\"trace\":\"" trace "\",\"format\":\"text\",\"config\":\"x86_64\",\"accesses\":{\"total\":4}," \
	"\"walks\":" walks ",\"pte_reads\":5,\"faults\":{" faults "},\"demand_paged\":0,\"cycles\":535}\n"

/* RFC 8259's number grammar, counts that are non-negative integers below 2^64, names without NUL. */
Test(sweep_cli, merge_is_strict_json)
{
	static const struct { const char *content; const char *msg; } cases[] = {
		{ "{\"x\":1.2.3e+-}", "expected ',' or '}'" },
		{ "{\"walks\":1.2.3e+-}", "expected a count (a non-negative integer)" },
		{ "{\"x\":01}", "a number with a leading zero" },
		{ "{\"x\":-01}", "a number with a leading zero" },
		{ "{\"x\":1.}", "a number with no digit after '.'" },
		{ "{\"x\":1.e5}", "a number with no digit after '.'" },
		{ "{\"x\":1e}", "a number with no digit in its exponent" },
		{ "{\"x\":1e+-2}", "a number with no digit in its exponent" },
		{ "{\"x\":-}", "expected a value" },
		{ "{\"x\":+1}", "expected a value" },
		{ "{\"x\":.5}", "expected a value" },
		{ "{\"walks\":1e3}", "expected a count (a non-negative integer)" },
		{ "{\"walks\":2.0}", "expected a count (a non-negative integer)" },
		{ "{\"walks\":-0}", "expected a count (a non-negative integer)" },
		{ "{\"walks\":18446744073709551616}", "a count of 2^64 or more" },
		{ "{\"walks\":99999999999999999999999}", "a count of 2^64 or more" },
		{ REPORT("t", "1", "\"permission\":18446744073709551615,\"not-present\":1"),
		  "the faults add up to 2^64 or more" },
		{ REPORT("a\\u0000b", "1", ""), "\\u0000 in a name (a name cannot hold a NUL byte)" },
		{ "{\"trace\\u0000x\":1}", "\\u0000 in a name (a name cannot hold a NUL byte)" },
		{ REPORT("\\ud800", "1", ""), "a lone surrogate \\u escape in a string" },
		{ REPORT("\\udc00\\ud800", "1", ""), "a lone surrogate \\u escape in a string" },
		{ REPORT("\\ud83dx", "1", ""), "a lone surrogate \\u escape in a string" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[256];
		snprintf(msg, sizeof(msg), ":1: %s (not an mmusim replay report?)", cases[i].msg);
		expect_merge_fails(cases[i].content, msg);
	}
}

/* The largest count and a fault sum that just fits; a surrogate pair is one character (U+1F600). */
Test(sweep_cli, merge_takes_the_largest_counts_and_surrogate_pairs)
{
	char *path = write_temp_file(REPORT("\\ud83d\\ude00\\u00e9", "18446744073709551615",
					    "\"permission\":18446744073709551614,\"not-present\":1"), ".json");
	char *csv = write_temp_file("", ".csv");
	const char *argv[] = { "merge", "--csv", csv, path };
	char *out = out_of(4, argv), *rows = read_all(csv);

	/* Two characters, padded to the width of "trace". */
	cr_expect(strstr(out, "\n\xf0\x9f\x98\x80\xc3\xa9     x86_64            4 18446744073709551615 ") != NULL, "%s", out);
	cr_expect(strstr(rows, "\n\xf0\x9f\x98\x80\xc3\xa9,x86_64,text,4,18446744073709551615,") != NULL, "%s", rows);
	cr_expect(strstr(rows, ",18446744073709551615,0,535,") != NULL, "faults: %s", rows);
	free(rows);
	remove_temp_file(csv);
	free(out);
	remove_temp_file(path);
}

/* Names from a report reach the terminal escaped (the table is sweep's: tools/cli/term_text.c). */
Test(sweep_cli, merge_escapes_control_bytes_in_names)
{
	char *path = write_temp_file(REPORT("\\u001b[2J\\n", "1", ""), ".json");
	const char *argv[] = { "merge", path };
	char *out = out_of(2, argv);

	cr_expect(strstr(out, "\n\\x1b[2J\\n  x86_64            4          1 ") != NULL, "%s", out);
	cr_expect(strchr(out, '\x1b') == NULL, "%s", out);
	free(out);
	remove_temp_file(path);
}

/* merge - reads stdin once, for the check and the output alike; naming it twice is refused. */
Test(sweep_cli, merge_reads_stdin_once)
{
	char *path = write_temp_file(REPORT("t", "2", "\"not-present\":1") REPORT("u", "3", ""), ".json");
	char cmd[512];
	FILE *p;
	char got[4096] = "";

	snprintf(cmd, sizeof(cmd), "%s merge --json - < '%s'", mmusim_command(), path);
	p = popen(cmd, "r");
	cr_assert(p);
	size_t n = fread(got, 1, sizeof(got) - 1, p);
	got[n] = 0;
	cr_expect_eq(pclose(p), 0);
	cr_expect_str_eq(got, REPORT("t", "2", "\"not-present\":1") REPORT("u", "3", ""));

	snprintf(cmd, sizeof(cmd), "%s merge - < '%s'", mmusim_command(), path);
	p = popen(cmd, "r");
	n = fread(got, 1, sizeof(got) - 1, p);
	got[n] = 0;
	cr_expect_eq(pclose(p), 0);
	cr_expect(strstr(got, "\nt      x86_64            4          2 ") != NULL, "%s", got);
	cr_expect(strstr(got, "\nu      x86_64            4          3 ") != NULL, "%s", got);
	remove_temp_file(path);

	/* Standard input is "<stdin>" in messages, as every command names it (it said "-: cannot read"). */
	snprintf(cmd, sizeof(cmd), "%s merge - < / 2>&1", mmusim_command());
	p = popen(cmd, "r");
	n = fread(got, 1, sizeof(got) - 1, p);
	got[n] = 0;
	cr_expect_eq(WEXITSTATUS(pclose(p)), 2);
	cr_expect_str_eq(got, "mmusim: <stdin>: cannot read: Is a directory\n");
	snprintf(cmd, sizeof(cmd), "printf '{\"trace\":\"t\"}' | %s merge - 2>&1", mmusim_command());
	p = popen(cmd, "r");
	n = fread(got, 1, sizeof(got) - 1, p);
	got[n] = 0;
	cr_expect_eq(WEXITSTATUS(pclose(p)), 2);
	cr_expect(strncmp(got, "mmusim: <stdin>:1: ", 19) == 0, "%s", got);

	static const struct bad_cli bad[] = {
		{ { "merge", "-", "-" }, "mmusim: merge: stdin ('-') named twice (it can be read once)\n" },
		{ { "sweep", "-", "-" }, "mmusim: sweep: stdin ('-') named as a trace 2 times (it can be read once)\n" },
		{ { "sweep", "--trace", "-", "x", "-" },
		  "mmusim: sweep: stdin ('-') named as a trace 2 times (it can be read once)\n" },
		{ { "sweep", "--setup", "-", "t" },
		  "mmusim: sweep: --setup - (stdin) would be read once per machine: give a file\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
}

/* merge --json gives the reports back, one per line, whichever file they came from. */
Test(sweep_cli, merge_json_gives_the_reports_back)
{
	const char *argv[] = { "--json", "sweep", "--config", "x86_64", "--config", "sv39",
			       SRC "traces/tlb-demo.trace" };
	char *reports = out_of(7, argv), *path = write_temp_file(reports, ".json");
	const char *margv[] = { "merge", "--json", path };
	char *again = out_of(3, margv);
	cr_expect_str_eq(again, reports);
	remove_temp_file(path);
	free(again);
	free(reports);
}

/* ---- run ---- */

Test(run_cli, live_replay_equals_the_saved_trace_replayed, .init = time_limit_120s)
{
	char saved[] = "/tmp/mmusim-run-XXXXXX";
	int fd;

	if (!valgrind_usable())
		cr_skip_test("valgrind is not installed (or this suite runs under it)");
	fd = mkstemp(saved);
	cr_assert_geq(fd, 0);
	close(fd);
	const char *run[] = { "--json", "run", "--tracer", "valgrind", "--save-trace", saved, "--", "/bin/true" };
	char *live = out_of(8, run);
	const char *replay[] = { "--json", "replay", "--demand-paging", saved };
	char *again = out_of(4, replay);
	cr_expect(strncmp(live, "{\"trace\":\"/bin/true\",\"format\":\"lackey\",", 39) == 0, "%s", live);
	/* The same numbers: only the trace name differs. */
	cr_expect_str_eq(strstr(live, "\"config\""), strstr(again, "\"config\""));
	cr_expect(strstr(live, "\"exec\":0}") == NULL, "no fetches? %s", live);
	struct stat st;
	cr_expect_eq(stat(saved, &st), 0);
	cr_expect_gt(st.st_size, 100000);
	unlink(saved);
	free(live);
	free(again);
}

Test(run_cli, program_output_passes_through_then_the_table, .init = time_limit_120s)
{
	if (!valgrind_usable())
		cr_skip_test("valgrind is not installed (or this suite runs under it)");
	const char *run[] = { "run", "--tracer", "valgrind", "--", "/bin/echo", "hello from the program" };
	char *out = out_of(6, run);
	static const char want[] = "hello from the program\nreplay of /bin/echo (lackey) on x86_64\naccesses ";
	cr_expect(strncmp(out, want, strlen(want)) == 0, "%s", out);
	free(out);
}

Test(run_cli, bad_usage_and_missing_programs, .init = time_limit_120s)
{
	static const struct bad_cli bad[] = {
		{ { "run" }, "mmusim: run: no program given (usage: mmusim run [options] -- PROGRAM [ARGS...])\n" },
		{ { "run", "--" }, "mmusim: run: no program given (usage: mmusim run [options] -- PROGRAM [ARGS...])\n" },
		{ { "run", "/bin/true" },
		  "mmusim: run: unknown option '/bin/true' (the program goes after '--'; see mmusim run --help)\n" },
		{ { "run", "--valgrind", "/nonexistent/valgrind", "--", "/bin/true" },
		  "mmusim: run: cannot run /nonexistent/valgrind: No such file or directory (install valgrind, or give "
		  "--valgrind PATH)\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
}

/*
 * A program valgrind cannot start is an error with the reason (execve's:
 * not executable, missing, a directory; or not found in PATH), checked
 * before valgrind runs: never zero statistics and exit 0.
 */
Test(run_cli, a_program_that_cannot_start_is_an_error)
{
	char *script = write_temp_file("r 0\n", ".txt");
	char want[512];
	const struct bad_cli bad[] = {
		{ { "run", "--", "/etc/passwd" }, "mmusim: run: cannot run '/etc/passwd': not executable\n" },
		{ { "run", "--", script }, want },
		{ { "run", "--", "/nonexistent-program" },
		  "mmusim: run: cannot run '/nonexistent-program': No such file or directory\n" },
		{ { "run", "--", "/tmp" }, "mmusim: run: cannot run '/tmp': it is a directory\n" },
		{ { "run", "--", "/dev/null" }, "mmusim: run: cannot run '/dev/null': not a regular file\n" },
		{ { "run", "--", "mmusim-no-such-program" },
		  "mmusim: run: cannot run 'mmusim-no-such-program': not found in PATH\n" },
		{ { "run", "--", "" }, "mmusim: run: cannot run '': an empty program name\n" },
	};
	snprintf(want, sizeof(want), "mmusim: run: cannot run '%s': not executable\n", script);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
	remove_temp_file(script);
}

/*
 * --save-trace over one of run's own inputs is refused before anything is
 * written: the program itself (by path, or as found in PATH: an `ls` over
 * /usr/bin/ls), the --threads-to-cpus map, the tracer.  It was truncated
 * and overwritten with the trace.
 */
Test(run_cli, save_trace_over_an_input_is_refused_and_the_input_kept)
{
	char *prog = write_temp_file("#!/bin/sh\nexit 0\n", ".sh");
	char *map = write_temp_file("0 0\n", ".txt");
	char *dir = strdup(prog), *name = strrchr(dir, '/');
	char want[3][768], path[4096];
	const char *old_path = getenv("PATH");

	cr_assert_eq(chmod(prog, 0755), 0);
	*name++ = '\0';
	snprintf(path, sizeof(path), "%s:%s", dir, old_path ? old_path : "/usr/bin:/bin");
	char *saved_path = strdup(old_path ? old_path : "/usr/bin:/bin");
	snprintf(want[0], sizeof(want[0]), "mmusim: %s: is also an input (%s): choose another output file\n", prog, prog);
	snprintf(want[1], sizeof(want[1]), "mmusim: %s: is also an input (%s): choose another output file\n", map, map);
	const struct bad_cli bad[] = {
		{ { "run", "--save-trace", prog, "--", prog }, want[0] },
		{ { "run", "--save-trace", map, "--threads-to-cpus", map, "--", prog }, want[1] },
		{ { "run", "--save-trace", prog, "--valgrind", prog, "--", "/bin/true" }, want[0] },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
	/* by name, found in PATH */
	cr_assert_eq(setenv("PATH", path, 1), 0);
	snprintf(want[2], sizeof(want[2]), "mmusim: %s: is also an input (%s/%s): choose another output file\n", prog,
		 dir, name);
	const struct bad_cli by_name = { { "run", "--save-trace", prog, "--", name }, want[2] };
	expect_bad(&by_name);
	setenv("PATH", saved_path, 1);
	free(saved_path);
	char *text = read_text_file(prog), *m = read_text_file(map);
	cr_expect_str_eq(text, "#!/bin/sh\nexit 0\n");
	cr_expect_str_eq(m, "0 0\n");
	free(text);
	free(m);
	free(dir);
	remove_temp_file(prog);
	remove_temp_file(map);
}

/*
 * A --threads-to-cpus FILE is an input like the trace: replay's --log and
 * --csv and sweep's --csv over it are refused, and it is kept (it was read,
 * then overwritten with the log or the CSV, exit status 0).
 */
Test(run_cli, an_output_over_the_threads_to_cpus_map_is_refused)
{
	char *map = write_temp_file("0 0\n", ".txt");
	char want[768];

	snprintf(want, sizeof(want), "mmusim: %s: is also an input (%s): choose another output file\n", map, map);
	const struct bad_cli bad[] = {
		{ { "replay", "--threads-to-cpus", map, "--log", map, SRC "traces/tlb-demo.trace" }, want },
		{ { "replay", "--threads-to-cpus", map, "--interval=1", "--csv", map, SRC "traces/tlb-demo.trace" }, want },
		{ { "sweep", "--config=x86_64", "--threads-to-cpus", map, "--csv", map, SRC "traces/tlb-demo.trace" }, want },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
	char *text = read_text_file(map);
	cr_expect_str_eq(text, "0 0\n");
	free(text);
	remove_temp_file(map);
}

/* Whatever else keeps the program from running: valgrind's non-zero exit before one access is traced. */
Test(run_cli, valgrind_failing_before_any_trace_is_an_error)
{
	char *fake = write_temp_file("#!/bin/sh\necho 'fake valgrind: cannot start' >&2\nexit 3\n", ".sh");
	struct run_result r;

	cr_assert_eq(chmod(fake, 0755), 0);
	cr_assert_eq(run_mmusim(&r, "run", "--valgrind", fake, "--", "/bin/true", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "fake valgrind: cannot start\n"
				"mmusim: run: valgrind exited with status 3 before tracing anything ('/bin/true' did not "
				"run; its reason is above)\n");
	run_result_free(&r);
	remove_temp_file(fake);
}

/*
 * A tracer that runs and exits 0 but writes no trace (--valgrind naming some
 * other program, a lackey that traced nothing; --qemu without the plugin):
 * it printed a report of zeros and exited 0, read as a result.  Now an error,
 * exit status 2, no report.
 */
Test(run_cli, a_tracer_that_traces_nothing_is_an_error)
{
	char *fake = write_temp_file("#!/bin/sh\nexit 0\n", ".sh");
	char want[512];
	struct run_result r;

	cr_assert_eq(chmod(fake, 0755), 0);
	cr_assert_eq(run_mmusim(&r, "run", "--valgrind", fake, "--", "/bin/true", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want),
		 "mmusim: run: valgrind exited with status 0 but traced no access of '/bin/true': no statistics (is "
		 "'%s' valgrind, running lackey?)\n", fake);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	/* QEMU's trace is binary: an empty one was "byte 0: truncated header" of a file named after the program. */
	cr_assert_eq(run_mmusim(&r, "--json", "run", "--tracer", "qemu", "--qemu", fake, "--", "/bin/true", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want),
		 "mmusim: run: qemu exited with status 0 but traced no access of '/bin/true': no statistics (does "
		 "'%s' load mmusim's capture plugin?)\n", fake);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(fake);
}

/*
 * A real program under lackey with a warm-up longer than its trace: the
 * report is of the whole run, and says so on stderr; a warm-up that ends
 * leaves no note.
 */
Test(run_cli, a_warmup_longer_than_the_run_is_noted)
{
	struct run_result r;

	if (!valgrind_usable())
		cr_skip_test("valgrind is not usable here");
	cr_assert_eq(run_mmusim(&r, "--json", "run", "--tracer", "valgrind", "--warmup", "1000000000", "--", "/bin/true",
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, ",\"warmup\":{\"accesses\":1000000000,\"ended\":false}}\n"), "%s", r.out);
	cr_expect(strstr(r.err, "mmusim: /bin/true: warning: the warm-up (--warmup 1000000000) never ended: the trace has "
				"only "), "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--json", "run", "--tracer", "valgrind", "--warmup", "10", "--", "/bin/true", NULL),
		     0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, ",\"warmup\":{\"accesses\":10,\"ended\":true}}\n"), "%s", r.out);
	cr_expect_null(strstr(r.err, "warm-up"), "%s", r.err);
	run_result_free(&r);
}
