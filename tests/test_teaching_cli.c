/*
 * test_teaching_cli: the mmusim binary on the teaching presets (sv32, x86_32,
 * toy): translate, mappings and replay end to end, and a bad toy config.
 * Expected numbers are worked out by hand in the comments.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static void expect_run(struct run_result *r, int status, const char *out, const char *err)
{
	cr_expect_eq(r->status, status, "exit status %d, stderr: %s", r->status, r->err);
	if (out)
		cr_expect_str_eq(r->out, out);
	if (err)
		cr_expect_str_eq(r->err, err);
}

/* sv32: VA 0x401234 in the megapage at 0x3c0400000 -> 0x3c0400000 + 0x1234 (a 34-bit PA). */
Test(teaching_cli, sv32_translate_megapage_and_store_fault)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "translate", "--map", "0x400000 0x3c0400000 4M rwu",
				"--map", "0x1000 0x80002000 4K ru", "--access", "w", "0x401234", "0x1008", NULL), 0);
	expect_run(&r, 0,
		   "0x401234 w user: pa 0x3c0401234 (4M page, level 2) perms rw-u-\n"
		   /* the refusing leaf: PTE 1 of the node at 0x80002000 (after the kernel and user roots) */
		   "0x1008 w user: fault permission at level 1, scause 15 (store/AMO page fault): store, but W=0; "
		   "refused by the PTE (L1) at 0x80002004\n",
		   "");
	run_result_free(&r);
}

/* x86_32: PDE 2 (0x800000 >> 22) maps PA 0x12c0400000 with PSE-36; supervisor-only. */
Test(teaching_cli, x86_32_pse36_translate_and_json)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "--json", "translate", "--supervisor", "--map",
				"0x800000 0x12c0400000 4M rw", "0x812345", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x812345\",\"access\":\"r\",\"priv\":\"supervisor\",\"pa\":\"0x12c0412345\","
		   "\"level\":2,\"page_size\":4194304,\"perms\":\"rwx--\",\"pte_addrs\":[\"0x1008\"]}\n",
		   "");
	run_result_free(&r);
}

Test(teaching_cli, x86_32_mappings)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "mappings", "--map", "0x400000 0x12c0400000 8M rw",
				"--map", "0x1000 0x2000 8K ru", NULL), 0);
	expect_run(&r, 0, "0x1000 0x3000 0x2000 r-xu-\n0x400000 0xc00000 0x12c0400000 rwx--\n", "");
	run_result_free(&r);
}

/* toy: root 0x40 (the first node after the kernel's), PTE 0 -> node 0x80, PTE 1 there at 0x82. */
Test(teaching_cli, toy_translate_explain_walks_two_byte_ptes)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "toy", "translate", "--explain", "--map", "0x40 0x1240 64 rwu",
				"0x45", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "walk from root 0x40 (ptbr 0x40):\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  L1  table 0x80 + index 1 x 2 = PTE at 0x82\n"), "%s", r.out);
	cr_expect(strstr(r.out, "      bits   V R W U frame=0x49\n"), "%s", r.out);
	cr_expect(strstr(r.out, "PA 0x1245 = frame 0x1240 | offset 0x5 (VA bits 5:0 in a 64-byte page)\n"), "%s", r.out);
	run_result_free(&r);
}

/*
 * toy replay: r 0x45 misses and walks (64-byte page), r 0x46 hits, w 0x45 hits
 * (no D bit to set), x 0x815 misses and walks the 2K page, r 0x1000 misses and
 * faults not-present: 5 accesses, 2 hits, 3 misses, 3 walks.
 */
Test(teaching_cli, toy_replay_counts)
{
	struct run_result r;
	char *trace = write_temp_file("map 0x40 0x1240 64 rwu\nmap 0x800 0x2000 2K rxu\n"
				      "r 0x45\nr 0x46\nw 0x45\nx 0x815\nr 0x1000\n", ".trace");

	cr_assert_eq(run_mmusim(&r, "--config", "toy", "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"accesses\":{\"total\":5,\"read\":3,\"write\":1,\"exec\":1}"), "%s", r.out);
	cr_expect(strstr(r.out, "\"tlb\":{\"tlb\":{\"hits\":2,\"misses\":3,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"walks\":3,\"walks_by_page_size\":{\"64\":1,\"2K\":1,\"fault\":1}"), "%s", r.out);
	cr_expect(strstr(r.out, "\"not-present\":1,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}

Test(teaching_cli, bad_toy_config_is_one_line_exit_2)
{
	struct run_result r;
	char *cfg = write_temp_file("extends: toy\nname: t\ntoy: { write: 1 }\n", ".yaml");
	char want[512];

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "0x45", NULL), 0);
	snprintf(want, sizeof(want), "mmusim: %s:3:15: write: bit 1 is already used by another field\n", cfg);
	expect_run(&r, 2, "", want);
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* An instructor's own toy MMU drives the quiz: 1-byte PTEs, one level. */
Test(teaching_cli, quiz_on_a_custom_toy)
{
	struct run_result r;
	char *cfg = write_temp_file(
		"name: tiny\narch: toy\n"
		"toy: { va_bits: 12, page_size: 64, levels: 1, pte_size: 1, pa_bits: 10,\n"
		"       valid: 0, read: 1, write: 2, user: 3, frame_shift: 4, frame_width: 4 }\n"
		"memory: { base: 0, size: 1K }\n"
		"page_tables:\n"
		"  user: { top_level_index_range: [0, 32], top_level_can_unmap: true }\n"
		"  kernel: { top_level_index_range: [32, 64], top_level_can_unmap: false }\n", ".yaml");

	cr_assert_eq(run_mmusim(&r, "quiz", "--config", cfg, "--seed", "9", "--answers", NULL), 0);
	expect_run(&r, 0, NULL, "");
	cr_expect(strstr(r.out, "PTE: frame number in bits 7:4 (PA = frame << 6), V bit 0, R bit 1, W bit 2, "
				"U bit 3; a permission without a bit is always granted\n"), "%s", r.out);
	cr_expect(strstr(r.out, "node 0x40 (level 1):\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * explain's "addr" line where an entry's address bits are not in place.
 * x86_32 PSE-36 (SDM vol. 3 4.3, table 4-4): PA 0x12c0400000 in a 4 MiB PDE is
 * PA bits 31:22 = 0x301 in PDE bits 31:22 and PA bits 39:32 = 0x12 in PDE bits
 * 20:13, so PDE 0xc0424083; the PDE masked (0xc0424000) is not the address.
 * sv32 (RISC-V privileged spec, Sv32): the megapage at 0x3c0400000 has PPN[1] =
 * 0x3c0400000 >> 22 = 0xf01 in PTE bits 31:20, which are PA bits 33:22.
 */
Test(teaching_cli, explain_names_where_moved_address_bits_go)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "explain", "--map", "0x800000 0x12c0400000 4M rw",
				"--supervisor", "0x812345", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "      raw    0xc0424083\n"), "%s", r.out);
	cr_expect(strstr(r.out, "      addr   bits 31:22 = 0x301 -> PA bits 31:22, bits 20:13 = 0x12 -> PA bits 39:32, "
				"so 0x12c0400000\n"),
		  "%s", r.out);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "explain", "--map", "0x400000 0x3c0400000 4M rwu", "0x401234",
				NULL),
		     0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "      addr   bits 31:20 = 0xf01 -> PA bits 33:22, so 0x3c0400000\n"), "%s", r.out);
	/* the L2 pointer to the page table: PPN 0x80002 in bits 31:10 (nothing mapped but the megapage: none) */
	cr_expect(!strstr(r.out, "bits 31:10 = 0x8"), "%s", r.out);
	run_result_free(&r);
}

