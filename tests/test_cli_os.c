/*
 * The OS layer end to end: `mmusim replay` with regions, a limit on resident
 * pages and each replacement policy, over the worked examples in traces/os/.
 * Every expected count is the textbook's (OSTEP ch. 22, "Beyond Physical
 * Memory: Policies") or worked out by hand in the trace's comments; every bad
 * input has its message and exit status.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "temp_dir.h"
#include "time_limit.h"

#define OS_TRACE(name) MMUSIM_SOURCE_DIR "/traces/os/" name

/* The "paging" object of a --json replay, up to its closing brace. */
static char *paging_of(const char *out)
{
	static char buf[512];
	const char *p = strstr(out, "\"paging\":{");
	const char *end = p ? strchr(p, '}') : NULL;

	cr_assert(end, "no paging object in: %s", out);
	snprintf(buf, sizeof(buf), "%.*s", (int)(end + 1 - p), p);
	return buf;
}

#define PAGING(faults, major, evictions, ins, outs, segv)                                                    \
	"\"paging\":{\"page_faults\":" #faults ",\"major_faults\":" #major ",\"evictions\":" #evictions       \
	",\"swap_ins\":" #ins ",\"swap_outs\":" #outs ",\"cow_copies\":0,\"segfaults\":" #segv "}"

static void expect_paging(const char *expected, const char *const *args)
{
	const char *argv[16] = { "--json", "replay" };
	int argc = 2;
	struct run_result r;

	for (; *args; args++)
		argv[argc++] = *args;
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.err, "");
	cr_expect_str_eq(paging_of(r.out), expected);
	run_result_free(&r);
}

#define EXPECT_PAGING(expected, ...) expect_paging(expected, (const char *const[]){ __VA_ARGS__, NULL })

/*
 * OSTEP figures 22.1 (optimal), 22.2 (FIFO) and 22.3 (LRU): the string
 * 0 1 2 0 1 3 0 3 1 2 1 with 3 frames.  OPT: 6 hits, 5 misses (the 3 cold
 * ones, 3 evicting 2, 2 evicting 3); FIFO: 4 hits, 7 misses; LRU: 6 hits,
 * 5 misses.  Evictions: misses minus the 3 cold ones.
 */
Test(os_policies, ostep_opt_fifo_lru)
{
	EXPECT_PAGING(PAGING(5, 0, 2, 0, 0, 0), "--resident-pages", "3", "--replacement", "opt",
		      OS_TRACE("ostep_policies.trace"));
	EXPECT_PAGING(PAGING(7, 0, 4, 0, 0, 0), "--resident-pages", "3", "--replacement", "fifo",
		      OS_TRACE("ostep_policies.trace"));
	EXPECT_PAGING(PAGING(5, 0, 2, 0, 0, 0), "--resident-pages", "3", "--replacement", "lru",
		      OS_TRACE("ostep_policies.trace"));
	/* fifo is the default */
	EXPECT_PAGING(PAGING(7, 0, 4, 0, 0, 0), "--resident-pages", "3", OS_TRACE("ostep_policies.trace"));
}

/* Belady's anomaly: 1 2 3 4 1 2 5 1 2 3 4 5 under FIFO faults 9 times with 3 frames, 10 with 4. */
Test(os_policies, belady_anomaly_fifo)
{
	EXPECT_PAGING(PAGING(9, 0, 6, 0, 0, 0), "--resident-pages", "3", OS_TRACE("belady.trace"));
	EXPECT_PAGING(PAGING(10, 0, 6, 0, 0, 0), "--resident-pages", "4", OS_TRACE("belady.trace"));
	/* LRU is a stack algorithm: no anomaly (10 faults with 3 frames, 8 with 4, worked by hand). */
	EXPECT_PAGING(PAGING(10, 0, 7, 0, 0, 0), "--resident-pages", "3", "--replacement", "lru",
		      OS_TRACE("belady.trace"));
	EXPECT_PAGING(PAGING(8, 0, 4, 0, 0, 0), "--resident-pages", "4", "--replacement", "lru",
		      OS_TRACE("belady.trace"));
}

