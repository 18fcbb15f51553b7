/*
 * `thread N` trace events and --threads-to-cpus: the text and binary forms,
 * the mapping replay applies (one-each, round-robin:K, a file), and every bad
 * input with its message.  Worked by hand on x86_64 with one 4-entry data TLB
 * and no PWC, memory 100: each first touch of a page on a CPU walks 4 PTEs
 * (401 cycles with the TLB probe), a repeat on the same CPU hits (1).
 *
 *   thread 0   r 0x400000     miss on its CPU
 *   thread 7   r 0x400000     miss on its CPU
 *   thread 3   r 0x400000     miss or hit: a hit when it shares thread 7's CPU
 *   thread 0   r 0x400000     hit
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static const char config[] = "extends: x86_64\n"
			     "tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G]}]\n"
			     "pwc: []\n"
			     "memory_latency: 100\n";

static const char trace[] = "map 0x400000 0x10000000 4K rwu\n"
			    "thread 0\nr 0x400000\nthread 7\nr 0x400000\nthread 3\nr 0x400000\nthread 0\nr 0x400000\n";

/* Replays text (or a file made from it) with --threads-to-cpus spec (NULL: none), --json. */
static void replay(struct run_result *r, const char *trace_path, const char *spec)
{
	char *cfg = write_temp_file(config, ".yaml");
	const char *argv[8];
	int argc = 0;

	argv[argc++] = "--config";
	argv[argc++] = cfg;
	argv[argc++] = "--json";
	argv[argc++] = "replay";
	if (spec) {
		argv[argc++] = "--threads-to-cpus";
		argv[argc++] = spec;
	}
	argv[argc++] = trace_path;
	cr_assert_eq(run_mmusim_argv(r, argc, argv), 0);
	remove_temp_file(cfg);
}

static void expect_cpus(const char *out, const char *const *present, const char *const *absent)
{
	for (; present && *present; present++)
		cr_expect(strstr(out, *present), "no %s in %s", *present, out);
	for (; absent && *absent; absent++)
		cr_expect_null(strstr(out, *absent), "%s in %s", *absent, out);
}

/* One each: threads 0, 7, 3 on CPUs 0, 7, 3; three misses, one hit: 3 x 401 + 1. */
Test(threads, one_each_by_default)
{
	char *t = write_temp_file(trace, ".trace");
	struct run_result r;

	replay(&r, t, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"cycles\":1204,"), "%s", r.out);
	expect_cpus(r.out, (const char *const[]){ "{\"cpu\":0,", "{\"cpu\":3,", "{\"cpu\":7,", NULL },
		    (const char *const[]){ "{\"cpu\":1,", NULL });
	run_result_free(&r);
	replay(&r, t, "one-each");
	cr_expect(strstr(r.out, "\"cycles\":1204,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(t);
}

/* Round-robin over 2: 0 on CPU 0, 7 and 3 both on CPU 1, where 3 hits 7's entry: 2 x 401 + 2. */
Test(threads, round_robin)
{
	char *t = write_temp_file(trace, ".trace");
	struct run_result r;

	replay(&r, t, "round-robin:2");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"cycles\":804,"), "%s", r.out);
	expect_cpus(r.out, (const char *const[]){ "{\"cpu\":0,", "{\"cpu\":1,", NULL },
		    (const char *const[]){ "{\"cpu\":3,", "{\"cpu\":7,", NULL });
	run_result_free(&r);
	remove_temp_file(t);
}

/* A file: 7 and 3 on CPU 5 (3 hits), 0 unlisted stays on CPU 0. */
Test(threads, map_file)
{
	char *t = write_temp_file(trace, ".trace"), *map = write_temp_file("# thread cpu\n7 5\n\n3 5  # shares\n", ".map");
	struct run_result r;

	replay(&r, t, map);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"cycles\":804,"), "%s", r.out);
	expect_cpus(r.out, (const char *const[]){ "{\"cpu\":0,", "{\"cpu\":5,", NULL },
		    (const char *const[]){ "{\"cpu\":3,", "{\"cpu\":7,", NULL });
	run_result_free(&r);
	remove_temp_file(map);
	remove_temp_file(t);
}

