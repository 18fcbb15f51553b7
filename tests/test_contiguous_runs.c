/*
 * The Contiguous bit (Arm ARM DDI 0487, D8.7 "The Contiguous bit"): a run is
 * 16 entries with the 4K granule (64 KiB of pages, 32 MiB of 2 MiB blocks),
 * 128 pages (2 MiB) or 32 blocks (1 GiB) with 16K, 32 entries with 64K (2 MiB
 * of pages, 16 GiB of blocks); every entry of a run must map one aligned,
 * physically contiguous span with the same attributes.  mmusim's OS side
 * marks what an edit leaves whole and unmarks what it breaks; the walk then
 * reports the run's span as the page size.
 */
#include <criterion/criterion.h>

#include "formats/config.h"
#include "pt/walk.h"
#include "sim/machine.h"

#define CONT (1ull << 52)

static struct machine *arm(const char *preset)
{
	struct machine_config mc;
	struct machine *m;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_preset(preset, &mc, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&mc, &m, &err), MM_OK, "%s", err.msg);
	return m;
}

static void map(struct machine *m, uint64_t va, uint64_t pa, uint64_t len, uint32_t flags)
{
	struct page_prop p = { flags, CACHE_WB };
	struct mm_error err = { 0 };

	cr_assert_eq(machine_map(m, va, pa, len, &p, &err), MM_OK, "%s", err.msg);
}

static uint64_t leaf_pte(struct machine *m, uint64_t va)
{
	struct page_table *pt;
	struct pt_mapping pm;

	cr_assert_eq(machine_route(m, m->user, va, &pt, NULL), MM_OK);
	cr_assert(pt_query(pt, va, &pm), "0x%llx is mapped", (unsigned long long)va);
	return pm.pte;
}

static uint64_t walk_size(struct machine *m, uint64_t va)
{
	struct walk_request req = { .va = va, .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .no_ad_update = true };
	struct walk_result res;

	machine_walk(m, &req, &res);
	cr_assert(res.ok, "0x%llx walks", (unsigned long long)va);
	return res.page_size;
}

#define RW (PROP_R | PROP_W | PROP_A | PROP_D)

Test(contiguous, a_whole_aligned_run_is_marked)
{
	struct machine *m = arm("aarch64");

	map(m, 0x400000, 0x40200000, 0x10000, RW);       /* 16 x 4K, 64K-aligned VA and PA */
	for (uint64_t va = 0x400000; va < 0x410000; va += 0x1000)
		cr_expect(leaf_pte(m, va) & CONT, "0x%llx", (unsigned long long)va);
	cr_expect_eq(walk_size(m, 0x40f123), 0x10000);
	map(m, 0x500000, 0x40300000, 0xf000, RW);        /* 15 pages: no run */
	cr_expect_not(leaf_pte(m, 0x500000) & CONT);
	cr_expect_eq(walk_size(m, 0x500000), 0x1000);
	map(m, 0x600000, 0x40401000, 0x10000, RW);       /* PA not 64K-aligned: no run */
	cr_expect_not(leaf_pte(m, 0x600000) & CONT);
	map(m, 0xffff000002000000ull, 0x42000000, 0x2000000, PROP_R | PROP_W | PROP_G); /* 16 x 2M blocks */
	cr_expect(leaf_pte(m, 0xffff000003e00000ull) & CONT);
	cr_expect_eq(walk_size(m, 0xffff000003ffffffull), 0x2000000);
	machine_destroy(m);
}

Test(contiguous, editing_part_of_a_run_breaks_it)
{
	struct machine *m = arm("aarch64");
	struct page_prop ro = { PROP_R | PROP_A, CACHE_WB };
	struct mm_error err = { 0 };

	map(m, 0x400000, 0x40200000, 0x10000, RW);
	cr_assert(leaf_pte(m, 0x400000) & CONT);
	cr_assert_eq(machine_protect(m, 0x403000, 0x1000, &ro, &err), MM_OK);
	for (uint64_t va = 0x400000; va < 0x410000; va += 0x1000)
		cr_expect_not(leaf_pte(m, va) & CONT, "0x%llx: the run holds two kinds of page", (unsigned long long)va);
	cr_assert_eq(machine_protect(m, 0x400000, 0x10000, &ro, &err), MM_OK);
	cr_expect(leaf_pte(m, 0x40f000) & CONT, "one kind again: a run again");
	cr_assert_eq(machine_unmap(m, 0x40f000, 0x1000, &err), MM_OK);
	cr_expect_not(leaf_pte(m, 0x400000) & CONT);
	cr_expect_eq(walk_size(m, 0x400000), 0x1000);
	machine_destroy(m);
}

/* Entries may differ in AF and in the dirty state (AP[2] of a DBM page): the hardware sets those one by one. */
Test(contiguous, access_and_dirty_state_may_differ)
{
	struct machine *m = arm("aarch64");

	map(m, 0x400000, 0x40200000, 0x8000, PROP_R | PROP_W);          /* clean, AF=0 */
	map(m, 0x408000, 0x40208000, 0x8000, PROP_R | PROP_W | PROP_A | PROP_D);
	cr_expect(leaf_pte(m, 0x400000) & CONT);
	cr_expect(leaf_pte(m, 0x40f000) & CONT);
	machine_destroy(m);
}

Test(contiguous, granules)
{
	struct machine *m = arm("aarch64_16k");

	map(m, 0x800000, 0x40800000, 0x200000, RW);      /* 128 x 16K = 2M */
	cr_expect(leaf_pte(m, 0x9fc000) & CONT);
	cr_expect_eq(walk_size(m, 0x9fc000), 0x200000);
	map(m, 0xc00000, 0x40c00000, 0x1fc000, RW);      /* 127 pages */
	cr_expect_not(leaf_pte(m, 0xc00000) & CONT);
	machine_destroy(m);
	m = arm("aarch64_64k");
	map(m, 0x200000, 0x40200000, 0x200000, RW);      /* 32 x 64K = 2M */
	cr_expect(leaf_pte(m, 0x3f0000) & CONT);
	cr_expect_eq(walk_size(m, 0x200000), 0x200000);
	machine_destroy(m);
}

/* Formats without runs are left alone: x86 bit 52 is software-available and stays clear. */
Test(contiguous, other_formats_untouched)
{
	struct machine_config mc;
	struct machine *m;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_preset("x86_64", &mc, &err), MM_OK);
	cr_assert_eq(machine_create(&mc, &m, &err), MM_OK);
	map(m, 0x400000, 0x200000, 0x10000, RW | PROP_U);
	cr_expect_not(leaf_pte(m, 0x400000) & CONT);
	machine_destroy(m);
}

/*
 * An edit over a vast range skips what holds no run (an empty level-0 entry
 * spans 512 GiB) but still reaches the run just past it: half of the run at
 * 512 GiB changes, so the whole run loses its bit.
 */
Test(contiguous, a_long_edit_reaches_the_run_past_an_empty_span)
{
	struct machine *m = arm("aarch64");
	struct page_prop ro = { PROP_R | PROP_A, CACHE_WB };
	struct mm_error err = { 0 };

	map(m, 0x8000000000ull, 0x40200000, 0x10000, RW);
	cr_assert(leaf_pte(m, 0x8000000000ull) & CONT);
	cr_assert_eq(machine_protect(m, 0x10000, 0x8000008000ull - 0x10000, &ro, &err), MM_OK, "%s", err.msg);
	cr_expect_not(leaf_pte(m, 0x8000000000ull) & CONT);
	cr_expect_not(leaf_pte(m, 0x800000f000ull) & CONT);
	machine_destroy(m);
}