/* The trace's comments work both through: the flush decides whether B's A bit is seen again. */
Test(os_policies, clock_on_a_bits_with_and_without_flush)
{
	EXPECT_PAGING(PAGING(5, 0, 2, 0, 0, 0), "--resident-pages", "3", "--replacement", "clock",
		      OS_TRACE("clock_flush.trace"));
	EXPECT_PAGING(PAGING(5, 0, 2, 0, 0, 0), "--resident-pages", "3", "--replacement", "clock", "--clock-flush",
		      OS_TRACE("clock_flush.trace"));
	EXPECT_PAGING(PAGING(6, 0, 3, 0, 0, 0), "--resident-pages", "3", "--replacement", "clock",
		      "--no-clock-flush", OS_TRACE("clock_flush.trace"));
}

/* An option wins over the config's os: block, --clock-flush over clock_flush: false too. */
Test(os_policies, clock_flush_option_overrides_the_config)
{
	char *cfg = write_temp_file("extends: x86_64\nos: { clock_flush: false, replacement: clock, resident_pages: 3 }\n",
				    ".yaml");

	EXPECT_PAGING(PAGING(6, 0, 3, 0, 0, 0), "--config", cfg, OS_TRACE("clock_flush.trace"));
	EXPECT_PAGING(PAGING(5, 0, 2, 0, 0, 0), "--config", cfg, "--clock-flush", OS_TRACE("clock_flush.trace"));
	EXPECT_PAGING(PAGING(6, 0, 3, 0, 0, 0), "--config", cfg, "--clock-flush", "--no-clock-flush",
		      OS_TRACE("clock_flush.trace"));
	remove_temp_file(cfg);
}

/*
 * --seed 0 is the generator's seed 1 (0 is taken as 1), and like any option it wins over
 * the config's os: { seed: N }: it was read as "not given" and the config's 3 was used.
 * Belady's string under random with 3 frames faults 8 times with seed 1, 10 with seed 3.
 */
Test(os_policies, seed_zero_option_overrides_the_config)
{
	char *cfg = write_temp_file("extends: x86_64\nos: { replacement: random, resident_pages: 3, seed: 3 }\n",
				    ".yaml");

	EXPECT_PAGING(PAGING(8, 0, 5, 0, 0, 0), "--resident-pages", "3", "--replacement", "random", "--seed", "1",
		      OS_TRACE("belady.trace"));
	EXPECT_PAGING(PAGING(10, 0, 7, 0, 0, 0), "--config", cfg, OS_TRACE("belady.trace"));
	EXPECT_PAGING(PAGING(8, 0, 5, 0, 0, 0), "--config", cfg, "--seed", "0", OS_TRACE("belady.trace"));
	EXPECT_PAGING(PAGING(8, 0, 5, 0, 0, 0), "--config", cfg, "--seed", "1", OS_TRACE("belady.trace"));
	remove_temp_file(cfg);
}

/* swap.trace's comments: 7 page faults, 2 of them major; 5 evictions; one swap-out, two swap-ins. */
Test(os_policies, dirty_pages_swap_clean_pages_drop)
{
	EXPECT_PAGING(PAGING(7, 2, 5, 2, 1, 0), "--resident-pages", "2", OS_TRACE("swap.trace"));
}

/*
 * OPT on two CPUs, each with its own address space: CPU 0 runs ASID 1, CPU 1
 * ASID 2.  The references are (1,C) (2,C) (2,B) (1,C); with 2 frames the third
 * evicts (2,C), never used again, rather than (1,C), used next: 3 faults, 1
 * eviction.  A future that kept CPU 1's ASID after `cpu 0` saw (2,C) next and
 * evicted (1,C): 4 faults, 2 evictions.  The same through threads on CPUs.
 */
Test(os_policies, opt_future_follows_each_cpu_asid)
{
	static const char by_thread[] = "thread 0\nasid 1\nr 0x3000\nthread 1\nasid 2\nr 0x3000\nr 0x2000\n"
					"thread 0\nr 0x3000\n";
	char *path = write_temp_file(by_thread, ".trace");

	EXPECT_PAGING(PAGING(3, 0, 1, 0, 0, 0), "--resident-pages", "2", "--replacement", "opt",
		      OS_TRACE("opt_cpus.trace"));
	EXPECT_PAGING(PAGING(3, 0, 1, 0, 0, 0), "--resident-pages", "2", "--replacement", "opt", path);
	/* Both threads on CPU 0: one ASID at a time, (1,C) is then (2,C): 3 faults, as on one CPU. */
	EXPECT_PAGING(PAGING(3, 0, 1, 0, 0, 0), "--resident-pages", "2", "--replacement", "opt",
		      "--threads-to-cpus", "round-robin:1", path);
	remove_temp_file(path);
}

