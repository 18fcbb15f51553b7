/*
 * The CSV files a researcher post-processes have their header lines written
 * out in the README, exactly as mmusim writes them: `replay --interval N
 * --csv` (on the default x86_64 machine, and with the OS layer's columns)
 * and `sweep --csv` / `merge --csv`.  A column added, renamed or moved
 * without the README following fails here.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* The first line of the file at path, without its newline (malloc'd). */
static char *first_line(const char *path)
{
	char *text = read_text_file(path);

	cr_assert_not_null(text, "%s was not written", path);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* The README holds the header as a code span of its own: `HEADER`. */
static void expect_documented(const char *header)
{
	char *readme = read_text_file(MMUSIM_SOURCE_DIR "/README.md");
	size_t n = strlen(header) + 3;
	char *span = malloc(n);

	cr_assert(readme && span);
	snprintf(span, n, "`%s`", header);
	cr_expect(strstr(readme, span), "README does not show the CSV header %s", span);
	free(span);
	free(readme);
}

static char *csv_path(const char *trace, const char *suffix)
{
	size_t n = strlen(trace) + strlen(suffix) + 1;
	char *p = malloc(n);

	cr_assert_not_null(p);
	snprintf(p, n, "%s%s", trace, suffix);
	return p;
}

Test(csv_docs, replay_interval_header_is_in_readme)
{
	char *trace = write_temp_file("map 0x400000 0x10000000 4K rwu\nr 0x400000\n", ".trace");
	char *csv = csv_path(trace, ".csv");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", "--no-progress", "--interval", "1", "--csv", csv, trace, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *header = first_line(csv);
	cr_expect_str_eq(header, "accesses,l1i_miss_rate,l1d_miss_rate,l1i_2m_miss_rate,l1d_2m_miss_rate,"
				 "l1d_1g_miss_rate,stlb_miss_rate,stlb_1g_miss_rate,walks,faults,pte_reads,cycles");
	expect_documented(header);
	free(header);
	run_result_free(&r);
	remove(csv);
	free(csv);
	remove_temp_file(trace);
}

Test(csv_docs, replay_interval_header_with_the_os_layer_is_in_readme)
{
	char *trace = write_temp_file("mmap 0x400000 8K rwu\nr 0x400000\n", ".trace");
	char *csv = csv_path(trace, ".csv");
	struct run_result r;

	/* The columns come when the OS layer is on from the start (an option), not from an mmap line. */
	cr_assert_eq(run_mmusim(&r, "replay", "--no-progress", "--resident-pages", "8", "--interval", "1", "--csv", csv,
				trace, NULL),
		     0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *header = first_line(csv);
	cr_expect_str_eq(header, "accesses,l1i_miss_rate,l1d_miss_rate,l1i_2m_miss_rate,l1d_2m_miss_rate,"
				 "l1d_1g_miss_rate,stlb_miss_rate,stlb_1g_miss_rate,walks,faults,page_faults,"
				 "major_faults,evictions,swap_ins,swap_outs,cow_copies,segfaults,resident,pte_reads,"
				 "cycles");
	expect_documented(header);
	free(header);
	run_result_free(&r);
	remove(csv);
	free(csv);
	remove_temp_file(trace);
}

Test(csv_docs, sweep_and_merge_header_is_in_readme)
{
	char *trace = write_temp_file("map 0x400000 0x10000000 4K rwu\nr 0x400000\n", ".trace");
	char *csv = csv_path(trace, ".csv"), *json = csv_path(trace, ".json"), *merged = csv_path(trace, ".m.csv");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "sweep", "--config", "x86_64", "--csv", csv, trace, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	char *header = first_line(csv);
	cr_expect_str_eq(header, "trace,config,format,accesses,walks,walks_per_1k_accesses,pte_reads,"
				 "pte_reads_per_walk,faults,demand_paged,cycles,cycles_per_access");
	expect_documented(header);

	/* merge --csv writes the same columns from the JSON reports. */
	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--no-progress", trace, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	FILE *f = fopen(json, "w");
	cr_assert_not_null(f);
	fputs(r.out, f);
	fclose(f);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "merge", "--csv", merged, json, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *merged_header = first_line(merged);
	cr_expect_str_eq(merged_header, header);
	free(merged_header);
	free(header);
	run_result_free(&r);
	remove(csv);
	remove(json);
	remove(merged);
	free(csv);
	free(json);
	free(merged);
	remove_temp_file(trace);
}
