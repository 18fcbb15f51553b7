/*
 * End to end: accesses past the top of the VA space.  The hardware's address
 * arithmetic wraps (modulo 2^64; 2^32 where the CPU forms 32-bit addresses):
 * the RISC-V unprivileged spec makes the address space circular, the byte at
 * 2^XLEN-1 adjacent to the byte at 0.  An 8-byte load at 0xffffffffffffffff
 * is two accesses, at that VA's page and at VA 0.  replay dropped the second
 * part (x86_64: one access) or refused it (sv32, x86_32: "VA 0x100000000 is
 * out of range"); opt's future listed the pages as replay did.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/*
 * Replays trace (lackey) after setup on config with --json and --log; checks
 * it succeeded with `accesses` total `accesses` and no fault, and that the
 * log's translations are at the VAs in vas, in order.
 */
static void check_wrap(const char *config, const char *setup, const char *trace, const char *extra,
		       const char *accesses, const char *const *vas, size_t nr_vas)
{
	char *setup_path = write_temp_file(setup, ".trace"), *trace_path = write_temp_file(trace, ".lackey");
	char *log_path = write_temp_file("", ".jsonl"), want[256], *log, *p;
	const char *argv[16];
	struct run_result r;
	int argc = 0;

	argv[argc++] = "--config";
	argv[argc++] = config;
	argv[argc++] = "--json";
	argv[argc++] = "replay";
	if (extra) {
		argv[argc++] = extra;
		argv[argc++] = "--resident-pages";
		argv[argc++] = "1";
		argv[argc++] = "--replacement";
		argv[argc++] = "opt";
	} else {
		argv[argc++] = "--setup";
		argv[argc++] = setup_path;
	}
	argv[argc++] = "--log";
	argv[argc++] = log_path;
	argv[argc++] = trace_path;
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_expect_eq(r.status, 0, "%s: exit %d: %s", config, r.status, r.err);
	cr_expect_str_eq(r.err, "");
	snprintf(want, sizeof(want), "\"accesses\":{\"total\":%s,", accesses);
	cr_expect(strstr(r.out, want), "%s: want %s in %s", config, want, r.out);
	if (!extra)
		cr_expect(strstr(r.out, "\"faults\":{\"non-canonical\":0,\"not-present\":0,\"reserved-bit\":0,"
					"\"permission\":0,"),
			  "%s: a fault in %s", config, r.out);
	log = read_text_file(log_path);
	cr_assert(log);
	p = log;
	for (size_t i = 0; i < nr_vas; i++) {
		snprintf(want, sizeof(want), "\"va\":\"%s\"", vas[i]);
		char *at = strstr(p, want);
		cr_expect(at, "%s: translation %zu at %s missing from the log:\n%s", config, i, vas[i], log);
		if (!at)
			break;
		p = at + strlen(want);
	}
	cr_expect_null(strstr(p, "\"va\":"), "%s: more translations than expected:\n%s", config, log);
	free(log);
	run_result_free(&r);
	remove_temp_file(setup_path);
	remove_temp_file(trace_path);
	remove_temp_file(log_path);
}

Test(wrap, x86_64_load_at_the_last_byte_goes_on_at_va_0)
{
	static const char *const vas[] = { "0xffffffffffffffff", "0x0" };

	/* Both pages canonical and mapped: the 8 bytes are 0xffffffffffffffff and 0..6. */
	check_wrap("x86_64", "map 0xfffffffffffff000 0x200000 4K rwu\nmap 0 0x300000 4K rwu\n",
		   " L ffffffffffffffff,8\n", NULL, "2", vas, 2);
}

Test(wrap, riscv64_store_across_the_top_is_two_accesses)
{
	static const char *const vas[] = { "0xfffffffffffffffc", "0x0" };

	check_wrap("sv39", "map 0xfffffffffffff000 0x80200000 4K rwu\nmap 0 0x80300000 4K rwu\n",
		   " S fffffffffffffffc,8\n", NULL, "2", vas, 2);
}

/* A 32-bit CPU wraps at 2^32: the part past 0xffffffff is at VA 0, not a refused VA 0x100000000. */
Test(wrap, sv32_and_x86_32_wrap_at_4_gib)
{
	static const char *const vas[] = { "0xfffffffe", "0x0" };

	check_wrap("sv32", "map 0xfffff000 0x80200000 4K rwu\nmap 0 0x80300000 4K rwu\n", " S fffffffe,8\n", NULL,
		   "2", vas, 2);
	check_wrap("x86_32", "map 0xfffff000 0x200000 4K rwu\nmap 0 0x300000 4K rwu\n", " S fffffffe,8\n", NULL, "2",
		   vas, 2);
}

/* opt reads the future first: its pages must be the ones replay translates, VA 0 included. */
Test(wrap, opt_future_lists_the_wrapped_page)
{
	static const char *const vas[] = { "0x7ffffffff000", "0xffffffffffffffff", "0x0", "0x1000", "0x0" };

	check_wrap("x86_64", "", " L 7ffffffff000,4\n L ffffffffffffffff,2\n L 1000,4\n L 0,4\n", "--demand-paging",
		   "5", vas, 5);
}

/*
 * mrc translates the pages replay does: its own page size goes on at VA 0
 * after 2^64 - 1 (it said 2 translations here: the part at VA 0 dropped),
 * and the mapped sizes wrap as the machine does, at 2^32 on sv32 (it
 * stopped on VA 0x100000000).  The last load hits the page the wrap touched.
 */
Test(wrap, mrc_counts_the_pages_replay_translates)
{
	char *trace = write_temp_file(" L ffffffffffffffff,8\n L 0,4\n", ".lackey");
	char *trace32 = write_temp_file(" S fffffffe,8\n L 0,4\n", ".lackey");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "mrc", "--max-entries", "2", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"accesses\":3,\"partial_invalidations\":0,\"misses\":[2,2],"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "--json", "mrc", "--page-size", "mapped", "--demand-paging",
				"--max-entries", "2", trace32, NULL),
		     0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	cr_expect(strstr(r.out, "\"accesses\":3,\"partial_invalidations\":0,\"misses\":[2,2],"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(trace32);
}