/*
 * The toy format has no A or D bit: every page reads as referenced and dirty.
 * Clock then evicts in FIFO order (OSTEP's FIFO: 7 misses, 4 evictions) and
 * every victim goes to swap: 4 swap-outs; the 3 misses that are not the 4
 * pages' first touches come back from swap (major).
 */
Test(os_policies, no_a_or_d_bits_clock_is_fifo_every_victim_dirty)
{
	EXPECT_PAGING(PAGING(7, 3, 4, 3, 4, 0), "--config", "toy", "--resident-pages", "3", "--replacement", "clock",
		      OS_TRACE("ostep_policies.trace"));
	EXPECT_PAGING(PAGING(7, 3, 4, 3, 4, 0), "--config", "toy", "--resident-pages", "3", "--replacement", "fifo",
		      OS_TRACE("ostep_policies.trace"));
}

/*
 * OPT with Arm TBI (tbi0): 0x0500000000001000 is page 0x1000 with a tag, the
 * same page.  References A B C A, 2 frames: C evicts B (never used again),
 * not A (used next): 3 faults, 1 eviction.  A future that kept the tag saw
 * neither used again and evicted A, in the lowest frame: 4 faults.
 */
Test(os_policies, opt_future_untags_addresses)
{
	char *config = write_temp_file("extends: aarch64\ncpu: { tbi0: true }\n", ".yaml");
	char *trace = write_temp_file("r 0x1000\nr 0x2000\nr 0x3000\nr 0x0500000000001000\n", ".trace");

	EXPECT_PAGING(PAGING(3, 0, 1, 0, 0, 0), "--config", config, "--resident-pages", "2", "--replacement", "opt",
		      trace);
	remove_temp_file(config);
	remove_temp_file(trace);
}

/* Without a limit nothing is evicted: every page faults once. */
Test(os_policies, no_limit_no_eviction)
{
	EXPECT_PAGING(PAGING(4, 0, 0, 0, 0, 0), "--replacement", "lru", OS_TRACE("ostep_policies.trace"));
}

/* regions.trace's comments: 3 first touches, 2 segfaults; the write to the read-only page is a permission fault. */
Test(os_regions, first_touch_segfault_munmap)
{
	struct run_result r;

	EXPECT_PAGING(PAGING(3, 0, 0, 0, 0, 2), OS_TRACE("regions.trace"));
	cr_assert_eq(run_mmusim(&r, "--json", "replay", OS_TRACE("regions.trace"), NULL), 0);
	cr_expect(strstr(r.out, "\"not-present\":2,\"reserved-bit\":0,\"permission\":1,") != NULL, "%s", r.out);
	run_result_free(&r);
}

/* A replay without the OS layer reports as before: no paging object, no paging rows. */
Test(os_regions, off_by_default)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--demand-paging", OS_TRACE("belady.trace"), NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "\"paging\"") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"demand_paged\":5") != NULL, "%s", r.out);
	run_result_free(&r);
}

static void expect_failure(const char *trace_text, const char *message, const char *const *opts)
{
	char *path = write_temp_file(trace_text, ".trace");
	const char *argv[16] = { "replay" };
	int argc = 1;
	struct run_result r;
	char expected[512];

	for (; *opts; opts++)
		argv[argc++] = *opts;
	argv[argc++] = path;
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	snprintf(expected, sizeof(expected), message, path);
	cr_expect_eq(r.status, 2, "status %d, stderr %s", r.status, r.err);
	cr_expect_str_eq(r.err, expected);
	run_result_free(&r);
	remove_temp_file(path);
}

#define NO_OPTS ((const char *const[]){ NULL })