/* The binary form (tag 0x9b) carries the thread ids: convert, then the same replay. */
Test(threads, binary_round_trip)
{
	char *t = write_temp_file(trace, ".trace"), *bin = write_temp_file("", ".bin");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "convert", t, bin, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	replay(&r, bin, "round-robin:2");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"cycles\":804,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(bin);
	remove_temp_file(t);
}

/* sweep takes the option for every config, the same numbers. */
Test(threads, sweep)
{
	char *t = write_temp_file(trace, ".trace"), *cfg = write_temp_file(config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "sweep", "--config", cfg, "--threads-to-cpus", "round-robin:2", t, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"cycles\":804,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(t);
}

static void expect_refused(const char *trace_text, const char *spec, const char *message)
{
	char *t = write_temp_file(trace_text, ".trace");
	char want[512];
	struct run_result r;

	replay(&r, t, spec);
	snprintf(want, sizeof(want), message, t);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(t);
}

Test(threads, bad_inputs)
{
	char *map = write_temp_file("1 2\n3 x\n", ".map"), *big = write_temp_file("1 1024\n", ".map");
	char want[512];

	expect_refused("thread 1048576\n", NULL, "mmusim: %s:1: thread 1048576 is out of range (at most 1048575)\n");
	expect_refused("thread\n", NULL, "mmusim: %s:1: missing field: usage is 'thread N'\n");
	expect_refused("thread 3 4\n", NULL, "mmusim: %s:1: too many fields: usage is 'thread N'\n");
	expect_refused("thread two\n", NULL, "mmusim: %s:1: bad thread id 'two' (expected decimal or 0x-hex)\n");
	/* One each, thread 2000 would run on CPU 2000: past the last CPU. */
	expect_refused("thread 2000\nr 0x1000\n", NULL, "mmusim: %s:1: thread 2000: cpu 2000 is out of range (at most 1023)\n");
	expect_refused(trace, "round-robin:0",
		       "mmusim: replay: --threads-to-cpus round-robin:0: round-robin:K needs K from 1 to 1024 CPUs\n%.0s");
	expect_refused(trace, "round-robin:-2",
		       "mmusim: replay: --threads-to-cpus round-robin:-2: round-robin:K needs K from 1 to 1024 CPUs\n%.0s");
	snprintf(want, sizeof(want), "mmusim: replay: --threads-to-cpus %s:2: expected 'THREAD CPU', a thread below "
		 "1048576 and a CPU below 1024\n%%.0s", map);
	expect_refused(trace, map, want);
	snprintf(want, sizeof(want), "mmusim: replay: --threads-to-cpus %s:1: expected 'THREAD CPU', a thread below "
		 "1048576 and a CPU below 1024\n%%.0s", big);
	expect_refused(trace, big, want);
	expect_refused(trace, "/nonexistent/map",
		       "mmusim: replay: --threads-to-cpus /nonexistent/map: No such file or directory (one-each, "
		       "round-robin:K or a file of 'THREAD CPU' lines)\n%.0s");
	remove_temp_file(big);
	remove_temp_file(map);
}

/* A thread listed twice ran on the CPU of its last line, silently: which did the user mean? */
Test(threads, a_thread_mapped_twice_is_refused)
{
	char *map = write_temp_file("0 0\n1 1\n# thread 0 again, far below\n0 3\n", ".map");
	char want[512];

	snprintf(want, sizeof(want), "mmusim: replay: --threads-to-cpus %s:4: thread 0 is mapped twice (to CPU 0 "
		 "above)\n%%.0s", map);
	expect_refused(trace, map, want);
	remove_temp_file(map);
}