/*
 * Sv32's satp holds a 9-bit ASID (bits 30:22; RISC-V privileged spec, satp:
 * ASIDMAX 511 for Sv32): ASID 511 is the last one, 512 cannot be written to
 * satp (it would alias ASID 0 in the register) and is refused.
 */
Test(teaching_cli, sv32_asids_have_nine_bits)
{
	char *ok = write_temp_file("asid 511\nmap 0x1000 0x80005000 4K rwu\n", ".trace");
	char *bad = write_temp_file("asid 511\nasid 512\n", ".trace");
	char want[4200];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "translate", "--setup", ok, "0x1008", NULL), 0);
	expect_run(&r, 0, "0x1008 r user: pa 0x80005008 (4K page, level 1) perms rw-u-\n", "");
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "translate", "--setup", bad, "0x1008", NULL), 0);
	snprintf(want, sizeof(want), "mmusim: %s:2: ASID 512 does not fit this CPU's 9-bit ASIDs\n", bad);
	expect_run(&r, 2, "", want);
	run_result_free(&r);
	remove_temp_file(ok);
	remove_temp_file(bad);
}

/*
 * x86_32 has no PCIDs (SDM vol. 3 4.10.1 needs IA-32e mode): 'asid N' is a
 * MOV to CR3, which drops every non-global TLB entry and every
 * paging-structure-cache entry (4.10.4.1); global pages stay.  Worked by hand
 * with a 2-level walk and a PDE cache: r 0x400000 and r 0x800000 (global)
 * miss and walk 2 PTEs each; in ASID 1 r 0x400000 walks 2; back in ASID 0
 * r 0x401000 misses the PDE cache the switch emptied (2; it was 1) and r
 * 0x400000 misses the TLB (it hit) and hits the PDE cache (1); r 0x800000
 * hits.  The entries had stayed, tagged, as if x86_32 had PCIDs.
 */
Test(teaching_cli, x86_32_asid_switch_is_a_cr3_load)
{
	char *cfg = write_temp_file("extends: x86_32\npwc:\n  - { level: 2, entries: 8, ways: 4, latency: 1 }\n",
				    ".yaml");
	char *trace = write_temp_file("map 0x400000 0x200000 8K rwu\nmap 0x800000 0x300000 4K rwug\n"
				      "r 0x400000\nr 0x800000\nasid 1\nmap 0x400000 0x500000 4K rwu\nr 0x400000\n"
				      "asid 0\nr 0x401000\nr 0x400000\nr 0x800000\n",
				      ".trace");
	/* Without the global page: mrc through the machine drops the outgoing space's pages too. */
	char *plain = write_temp_file("map 0x400000 0x200000 8K rwu\nr 0x400000\nasid 1\n"
				      "map 0x400000 0x500000 4K rwu\nr 0x400000\nasid 0\nr 0x401000\nr 0x400000\n",
				      ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "--config", cfg, "replay", trace, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"l1d\":{\"hits\":1,\"misses\":5,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"pwc\":{\"2\":{\"hits\":1,\"misses\":4}}"), "%s", r.out);
	cr_expect(strstr(r.out, "\"walks\":5,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"pte_reads\":9,"), "%s", r.out);
	run_result_free(&r);

	/* sv32 tags its entries with the ASID: back in ASID 0, r 0x400000 hits. */
	cr_assert_eq(run_mmusim(&r, "--json", "--config", "sv32", "replay", plain, NULL), 0);
	cr_expect(strstr(r.out, "\"l1d\":{\"hits\":1,\"misses\":3,"), "%s", r.out);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--json", "--config", "x86_32", "mrc", "--page-size", "mapped", "--max-entries",
				"4", plain, NULL),
		     0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"misses\":[4,4,4,4]"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(trace);
	remove_temp_file(plain);
}