Test(os_errors, bad_regions)
{
	expect_failure("mmap 0x10010 4K rwu\n",
		       "mmusim: %s:1: mmap: VA 0x10010 and length 0x1000 must be multiples of the page size (0x1000)\n",
		       NO_OPTS);
	expect_failure("mmap 0x10000 100 rwu\n",
		       "mmusim: %s:1: mmap: VA 0x10000 and length 0x64 must be multiples of the page size (0x1000)\n",
		       NO_OPTS);
	expect_failure("mmap 0x10000 0 rwu\n", "mmusim: %s:1: mmap: the length is 0\n", NO_OPTS);
	expect_failure("mmap 0x10000 8K rwu\nmmap 0x11000 8K ru\n",
		       "mmusim: %s:2: mmap: [0x11000, 0x13000) overlaps the region [0x10000, 0x12000)\n", NO_OPTS);
	expect_failure("mmap 0x10000 8K rwu\nmunmap 0x20000 4K\n",
		       "mmusim: %s:2: munmap: no region in [0x20000, 0x21000)\n", NO_OPTS);
	expect_failure("munmap 0x20000 4K\n", "mmusim: %s:1: munmap: no region in [0x20000, 0x21000)\n", NO_OPTS);
	/* As mmap says it (and as Linux's munmap refuses a zero length with EINVAL). */
	expect_failure("mmap 0x10000 8K rwu\nmunmap 0x10000 0\n", "mmusim: %s:2: munmap: the length is 0\n", NO_OPTS);
	expect_failure("mmap 0x10000 8K rwu\nmunmap 0xfffffffffffff000 8K\n",
		       "mmusim: %s:2: munmap: VA 0xfffffffffffff000 + length 0x2000 wraps around the address space\n",
		       NO_OPTS);
	expect_failure("mmap 0x10000 4K rwug\n",
		       "mmusim: %s:1: mmap: a region's pages belong to one address space: flag g is refused\n", NO_OPTS);
	expect_failure("mmap 0x10000 4K rwq\n", "mmusim: %s:1: bad flag 'q' in 'rwq' (flags are letters of r w x u g a d)\n",
		       NO_OPTS);
	expect_failure("mmap 0x10000 4K rwu private\n", "mmusim: %s:1: bad mmap option 'private' (expected 'shared')\n",
		       NO_OPTS);
	expect_failure("mmap 0xffff800000000000 4K rwu\n",
		       "mmusim: %s:1: mmap: [0xffff800000000000, 0xffff800000001000) is not in the user range of the address space\n",
		       NO_OPTS);
}

Test(os_errors, bad_options)
{
	struct run_result r;

	expect_failure("r 0\n", "mmusim: bad --resident-pages '0' (expected a number of pages, at least 1)\n",
		       (const char *const[]){ "--resident-pages", "0", NULL });
	expect_failure("r 0\n", "mmusim: bad --resident-pages 'many' (expected a number of pages, at least 1)\n",
		       (const char *const[]){ "--resident-pages", "many", NULL });
	expect_failure("r 0\n", "mmusim: unknown replacement policy 'mru' (expected fifo|lru|clock|opt|random)\n",
		       (const char *const[]){ "--replacement", "mru", NULL });
	expect_failure("r 0\n", "mmusim: bad --seed 'x' (expected a number)\n",
		       (const char *const[]){ "--replacement", "random", "--seed", "x", NULL });

	/* opt needs the whole trace first: stdin cannot be read twice */
	cr_assert_eq(run_mmusim(&r, "replay", "--resident-pages", "3", "--replacement", "opt", "-", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err,
			 "mmusim: replay: replacement opt reads the whole trace before the replay: give a file, not stdin\n");
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
}

/* The config's os: block gives the defaults; its mistakes are file:line:column errors. */
Test(os_errors, config_os_block)
{
	char *good = write_temp_file("extends: x86_64\nos: { resident_pages: 3, replacement: lru }\n", ".yaml");
	char *zero = write_temp_file("extends: x86_64\nos: { resident_pages: 0 }\n", ".yaml");
	char *bad = write_temp_file("extends: x86_64\nos: { replacement: mru }\n", ".yaml");
	char *key = write_temp_file("extends: x86_64\nos: { frames: 3 }\n", ".yaml");
	char expected[512];
	struct run_result r;

	EXPECT_PAGING(PAGING(5, 0, 2, 0, 0, 0), "--config", good, OS_TRACE("ostep_policies.trace"));
	/* an option wins over the config */
	EXPECT_PAGING(PAGING(7, 0, 4, 0, 0, 0), "--config", good, "--replacement", "fifo",
		      OS_TRACE("ostep_policies.trace"));

	cr_assert_eq(run_mmusim(&r, "--config", zero, "replay", OS_TRACE("belady.trace"), NULL), 0);
	snprintf(expected, sizeof(expected), "mmusim: %s:2:23: os.resident_pages must be at least 1\n", zero);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expected);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", bad, "replay", OS_TRACE("belady.trace"), NULL), 0);
	snprintf(expected, sizeof(expected),
		 "mmusim: %s:2:20: unknown value 'mru' for os.replacement (expected fifo | lru | clock | opt | random)\n",
		 bad);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expected);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", key, "replay", OS_TRACE("belady.trace"), NULL), 0);
	snprintf(expected, sizeof(expected), "mmusim: %s:2:7: unknown key 'frames' in os\n", key);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expected);
	run_result_free(&r);
	remove_temp_file(good);
	remove_temp_file(zero);
	remove_temp_file(bad);
	remove_temp_file(key);
}

