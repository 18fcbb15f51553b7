/*
 * Per-CPU statistics in `mmusim replay`'s report: the table's CPU section and
 * --json's "cpus" array, worked out by hand; a single-CPU replay has neither.
 *
 * Machine: x86_64 with one 4-entry data TLB (latency 1), no PWC, memory 100:
 * a walk of a mapped 4K page reads 4 PTEs (401 cycles with the TLB probe).
 *
 *   r 0x400000   cpu 0  miss, walk 4 reads           401
 *   r 0x400000   cpu 0  hit                            1
 *   r 0x400000   cpu 1  miss (its own TLB), 4 reads  401
 *   w 0x401000   cpu 1  miss, 4 reads                401
 *   r 0x900000   cpu 1  miss, PML4[0], PDPT[0], PD[4] not present:
 *                       3 reads, a not-present fault 301
 *   r 0x401000   cpu 0  miss, 4 reads                401
 *
 * cpu 0: 3 accesses, 2 walks, 8 PTE reads, 0 faults, 803 cycles, l1d 1 hit / 2 misses
 * cpu 1: 3 accesses, 3 walks, 11 PTE reads, 1 fault, 1103 cycles, l1d 0 hits / 3 misses
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static const char config[] = "extends: x86_64\n"
			     "tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G]}]\n"
			     "pwc: []\n"
			     "memory_latency: 100\n";

static const char two_cpus[] = "map 0x400000 0x10000000 16K rwu\n"
			       "r 0x400000\nr 0x400000\ncpu 1\nr 0x400000\nw 0x401000\nr 0x900000\n"
			       "cpu 0\nr 0x401000\n";

static void replay(struct run_result *r, const char *trace, const char *option)
{
	char *cfg_path = write_temp_file(config, ".yaml"), *trace_path = write_temp_file(trace, ".trace");
	const char *argv[5];
	int argc = 0;

	argv[argc++] = "--config";
	argv[argc++] = cfg_path;
	if (option)
		argv[argc++] = option;
	argv[argc++] = "replay";
	argv[argc++] = trace_path;
	cr_assert_eq(run_mmusim_argv(r, argc, argv), 0);
	remove_temp_file(cfg_path);
	remove_temp_file(trace_path);
}

Test(cli_percpu, table_section)
{
	struct run_result r;

	replay(&r, two_cpus, NULL);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.err, "");
	/* The totals are the sums: 6 accesses, 5 walks, 19 PTE reads, 1906 cycles. */
	cr_expect(strstr(r.out, "accesses        6  (read 5, write 1, exec 0)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "pte reads       19  (3.80 per walk)\n"), "%s", r.out);
	const char *section = strstr(r.out, "cycles          1906  (317.67 per access)\n");
	cr_assert(section, "%s", r.out);
	cr_expect_str_eq(section,
			 "cycles          1906  (317.67 per access)\n"
			 "CPU                 accesses        walks    pte reads       faults       cycles  hits/misses\n"
			 "  0                        3            2            8            0          803  l1d 1/2\n"
			 "  1                        3            3           11            1         1103  l1d 0/3\n");
	run_result_free(&r);
}

Test(cli_percpu, json_cpus_array)
{
	static const char faults0[] = "{\"non-canonical\":0,\"not-present\":0,\"reserved-bit\":0,\"permission\":0,"
				      "\"misaligned-superpage\":0,\"accessed-dirty\":0,\"no-leaf\":0,\"bus-error\":0}";
	static const char faults1[] = "{\"non-canonical\":0,\"not-present\":1,\"reserved-bit\":0,\"permission\":0,"
				      "\"misaligned-superpage\":0,\"accessed-dirty\":0,\"no-leaf\":0,\"bus-error\":0}";
	char want[2048];
	struct run_result r;

	replay(&r, two_cpus, "--json");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	snprintf(want, sizeof(want),
		 "\"cycles\":1906,\"cycles_per_access\":317.6667,\"cpus\":["
		 "{\"cpu\":0,\"accesses\":{\"total\":3,\"read\":3,\"write\":0,\"exec\":0},\"walks\":2,\"pte_reads\":8,"
		 "\"faults\":%s,\"shootdowns\":0,\"cycles\":803,\"tlb\":{\"l1d\":{\"hits\":1,\"misses\":2}},\"pwc\":{}},"
		 "{\"cpu\":1,\"accesses\":{\"total\":3,\"read\":2,\"write\":1,\"exec\":0},\"walks\":3,\"pte_reads\":11,"
		 "\"faults\":%s,\"shootdowns\":0,\"cycles\":1103,\"tlb\":{\"l1d\":{\"hits\":0,\"misses\":3}},\"pwc\":{}}]}\n",
		 faults0, faults1);
	const char *tail = strstr(r.out, "\"cycles\":1906,");
	cr_assert(tail, "%s", r.out);
	cr_expect_str_eq(tail, want);
	run_result_free(&r);
}

/* Many tests compare a single-CPU report byte for byte: it gains nothing. */
Test(cli_percpu, single_cpu_report_unchanged)
{
	struct run_result r;

	replay(&r, "map 0x400000 0x10000000 16K rwu\nr 0x400000\ncpu 0\nr 0x401000\n", NULL);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "cycles          802  (401.00 per access)\n"), "%s", r.out);
	cr_expect_null(strstr(r.out, "CPU "), "%s", r.out);
	run_result_free(&r);
	replay(&r, "map 0x400000 0x10000000 16K rwu\nr 0x400000\n", "--json");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_null(strstr(r.out, "\"cpus\""), "%s", r.out);
	cr_expect(strstr(r.out, "\"cycles\":401,\"cycles_per_access\":401.0000}\n"), "%s", r.out);
	run_result_free(&r);
}

