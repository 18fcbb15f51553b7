/*
 * cli_napot_views: a RISC-V Svnapot 64 KiB page in the views and OS-side
 * edits, not only in the walk.
 *
 * Privileged spec, "Svnapot" chapter: a level-0 leaf (mmusim level 1) with
 * N=1 and ppn[3:0] = 0b1000 is one of the 16 entries of a 64 KiB NAPOT page;
 * every entry holds the same PPN, and the walk's step 8 replaces ppn[3:0]
 * with vpn[0][3:0].  Here the 16 entries for VAs 0x10000..0x1ffff hold
 * 0x80000000200060df: N, ppn 0x80018 (= 0x80010 | 0b1000), D A U X W R V.
 * So VA 0x1X000 is at PA 0x8001X000, one 64 KiB page at 0x80010000.  The
 * views (mappings, show) and protect took each entry's ppn << 12 =
 * 0x80018000 as its 4 KiB frame: all 16 pages "at" 0x80018000, and protect
 * rewrote them so, aliasing the whole range onto one frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

/* Maps the range with 4 KiB leaves, then makes them the 16 NAPOT entries of one 64 KiB page. */
static char *napot_setup(const char *more)
{
	char text[2048];
	int n = snprintf(text, sizeof(text), "map 0x10000 0x80010000 64K rwu\n");

	for (unsigned i = 0; i < 16; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "set-pte 0x%x 1 0x80000000200060df\n", 0x10000 + i * 0x1000);
	snprintf(text + n, sizeof(text) - (size_t)n, "%s", more);
	return write_temp_file(text, ".txt");
}

Test(cli_napot_views, mappings_and_show_give_each_page_its_frame)
{
	char *setup = napot_setup("");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "mappings", "--setup", setup, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "0x10000 0x20000 0x80010000 rwxu-\n");
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "show", "--setup", setup, "--range", "0x10000-0x20000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "-> 16 x 4K pages, va 0x10000..0x1ffff -> pa 0x80010000..0x8001ffff\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(setup);
}

/* protect keeps each page's own frame: VA 0x1f123 stays at PA 0x8001f123, now read-only. */
Test(cli_napot_views, protect_keeps_each_frame)
{
	char *setup = napot_setup("protect 0x10000 64K ru\n");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--setup", setup, "0x1f123", "0x10123", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "0x1f123 r user: pa 0x8001f123 (4K page, level 1) perms r--u-\n"
				"0x10123 r user: pa 0x80010123 (4K page, level 1) perms r--u-\n");
	run_result_free(&r);
	remove_temp_file(setup);
}