/* --interval rows gain the paging columns when the OS layer is on from the start. */
Test(os_policies, interval_columns)
{
	char *csv = write_temp_file("", ".csv");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", "--resident-pages", "3", "--interval", "6", "--csv", csv,
				OS_TRACE("ostep_policies.trace"), NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	char *text = read_text_file(csv);
	cr_assert(text);
	/*
	 * FIFO, 3 frames: the first 6 references 0 1 2 0 1 3 miss 4 times (3 evicts 0);
	 * the last 5, 0 3 1 2 1, miss 3 times (0 evicts 1, 1 evicts 2, 2 evicts 3).
	 */
	char *row1 = strchr(text, '\n'), *row2 = row1 ? strchr(row1 + 1, '\n') : NULL;
	cr_assert(row2, "%s", text);
	*row1++ = '\0';
	*row2++ = '\0';
	const char *tail = ",walks,faults,page_faults,major_faults,evictions,swap_ins,swap_outs,cow_copies,segfaults,resident,"
			   "pte_reads,cycles";
	cr_expect_str_eq(text + strlen(text) - strlen(tail), tail);
	/* ... and 3 pages resident at the end of each row (before PTE reads and cycles). */
	cr_expect(strstr(row1, ",4,0,1,0,0,0,0,3,") != NULL, "%s", row1);
	cr_expect(strstr(row2, ",3,0,3,0,0,0,0,3,") != NULL, "%s", row2);
	free(text);
	run_result_free(&r);
	remove_temp_file(csv);
}

/* mmap and munmap survive conversion to the binary format (tags 0x97, 0x98): the same counts. */
Test(os_regions, binary_trace_round_trip)
{
	char *bin = write_temp_file("", ".bin");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "convert", OS_TRACE("regions.trace"), bin, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	EXPECT_PAGING(PAGING(3, 0, 0, 0, 0, 2), "--format", "binary", bin);
	remove_temp_file(bin);
}

/* A setup builds page tables only: the OS layer's events are refused there, with the line. */
static void expect_setup_refusal(const char *trace_text, const char *message)
{
	char *path = write_temp_file(trace_text, ".trace");
	char expected[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--setup", path, "0x10000", NULL), 0);
	snprintf(expected, sizeof(expected), "mmusim: %s:1: %s\n", path, message);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expected);
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
	remove_temp_file(path);
}

Test(os_errors, setup_refuses_regions)
{
	expect_setup_refusal("mmap 0x10000 4K rwu\n", "mmap declares a region of the OS layer: only replay runs it");
}

/* The "paging" object with its cow_copies, for the fork traces. */
#define PAGING_COW(faults, cow)                                                                               \
	"\"paging\":{\"page_faults\":" #faults ",\"major_faults\":0,\"evictions\":0,\"swap_ins\":0,"          \
	"\"swap_outs\":0,\"cow_copies\":" #cow ",\"segfaults\":0}"

/*
 * fork_cow.trace's comments: 4 first touches; the parent's write to 0x10000
 * copies, the child (then alone on the frame) regains write without one; the
 * child's write to 0x11000 copies, the parent then regains write: 2 copies,
 * and no write is a permission fault.
 */
