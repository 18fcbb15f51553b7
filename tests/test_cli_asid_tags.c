/*
 * test_cli_asid_tags: what an `asid N` switch may tag, per architecture, end
 * to end through translate, replay and mrc.  x86-64 tags with the 12-bit PCID (CR3 11:0);
 * 32-bit paging has no PCID at all, so a switch (a MOV to CR3) drops the
 * non-global TLB and paging-structure-cache entries (Intel SDM vol. 3
 * 4.10.4.1, "MOV to CR3": with CR4.PCIDE = 0 it invalidates every TLB entry
 * of PCID 000H but the global ones, and every paging-structure-cache entry).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

/* The PCID is CR3 bits 11:0: PCID 4095 is the last one; 4096 would alias PCID 0. */
Test(cli_asid_tags, x86_64_pcids_have_twelve_bits)
{
	char *ok = write_temp_file("asid 4095\nmap 0x1000 0x200000 4K rwu\n", ".trace");
	char *bad = write_temp_file("asid 4095\nasid 4096\n", ".trace");
	char want[4200];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--setup", ok, "0x1008", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "0x1008 r user: pa 0x200008 (4K page, level 1) perms rw-u-\n");
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "translate", "--setup", bad, "0x1008", NULL), 0);
	snprintf(want, sizeof(want), "mmusim: %s:2: ASID 4096 does not fit this CPU's 12-bit ASIDs\n", bad);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(ok);
	remove_temp_file(bad);
}

/*
 * x86_32: address space 0 reads 0x1000 (a walk: 2 PTE reads), 1 reads its
 * own 0x1000 (a walk), 0 reads 0x1000 again: the switch back was a MOV to
 * CR3 without PCIDs, so the TLB lost 0's entry: a third walk, 2 more reads.
 * The global kernel page read before the switches stays (a TLB hit).
 */
Test(cli_asid_tags, x86_32_switch_drops_non_global_entries)
{
	char *trace = write_temp_file("map 0xc0000000 0x100000 4K rwg\n"
				      "map 0x1000 0x200000 4K rwu\n"
				      "priv supervisor\nr 0xc0000000\npriv user\n"
				      "r 0x1000\n"
				      "asid 1\nmap 0x1000 0x300000 4K rwu\nr 0x1000\n"
				      "asid 0\nr 0x1000\n"
				      "priv supervisor\nr 0xc0000000\n",
				      ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	/* walks: kernel page, 0's, 1's, 0's again; the kernel page's second read hits */
	cr_expect(strstr(r.out, "\"walks\":4,") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"pte_reads\":8,") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}

/* The same trace on x86-64 keeps 0's entry under its PCID: two walks, the switch back hits. */
Test(cli_asid_tags, x86_64_switch_keeps_tagged_entries)
{
	char *trace = write_temp_file("map 0x1000 0x200000 4K rwu\n"
				      "r 0x1000\n"
				      "asid 1\nmap 0x1000 0x300000 4K rwu\nr 0x1000\n"
				      "asid 0\nr 0x1000\n",
				      ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"walks\":2,") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}

/*
 * mrc --page-size mapped replays on the config's machine, and its curve equals
 * a replay's misses: on x86_32 the switch back to address space 0 finds 0's
 * page gone as the replay's TLB does, so every size misses 3 times (without
 * the drop a 2-entry TLB would hit the third read).
 */
Test(cli_asid_tags, x86_32_mrc_mapped_drops_on_switch)
{
	char *trace = write_temp_file("map 0x1000 0x200000 4K rwu\n"
				      "r 0x1000\n"
				      "asid 1\nmap 0x1000 0x300000 4K rwu\nr 0x1000\n"
				      "asid 0\nr 0x1000\n",
				      ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "--json", "mrc", "--page-size", "mapped",
				"--max-entries", "4", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"misses\":[3,3,3,3]") != NULL, "%s", r.out);
	run_result_free(&r);

	/* x86-64 keeps 0's page under its PCID: 2 misses once the TLB holds both */
	cr_assert_eq(run_mmusim(&r, "--json", "mrc", "--page-size", "mapped", "--max-entries", "4", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"misses\":[3,2,2,2]") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}
