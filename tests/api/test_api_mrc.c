/*
 * The miss-ratio-curve calls (mmusim_mrc_*): A B C A B D A worked by hand
 * through the public API, the mapped policy against an mmu, and the calls
 * that do not go together.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include <mmusim.h>

#include "temp_dir.h"

static char *dir;

static mmusim_trace *reference_trace(void)
{
	mmusim_trace *t;
	mmusim_error err = { 0 };
	char *path;
	FILE *f;

	dir = temp_dir_create();
	cr_assert_not_null(dir);
	path = temp_dir_path(dir, "abcabda.trace");
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("r 0x401000\nr 0x402000\nr 0x403000\nr 0x401000\nr 0x402000\nr 0x404000\nr 0x401000\n", f);
	fclose(f);
	cr_assert_eq(mmusim_trace_open(path, MMUSIM_TRACE_AUTO, &t, &err), MMUSIM_OK, "%s", err.message);
	free(path);
	return t;
}

static void fini(void)
{
	temp_dir_remove(dir);
}

/* Sizes 1 and 2 miss all 7; 3 and 4 only the 4 cold.  2 sets: pages 0x401 0x403 0x401 0x401 and 0x402 0x402
 * 0x404 (set 1: M M M H with 1 way, M M H H with 2; set 0: M H M either way): 5 and 4. */
Test(api_mrc, reference_string, .fini = fini)
{
	mmusim_mrc_options o = { .max_entries = 4, .page_size = 4096, .kind = MMUSIM_MRC_DATA, .sets = { 2 },
				 .nr_sets = 1 };
	mmusim_error err = { 0 };
	mmusim_trace *t = reference_trace();
	mmusim_mrc *m;
	uint64_t curve[5];

	cr_assert_eq(mmusim_mrc_create(&o, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mrc_run(m, t, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mrc_curve(m, curve);
	cr_assert_eq(curve[0], 7);
	cr_assert_eq(mmusim_mrc_accesses(m), 7);
	cr_assert_eq(curve[1], 7);
	cr_assert_eq(curve[2], 7);
	cr_assert_eq(curve[3], 4);
	cr_assert_eq(curve[4], 4);
	cr_assert_eq(mmusim_mrc_set_misses(m, 0, 1), 5);
	cr_assert_eq(mmusim_mrc_set_misses(m, 0, 2), 4);
	cr_assert_eq(mmusim_mrc_partial_invalidations(m), 0);
	mmusim_mrc_destroy(m);
	mmusim_trace_close(t);
}

/* The mapped policy through an mmu with demand paging: the same 4K pages, the same curve. */
Test(api_mrc, mapped_through_an_mmu, .fini = fini)
{
	mmusim_mrc_options o = { .max_entries = 4, .page_size = 0, .kind = MMUSIM_MRC_ALL };
	mmusim_mmu_options mo = { .demand_page_size = 4096 };
	mmusim_error err = { 0 };
	mmusim_trace *t = reference_trace();
	mmusim_config *cfg;
	mmusim_machine *mach;
	mmusim_mmu *mmu;
	mmusim_mrc *m;
	uint64_t curve[5];

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &mach, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);
	cr_assert_eq(mmusim_mmu_create(mach, &mo, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mrc_create(&o, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mrc_run(m, t, &err), MMUSIM_EINVAL);
	cr_assert_str_eq(err.message, "mrc: page size 0 (mapped) needs mmusim_mrc_run_mapped");
	cr_assert_eq(mmusim_mrc_run_mapped(m, mmu, t, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mrc_curve(m, curve);
	cr_assert_eq(curve[0], 7);
	cr_assert_eq(curve[2], 7);
	cr_assert_eq(curve[3], 4);
	mmusim_mrc_destroy(m);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(mach);
	mmusim_trace_close(t);
}

Test(api_mrc, bad_options)
{
	mmusim_mrc_options o = { .max_entries = 8, .page_size = 3000 };
	mmusim_error err = { 0 };
	mmusim_mrc *m = (mmusim_mrc *)1;

	cr_assert_eq(mmusim_mrc_create(&o, &m, &err), MMUSIM_EINVAL);
	cr_assert_null(m);
	cr_assert_str_eq(err.message, "page size must be a power of two (or 0: mapped)");
	o.page_size = 4096;
	o.sets[0] = 16;
	o.nr_sets = 1;
	cr_assert_eq(mmusim_mrc_create(&o, &m, &err), MMUSIM_EINVAL);
	cr_assert_str_eq(err.message, "16 sets: expected a power of two that divides the max entries (8)");
}