Test(os_fork, worked_example)
{
	struct run_result r;

	EXPECT_PAGING(PAGING_COW(4, 2), OS_TRACE("fork_cow.trace"));
	cr_assert_eq(run_mmusim(&r, "--json", "replay", OS_TRACE("fork_cow.trace"), NULL), 0);
	cr_expect(strstr(r.out, "\"not-present\":0,\"reserved-bit\":0,\"permission\":0,") != NULL, "%s", r.out);
	run_result_free(&r);
}

/*
 * An exited process has no memory: a later touch in its ASID is a segmentation
 * fault, not a fresh page (it took one, and a frame under --resident-pages,
 * evicting a live process's page).  A region mapped there again is used.
 */
Test(os_fork, touch_after_exit_is_a_segfault)
{
	static const char text[] = "asid 1\nmmap 0x10000 4K rwu\nr 0x10000\nasid 2\nr 0x20000\nasid 1\nexit 1\n"
				   "r 0x10000\nr 0x30000\nasid 2\nr 0x20000\nasid 1\nmmap 0x10000 4K rwu\nr 0x10000\n";
	char *path = write_temp_file(text, ".trace");

	/* 1 + 1 first touches, 2 segfaults, then the new region's page: 3 faults, nothing evicted. */
	EXPECT_PAGING(PAGING(3, 0, 0, 0, 0, 2), "--resident-pages", "2", path);
	remove_temp_file(path);
}

/*
 * fork_swap.trace's comments (2 frames, FIFO): 5 page faults, 1 of them
 * major (the child's second is a swap-cache hit), 3 evictions, 2 swap-outs
 * (each shared frame once), 1 swap-in, 1 COW copy, no permission fault.
 */
Test(os_fork, under_memory_pressure_worked_example)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--resident-pages", "2", OS_TRACE("fork_swap.trace"), NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"paging\":{\"page_faults\":5,\"major_faults\":1,\"evictions\":3,\"swap_ins\":1,"
			 "\"swap_outs\":2,\"cow_copies\":1,\"segfaults\":0}") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"permission\":0,") != NULL, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "replay", "--resident-pages", "2", OS_TRACE("fork_swap.trace"), NULL), 0);
	cr_expect(strstr(r.out, "page faults     5  (major 1)\nevictions       3  (swap out 2, swap in 1)\n"
			 "cow copies      1\n") != NULL, "%s", r.out);
	run_result_free(&r);
}

/* fork and exit survive conversion to the binary format (tags 0x99, 0x9a): the same counts. */
Test(os_fork, binary_trace_round_trip)
{
	char *bin = write_temp_file("", ".bin");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "convert", OS_TRACE("fork_cow.trace"), bin, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	EXPECT_PAGING(PAGING_COW(4, 2), "--format", "binary", bin);
	remove_temp_file(bin);
}

/*
 * The missing shootdown after COW: the parent's TLB still holds the writable
 * translation fork took away; with --no-auto-flush its next write hits it (a
 * stale hit, and no COW fault: the shared frame is written), with the
 * shootdown it takes the COW fault.
 */
Test(os_fork, missing_shootdown_is_a_stale_hit)
{
	char *path = write_temp_file("asid 1\nmmap 0x10000 4K rwu\nw 0x10000\nfork 2\nw 0x10000\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--check-stale", "--no-auto-flush", path, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"stale_hits\":1") != NULL, "%s", r.out);
	cr_expect_str_eq(paging_of(r.out), PAGING_COW(1, 0));
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--check-stale", path, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"stale_hits\":0") != NULL, "%s", r.out);
	cr_expect_str_eq(paging_of(r.out), PAGING_COW(1, 1));
	run_result_free(&r);
	remove_temp_file(path);
}