/* A statistics reset zeroes each CPU's share: cpu 1's accesses before it are gone. */
Test(cli_percpu, stats_reset_zeroes_each_cpu)
{
	struct run_result r;

	replay(&r, "map 0x400000 0x10000000 16K rwu\ncpu 1\nr 0x400000\nstats reset\ncpu 0\nr 0x400000\n", NULL);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	const char *section = strstr(r.out, "CPU ");
	cr_assert(section, "%s", r.out);
	cr_expect_str_eq(section,
			 "CPU                 accesses        walks    pte reads       faults       cycles  hits/misses\n"
			 "  0                        1            1            4            0          401  l1d 0/1\n"
			 "  1                        0            0            0            0            0  l1d 0/0\n");
	run_result_free(&r);
}

/* merge reads a multi-CPU report (its "cpus" array) as it reads any other. */
Test(cli_percpu, merge_reads_a_report_with_cpus)
{
	struct run_result r, merged;

	replay(&r, two_cpus, "--json");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	char *json = write_temp_file(r.out, ".json");
	cr_assert_eq(run_mmusim(&merged, "merge", json, NULL), 0);
	cr_expect_eq(merged.status, 0, "%s", merged.err);
	cr_expect_str_eq(merged.err, "");
	/* 6 accesses, 5 walks (833.33 per 1K), 3.80 PTE reads per walk, 1 fault, 317.67 cycles per access */
	cr_expect(strstr(merged.out, "x86_64            6          5    833.33     3.80        1        317.67\n"), "%s",
		  merged.out);
	remove_temp_file(json);
	run_result_free(&merged);
	run_result_free(&r);
}

/*
 * An edit's shootdowns are charged to the CPU that made it, one per other CPU
 * in use (README, Edits): cpu 1's unmap reaches cpu 0 (1), cpu 2's reaches
 * cpus 0 and 1 (2); the CPUs add up to the total, 3.
 */
Test(cli_percpu, shootdowns_charged_to_the_editing_cpu)
{
	struct run_result r;

	replay(&r,
	       "map 0x400000 0x10000000 16K rwu\nr 0x400000\ncpu 1\nr 0x400000\nunmap 0x400000 4K\n"
	       "cpu 2\nr 0x401000\nunmap 0x401000 4K\n",
	       "--json");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "\"shootdowns\":3,"), "%s", r.out);
	const char *cpus = strstr(r.out, "\"cpus\":[");
	cr_assert(cpus, "%s", r.out);
	const char *c0 = strstr(cpus, "{\"cpu\":0,"), *c1 = strstr(cpus, "{\"cpu\":1,"), *c2 = strstr(cpus, "{\"cpu\":2,");
	cr_assert(c0 && c1 && c2, "%s", r.out);
	cr_expect(strstr(c0, "\"shootdowns\":0,") && strstr(c0, "\"shootdowns\":0,") < c1, "%s", cpus);
	cr_expect(strstr(c1, "\"shootdowns\":1,") && strstr(c1, "\"shootdowns\":1,") < c2, "%s", cpus);
	cr_expect(strstr(c2, "\"shootdowns\":2,"), "%s", cpus);
	run_result_free(&r);
}