Test(os_errors, bad_fork_and_exit)
{
	expect_failure("asid 1\nfork 1\n",
		       "mmusim: %s:2: fork: asid 1 is in use (a child needs a fresh address space; an exited one is not reused)\n",
		       NO_OPTS);
	expect_failure("asid 1\nfork 2\nexit 2\nfork 2\n",
		       "mmusim: %s:4: fork: asid 2 is in use (a child needs a fresh address space; an exited one is not reused)\n",
		       NO_OPTS);
	expect_failure("exit 9\n", "mmusim: %s:1: exit: asid 9 has no address space\n", NO_OPTS);
	expect_failure("fork\n", "mmusim: %s:1: missing field: usage is 'fork CHILD_ASID'\n", NO_OPTS);
	expect_failure("exit 1 2\n", "mmusim: %s:1: too many fields: usage is 'exit ASID'\n", NO_OPTS);
	expect_failure("fork 65536\n", "mmusim: %s:1: asid 65536 is out of range (at most 65535)\n", NO_OPTS);
	expect_failure("fork x\n", "mmusim: %s:1: bad ASID 'x' (expected decimal or 0x-hex)\n", NO_OPTS);
}

Test(os_errors, setup_refuses_fork_and_exit)
{
	expect_setup_refusal("fork 2\n", "fork creates a process of the OS layer: only replay runs it");
	expect_setup_refusal("exit 1\n", "exit ends a process of the OS layer: only replay runs it");
}

/*
 * --demand-paging maps pages before the trace's first fork brings the OS
 * layer in; fork must still hand them to the child.  Worked by hand: asid 1
 * writes 0x10000 and reads 0x20000 (2 demand-paged pages, no OS page fault),
 * forks 2; the parent's write to 0x10000 copies (the child still shares it);
 * the child reads both pages through the frames it inherited (no page
 * fault); it exits and the parent reads 0x20000, still mapped.  0 page
 * faults, 1 COW copy.  (Before: the child got fresh frames, 2 page faults,
 * and the parent wrote the shared frame without a copy.)
 */
Test(os_fork, pages_demand_paged_before_the_first_fork)
{
	char *path = write_temp_file("asid 1\nw 0x10000\nr 0x20000\nfork 2\nw 0x10000\nasid 2\nr 0x10000\nr 0x20000\n"
				     "exit 2\nasid 1\nr 0x20000\n", ".trace");
	char *log = write_temp_file("", ".jsonl");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--demand-paging", "--log", log, path, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(paging_of(r.out), PAGING_COW(0, 1));
	cr_expect(strstr(r.out, "\"demand_paged\":2,") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"not-present\":0,\"reserved-bit\":0,\"permission\":0,") != NULL, "%s", r.out);
	run_result_free(&r);
	/* The child reads the parent's original frames: the PAs of lines 2 and 3, not new ones. */
	char *lines = read_text_file(log);
	cr_assert(lines);
	char pa10[32] = "", pa20[32] = "";
	const char *l = lines;
	for (int i = 0; l && *l; i++) {
		const char *pa = strstr(l, "\"pa\":\"");
		const char *end = strchr(l, '\n');
		if (i == 0 && pa && pa < end)
			snprintf(pa10, sizeof(pa10), "%.*s", (int)strcspn(pa + 6, "\""), pa + 6);
		if (i == 1 && pa && pa < end)
			snprintf(pa20, sizeof(pa20), "%.*s", (int)strcspn(pa + 6, "\""), pa + 6);
		if (i == 3 || i == 4) {
			cr_expect(pa && pa < end && strncmp(pa + 6, i == 3 ? pa10 : pa20, strlen(pa10)) == 0 &&
					  pa[6 + strlen(i == 3 ? pa10 : pa20)] == '"',
				  "line %d: %.*s (parent's frames %s, %s)", i + 1, (int)(end - l), l, pa10, pa20);
			cr_expect(strstr(l, "\"paged_in\"") == NULL || strstr(l, "\"paged_in\"") > end, "%.*s",
				  (int)(end - l), l);
		}
		l = end ? end + 1 : NULL;
	}
	cr_expect_neq(pa10[0], 0);
	free(lines);
	remove_temp_file(log);
	remove_temp_file(path);
}

/* A page demand paging mapped and the trace unmapped by hand is not the OS's to hand on: the child faults. */
Test(os_fork, pages_unmapped_by_hand_before_the_first_fork_are_not_inherited)
{
	char *path = write_temp_file("asid 1\nw 0x10000\nw 0x11000\nunmap 0x10000 4K\nfork 2\nasid 2\nr 0x10000\n"
				     "r 0x11000\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--demand-paging", path, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(paging_of(r.out), PAGING_COW(1, 0));
	run_result_free(&r);
	remove_temp_file(path);
}

/* The OS layer manages base pages: large pages demand paging mapped before it are refused, not half managed. */
Test(os_errors, large_demand_pages_before_the_os_layer)
{
	expect_failure("asid 1\nw 0x10000\nfork 2\n",
		       "mmusim: %s:3: fork: --demand-paging=2M mapped a 2M page at 0x0 (asid 1) before this line "
		       "brought in the OS layer, which manages base pages (4K): replay with --demand-paging, or "
		       "with --resident-pages from the start\n",
		       (const char *const[]){ "--demand-paging=2M", NULL });
}

/*
 * On AArch64 without hardware dirty-state management (hd: false) a page the
 * OS layer maps is mapped dirty, as under Svade: the writes take no
 * permission fault, and each written page evicted from 1 frame goes to swap.
 * It was mapped without D, read-only to this CPU: every write faulted and no
 * page was ever dirty (swap_outs 0).
 */
Test(os_policies, arm_without_hardware_dirty_maps_written_pages_dirty)
{
	char *cfg = write_temp_file("extends: aarch64\ncpu: { hd: false }\n", ".yaml");
	char *trace = write_temp_file("w 0x400000\nw 0x401000\nw 0x400000\n", ".trace");
	const char *argv[] = { "--config", cfg, "--json", "replay", "--resident-pages", "1", trace };
	struct run_result r;

	cr_assert_eq(run_mmusim_argv(&r, 7, argv), 0);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(paging_of(r.out), PAGING(3, 1, 2, 1, 2, 0));
	cr_expect(strstr(r.out, "\"permission\":0,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(trace);
}

/*
 * The OS layer manages base pages: --demand-paging=2M with --resident-pages
 * was silently replayed with 4K pages (a lackey trace: 4871 pages demand-paged
 * where 2M pages would map 10).  It is refused, naming both.
 */
Test(os_policies, demand_paging_of_large_pages_with_the_os_layer_is_refused)
{
	char *trace = write_temp_file("w 0x400000\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", "--resident-pages", "3", "--demand-paging=2M", trace, NULL), 0);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect_str_eq(r.err, "mmusim: --demand-paging=2M: the OS layer (--resident-pages, --replacement, "
				"os: in the config) manages base pages (4K): use --demand-paging alone, or the OS layer "
				"without a page size\n");
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
	remove_temp_file(trace);
}

/*
 * A program with 200 000 mmaps, handed out top-down as Linux does (each new
 * region the lowest), each touched, every other one munmapped, then a fork:
 * each page fault, mmap and munmap scanned every region, quadratic (32 000
 * regions took 9 s; 200 000 several minutes).  Now a few seconds at most.
 */
Test(os_regions, two_hundred_thousand_mmaps_replay_in_log_time, .init = time_limit_30s)
{
	char *dir = temp_dir_create(), *trace = temp_dir_path(dir, "mmaps.trace");
	/* Memcheck runs the same paths on fewer regions. */
	const unsigned n = running_under_valgrind() ? 5000 : 200000;
	const unsigned long top = 0x7f0000000000ul;
	struct run_result r;
	char want[256];
	FILE *f;

	cr_assert(f = fopen(trace, "w"));
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "mmap 0x%lx 0x1000 rwu\nw 0x%lx\n", top - 0x2000ul * i, top - 0x2000ul * i + 8);
	for (unsigned i = 0; i < n; i += 2)
		fprintf(f, "munmap 0x%lx 0x1000\n", top - 0x2000ul * i);
	fprintf(f, "fork 1\nasid 1\n");
	for (unsigned i = 1; i < n; i += 2)
		fprintf(f, "w 0x%lx\n", top - 0x2000ul * i);
	fprintf(f, "r 0x%lx\n", top); /* munmapped: a segfault */
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(run_mmusim(&r, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	/* A first touch per region, a COW copy per region the child writes (the parent's frames stay its). */
	snprintf(want, sizeof(want),
		 "\"paging\":{\"page_faults\":%u,\"major_faults\":0,\"evictions\":0,\"swap_ins\":0,\"swap_outs\":0,"
		 "\"cow_copies\":%u,\"segfaults\":1}",
		 n, n / 2);
	cr_expect_str_eq(paging_of(r.out), want);
	run_result_free(&r);
	free(trace);
	temp_dir_remove(dir);
}
