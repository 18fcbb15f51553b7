/*
 * test_teach_aarch64: show, explain, report and quiz on the AArch64 presets,
 * end to end, with every expected descriptor worked out by hand.
 *
 * From the Arm ARM (DDI 0487) D8.3, VMSAv8-64 descriptors: bit 0 valid, bit 1
 * = 1 table (levels 0-2) or page (level 3), 0 block; a table holds the next
 * table's address; a block or page AttrIndx[2:0] in bits 4:2, AP[2:1] in 7:6,
 * SH in 9:8, AF 10, nG 11, the output address, DBM 51, Contiguous 52, PXN 53,
 * UXN 54.  D8.2: with 4K granules and 48-bit VAs the levels 0-3 index VA bits
 * 47:39, 38:30, 29:21, 20:12 (Arm level = 4 - mmusim's), with 16K granules
 * level 0 takes bit 47 alone (2 entries) and each other level 11 bits; VA bit
 * 55 picks TTBR0 or TTBR1, and the bits above the VA size must all equal it
 * (only up to bit 55 when TCR_EL1.TBIn makes the top byte a tag).  D19
 * ESR_EL1: EC 0x24/0x25 data abort from EL0/EL1, IL bit 25, WnR bit 6, DFSC
 * 0b0001ll translation, 0b0010ll access flag, 0b0011ll permission fault at
 * level ll.  mmusim's encoding of a map's flags (README, "Page properties"):
 * u sets AP[1]; w sets DBM with AP[2] = 1 until the page is dirty; a page
 * without w has AP[2] = 1; no x sets UXN and PXN; no a leaves AF clear; no g
 * sets nG; wb is AttrIndx 0, whose MAIR byte in the presets is 0xff (Normal memory,
 * write-back: D19 MAIR_EL1 Attr 0b1111_1111); SH is
 * inner shareable (3).  A machine's first node is the kernel's root (TTBR1),
 * the second the user table's (TTBR0); memory starts at 0x40000000.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define HAS(out, text) cr_expect(strstr(out, text), "missing:\n%s\nin:\n%s", text, out)

/* A user rw page at 0x400000 (VA indices 0, 0, 2, 0) and a kernel rw 2M block at 0xffff000000200000 (0, 0, 1). */
#define USER_PAGE "0x400000 0x80000000 4K rwu"
#define KERNEL_BLOCK "0xffff000000200000 0x80200000 2M rwg"

/* The two descriptors, from the layout: 0x80000000 | valid+page 0b11 | SH 3 << 8 | AP[1] | AP[2] | nG | DBM | PXN | UXN. */
#define USER_PTE "0x0068000080000bc3"
/* 0x80200000 | valid, block 0b01 | SH 3 << 8 | AP[2] (AP[1] = 0: EL1 only) | DBM | PXN | UXN; g: nG clear. */
#define KERNEL_PTE "0x0068000080200381"

Test(teach_arm, show_draws_both_roots)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "show", "--map", USER_PAGE, "--map", KERNEL_BLOCK, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
		"TTBR0 (user) root 0x40001000 (ttbr0 0x40001000): aarch64, 4 levels of 512 8-byte entries\n"
		"L4[0] 0x0000000040002003 table next=0x40002000 -> L3 table 0x40002000, va 0x0..0x7fffffffff\n"
		"  L3[0] 0x0000000040003003 table next=0x40003000 -> L2 table 0x40003000, va 0x0..0x3fffffff\n"
		"    L2[2] 0x0000000040004003 table next=0x40004000 -> L1 table 0x40004000, va 0x400000..0x5fffff\n"
		"      L1[0] " USER_PTE " page AttrIndx=0 (MAIR 0xff: Normal WB) AP=11 (EL1 RO, EL0 RO) SH=3 nG DBM PXN UXN"
		" oa=0x80000000 -> 4K page, va 0x400000 -> pa 0x80000000\n"
		"TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000): aarch64, 4 levels of 512 8-byte entries\n"
		"L4[0] 0x0000000040005003 table next=0x40005000 -> L3 table 0x40005000,"
		" va 0xffff000000000000..0xffff007fffffffff\n"
		"  L3[0] 0x0000000040006003 table next=0x40006000 -> L2 table 0x40006000,"
		" va 0xffff000000000000..0xffff00003fffffff\n"
		"    L2[1] " KERNEL_PTE " block AttrIndx=0 (MAIR 0xff: Normal WB) AP=10 (EL1 RO) SH=3 DBM PXN UXN oa=0x80200000"
		" -> 2M page, va 0xffff000000200000 -> pa 0x80200000\n");
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
}

/*
 * 16K granule: level 0 is VA bit 47 alone, so 0x800000000000 (which x86 would
 * call non-canonical) is TTBR0's entry 1; each L0 entry spans 2^47 bytes, L1
 * 2^36, L2 2^25.  The kernel table is empty but still drawn.
 */
Test(teach_arm, show_partial_top_level)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64_16k", "show", "--map", "0x800000000000 0x80000000 16K ru",
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
		"TTBR0 (user) root 0x40004000 (ttbr0 0x40004000): aarch64_16k, 4 levels of 2048 8-byte entries"
		" (2 at the top level)\n"
		"L4[1] 0x0000000040008003 table next=0x40008000 -> L3 table 0x40008000, va 0x800000000000..0xffffffffffff\n"
		"  L3[0] 0x000000004000c003 table next=0x4000c000 -> L2 table 0x4000c000, va 0x800000000000..0x800fffffffff\n"
		"    L2[0] 0x0000000040010003 table next=0x40010000 -> L1 table 0x40010000, va 0x800000000000..0x800001ffffff\n"
		"      L1[0] 0x0060000080000bc3 page AttrIndx=0 (MAIR 0xff: Normal WB) AP=11 (EL1 RO, EL0 RO) SH=3 nG PXN UXN"
		" oa=0x80000000 -> 16K page, va 0x800000000000 -> pa 0x80000000\n"
		"TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000): aarch64_16k, 4 levels of 2048 8-byte entries"
		" (2 at the top level)\n"
		"(no present entries to show)\n");
	run_result_free(&r);
}

/* A --range in the upper half shows only TTBR1's entries there; the walk marks its rows. */
Test(teach_arm, show_range_and_walk_in_the_upper_half)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "show", "--map", USER_PAGE, "--map", KERNEL_BLOCK,
				"--range", "0xffff000000000000-0xffff000040000000", "--supervisor", "--va",
				"0xffff000000212345", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "TTBR0 (user) root 0x40001000 (ttbr0 0x40001000): aarch64, 4 levels of 512 8-byte entries\n"
		   "(no present entries to show)\n");
	HAS(r.out, "    L2[1] " KERNEL_PTE " block AttrIndx=0 (MAIR 0xff: Normal WB) AP=10 (EL1 RO) SH=3 DBM PXN UXN oa=0x80200000"
		   " -> 2M page, va 0xffff000000200000 -> pa 0x80200000 <- walk of 0xffff000000212345\n");
	HAS(r.out, "L4[0] 0x0000000040005003 table next=0x40005000 -> L3 table 0x40005000,"
		   " va 0xffff000000000000..0xffff007fffffffff <- walk of 0xffff000000212345\n");
	cr_expect(!strstr(r.out, USER_PTE), "%s", r.out);
	run_result_free(&r);
}

/* --json rows name their root register; --dot draws one register box per root. */
Test(teach_arm, show_json_and_dot_name_the_roots)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "--json", "show", "--map", USER_PAGE, "--map", KERNEL_BLOCK,
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "{\"level\":1,\"table\":\"0x40004000\",\"index\":0,\"count\":1,\"pte\":\"0x68000080000bc3\"");
	HAS(r.out, "\"va\":\"0x400000\",\"va_last\":\"0x400fff\",\"page_size\":4096,\"parent\":2,\"root\":\"ttbr0\",");
	HAS(r.out, "\"va\":\"0xffff000000200000\",\"va_last\":\"0xffff0000003fffff\",\"page_size\":2097152,\"parent\":5,"
		   "\"root\":\"ttbr1\",");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "show", "--dot", "--map", USER_PAGE, "--map", KERNEL_BLOCK,
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "  reg [shape=box, style=rounded, label=\"TTBR0 (user)\\nttbr0 0x40001000\"];\n  reg -> root;\n");
	HAS(r.out, "  reg1 [shape=box, style=rounded, label=\"TTBR1 (kernel)\\nttbr1 0x40000000\"];\n  reg1 -> root1;\n");
	HAS(r.out, "  root1 [label=<");
	HAS(r.out, "  root1:r4 -> n4;\n");
	run_result_free(&r);
}

/*
 * An EL1 write to the kernel block: TTBR1's walk, Arm's level names, the
 * block's fields, and the dirty state set (DBM=1 with HD: AP[2] cleared).
 */
Test(teach_arm, explain_upper_half_walk)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "explain", "--map", KERNEL_BLOCK, "--supervisor", "--access",
				"w", "0xffff000000212345", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "  range      63:48  0xffff 0b1111111111111111  all equal to bit 55 = 1: TTBR1 (kernel)\n"
		   "  L4 index   47:39  0x0    0b000000000         = 0\n");
	HAS(r.out, "walk from TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000):\n"
		   "  L4 (L0 descriptor)  table 0x40000000 + index 0 x 8 = descriptor at 0x40000000\n"
		   "      raw    0x0000000040002003\n"
		   "      bits   table next=0x40002000\n");
	HAS(r.out, "  L2 (L2 descriptor)  table 0x40003000 + index 1 x 8 = descriptor at 0x40003008\n"
		   "      raw    " KERNEL_PTE "\n"
		   "      bits   block AttrIndx=0 (MAIR 0xff: Normal WB) AP=10 (EL1 RO) SH=3 DBM PXN UXN oa=0x80200000\n"
		   "      addr   bits 47:21 = 0x80200000\n"
		   "      -> a leaf: maps a 2M page at frame 0x80200000\n");
	HAS(r.out, "PA 0x80212345 = frame 0x80200000 | offset 0x12345 (VA bits 20:0 in a 2M page)\n"
		   "perms rw--g; the walk set A and D in the leaf\n");
	run_result_free(&r);
}

/* An EL0 write to a read-only user page: a permission fault at Arm level 3, ESR 0x24 << 26 | IL | WnR | 0b001111. */
Test(teach_arm, explain_permission_fault_with_its_esr)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "explain", "--map", "0x400000 0x80000000 4K rua", "--access",
				"w", "0x400010", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	/* rua: AP=11, AF set, nG, no DBM (no w), PXN and UXN (no x). */
	HAS(r.out, "walk from TTBR0 (user) root 0x40001000 (ttbr0 0x40001000):\n");
	HAS(r.out, "  L1 (L3 descriptor)  table 0x40004000 + index 0 x 8 = descriptor at 0x40004000\n"
		   "      raw    0x0060000080000fc3\n"
		   "      bits   page AttrIndx=0 (MAIR 0xff: Normal WB) AP=11 (EL1 RO, EL0 RO) SH=3 AF nG PXN UXN oa=0x80000000\n");
	HAS(r.out, "fault permission at level 1: ");
	HAS(r.out, "  refused by the L3 descriptor (L1) at 0x40004000: 0x0060000080000fc3 = page");
	HAS(r.out, "  raised as ESR_EL1 0x9200004f (data abort from EL0, WnR, permission fault, level 3)\n");
	run_result_free(&r);
}

/* With TCR_EL1.HA = 0 a page whose AF is clear faults: access flag fault, level 3, DFSC 0b001011. */
Test(teach_arm, explain_access_flag_fault)
{
	char *cfg = write_temp_file("extends: aarch64\ncpu: { ha: false }\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "explain", "--map", "0x400000 0x80000000 4K ru", "0x400010", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "fault accessed-dirty at level 1: ");
	HAS(r.out, "  the bits: the L3 descriptor (L1) at 0x40004000: 0x0060000080000bc3 = page AttrIndx=0 "
		   "(MAIR 0xff: Normal WB)"
		   " AP=11 (EL1 RO, EL0 RO) SH=3 nG PXN UXN oa=0x80000000\n");
	HAS(r.out, "  raised as ESR_EL1 0x9200000b (data abort from EL0, access flag fault, level 3)\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * The range bits: without TBI bits 63:48 of 0x0080000000000000 are not all
 * bit 55 (1): a translation fault at level 0, EL1 read: 0x25 << 26 | IL | 0b000100.
 */
Test(teach_arm, explain_va_in_neither_range)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "explain", "--supervisor", "0x0080000000000000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "  range      63:48  0x80   0b0000000010000000  not all equal to bit 55: in neither TTBR's range\n");
	HAS(r.out, "walk from TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000):\n"
		   "fault non-canonical (no entry was read): the VA is in neither TTBR0's nor TTBR1's range: bits 63:48"
		   " (55:48 when the top byte is ignored) are not all equal to bit 55\n"
		   "  the bits: VA bits 63:48 = 0x80 while bit 55 = 1\n"
		   "  raised as ESR_EL1 0x96000004 (data abort from EL1, translation fault, level 0)\n");
	run_result_free(&r);
}

/* With TBI0 the top byte of a TTBR0 VA is a tag: drawn apart, ignored; the walk translates the rest. */
Test(teach_arm, explain_top_byte_ignored)
{
	char *cfg = write_temp_file("extends: aarch64\ncpu: { tbi0: true }\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "explain", "--map", USER_PAGE, "0x5a00000000400123", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "  top byte   63:56  0x5a   0b01011010          ignored (TBI0=1)\n"
		   "  range      55:48  0x0    0b00000000          all equal to bit 55 = 0: TTBR0 (user)\n"
		   "  L4 index   47:39  0x0    0b000000000         = 0\n");
	HAS(r.out, "PA 0x80000123 = frame 0x80000000 | offset 0x123 (VA bits 11:0 in a 4K page)\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* 64K granule, 48-bit: the top level (Arm level 1) indexes VA bits 47:42, 64 entries. */
Test(teach_arm, explain_partial_top_index_width)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64_64k", "explain", "0xfc0000000000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "  L3 index   47:42  0x3f   0b111111            = 63\n"
		   "  L2 index   41:29  0x0    0b0000000000000     = 0\n");
	HAS(r.out, "  L3 (L1 descriptor)  table 0x40010000 + index 63 x 8 = descriptor at 0x400101f8\n");
	HAS(r.out, "  raised as ESR_EL1 0x92000005 (data abort from EL0, translation fault, level 1)\n");
	run_result_free(&r);
}

Test(teach_arm, report_draws_both_roots)
{
	char *html = write_temp_file("", ".html");
	struct run_result r;
	char *page;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "report", "--html", html, "--map", USER_PAGE, "--map",
				KERNEL_BLOCK, "--va", "0xffff000000200000", "--supervisor", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	page = read_text_file(html);
	cr_assert_not_null(page);
	HAS(page, "<tr><th>roots</th><td>TTBR0 (user): VAs 0x0..0xffffffffffff; TTBR1 (kernel): VAs "
		  "0xffff000000000000..0xffffffffffffffff (VA bit 55 picks the root)</td></tr>\n");
	HAS(page, ">TTBR0 (user): ttbr0 0x40001000: root table 0x40001000, 4 levels of 512 8-byte entries</text>\n");
	HAS(page, ">TTBR1 (kernel): ttbr1 0x40000000: root table 0x40000000, 4 levels of 512 8-byte entries</text>\n");
	HAS(page, "walk from TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000):");
	/* The walk's three rows are marked, all in the kernel table. */
	HAS(page, "class=\"entry leaf walk w1\"");
	free(page);
	run_result_free(&r);
	remove_temp_file(html);

	html = write_temp_file("", ".html");
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64_64k", "report", "--html", html, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	page = read_text_file(html);
	cr_assert_not_null(page);
	HAS(page, "<tr><th>entries per node</th><td>8192 of 8 bytes (13 index bits); 64 at the top level</td></tr>\n");
	free(page);
	run_result_free(&r);
	remove_temp_file(html);
}

/*
 * Hierarchical permissions (D8.4.2), in a raw image: the level 0 table
 * descriptor sets APTable[1] (bit 62: no writes below) and UXNTable (bit 60:
 * no EL0 fetches below) over a page that is AP=01 (EL0 RW), AF=1, UXN=0.
 * An EL0 write and an EL0 fetch both fault (permission, level 3): ESR
 * 0x24 << 26 | IL | WnR | 0b001111 and 0x20 << 26 | IL | 0b001111.
 */
Test(teach_arm, explain_table_descriptor_hierarchical_bits)
{
	unsigned char mem[0x5000] = { 0 };
	const struct { uint64_t pa, value; } pokes[] = {
		{ 0x0, 0x1003 | 1ull << 62 | 1ull << 60 }, /* L0[0]: table 0x1000, APTable=10, UXNTable */
		{ 0x1000, 0x2003 },                        /* L1[0]: table 0x2000 */
		{ 0x2010, 0x3003 },                        /* L2[2] (VA 0x400000): table 0x3000 */
		{ 0x3000, 0x4000 | 0x3 | 0x400 | 0x300 | 0x40 }, /* L3[0]: page 0x4000, AF, SH=3, AP=01 */
	};
	struct run_result r;
	char *img;

	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++)
		for (unsigned b = 0; b < 8; b++)
			mem[pokes[i].pa + b] = (unsigned char)(pokes[i].value >> (8 * b));
	img = write_temp_bytes(mem, sizeof(mem));
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "explain", "--image", img, "--root", "0", "--ttbr1", "0", "--access", "w",
				"0x400000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "  L4 (L0 descriptor)  table 0x0 + index 0 x 8 = descriptor at 0x0\n"
		   "      raw    0x5000000000001003\n"
		   "      bits   table APTable=10 UXNTable next=0x1000\n");
	HAS(r.out, "      raw    0x0000000000004743\n"
		   "      bits   page AttrIndx=0 (MAIR 0xff: Normal WB) AP=01 (EL1 RW, EL0 RW) SH=3 AF oa=0x4000\n");
	HAS(r.out, "fault permission at level 1: ");
	HAS(r.out, "  raised as ESR_EL1 0x9200004f (data abort from EL0, WnR, permission fault, level 3)\n");
	/* The right was taken by APTable[1] of the level-0 table, not by the page (D8.4.2). */
	HAS(r.out, "  refused by the L0 descriptor (L4) at 0x0: 0x5000000000001003 = table APTable=10 UXNTable next=0x1000\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "explain", "--image", img, "--root", "0", "--ttbr1", "0", "--access", "x",
				"0x400000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "  raised as ESR_EL1 0x8200000f (instruction abort from EL0, permission fault, level 3)\n");
	HAS(r.out, "  refused by the L0 descriptor (L4) at 0x0");  /* UXNTable */
	run_result_free(&r);
	/*
	 * EL1 sees what APTable leaves: read-only, so no longer writable at EL0
	 * and executable at EL1 (PXN = PXNTable = 0); AP[1] = 1: u; nG = 0: g.
	 */
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--image", img, "--root", "0", "--ttbr1", "0", "--supervisor",
				"0x400123", NULL), 0);
	cr_expect_str_eq(r.out, "0x400123 r supervisor: pa 0x4123 (4K page, level 1) perms r-xug\n");
	run_result_free(&r);
	remove_temp_file(img);
}

/*
 * A writable-clean page (AP[2]=1, DBM=1; the preset has TCR_EL1.HD=1, so a
 * write would set it dirty) under a table with APTable[1]=1: the
 * hierarchical bit takes writes away whatever DBM says (D8.4.2, D8.5.4: DBM
 * only makes AP[2] writable).  The words must say so: "AP[2]=1 ... and not
 * DBM=1 with HD=1" read as one condition is false here (DBM=1, HD=1).
 */
Test(teach_arm, read_only_reason_holds_for_aptable_over_dbm_page)
{
	char *trace = write_temp_file("map 0x400000 0x80000000 4K rwu\npte 0x400000 1 ap=3 dbm=1 af=1\n"
				      "pte 0x400000 3 aptable=2\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "explain", "--setup", trace, "--access", "w", "0x400000", NULL),
		     0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "AP=11 (EL1 RO, EL0 RO) SH=3 AF nG DBM");
	HAS(r.out, "fault permission at level 1: write, but AP[2]=1 (and not DBM=1 with TCR_EL1.HD=1), or APTable[1]=1 "
		   "in a table above\n  refused by the L1 descriptor (L3) at ");
	cr_expect(!strstr(r.out, "(or APTable[1]=1 in a table above), and not DBM"), "%s", r.out);
	run_result_free(&r);
	/* Without the table's bit the same page takes the write (and the walk sets it dirty). */
	remove_temp_file(trace);
	trace = write_temp_file("map 0x400000 0x80000000 4K rwu\npte 0x400000 1 ap=3 dbm=1 af=1\n", ".trace");
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--setup", trace, "--access", "w", "0x400000",
				NULL), 0);
	cr_expect_str_eq(r.out, "0x400000 w user: pa 0x80000000 (4K page, level 1) perms rw-u-\n");
	run_result_free(&r);
	remove_temp_file(trace);
}

/*
 * Halves of different VA sizes (T0SZ != T1SZ, the config's
 * upper_address_width).  D8.2: a table of w-bit VAs with a 4K granule
 * starts at level 4 - ceil((w - 12) / 9), its top level indexing the bits
 * left over; so 39 bits make TTBR1's table 3 levels (Arm levels 1-3,
 * mmusim's 3-1) whose root indexes VA bits 38:30, and TTBR1's range is
 * [2^64 - 2^39, 2^64) = from 0xffffff8000000000.  VA 0xffffffc000200000:
 * its low 39 bits are 0x4000200000, so index 256 at the root (bits 38:30)
 * and 1 at level 2 (bits 29:21); a root entry spans 2^30 bytes.
 */
#define A39 "extends: aarch64\nname: a39k\nupper_address_width: 39\n"
#define A39_BLOCK "0xffffffc000200000 0x80200000 2M rwg"

Test(teach_arm_halves, show_tree_per_half_4k_upper_39)
{
	char *cfg = write_temp_file(A39, ".yaml");
	struct run_result r;

	/* The kernel block first: its L2 table is the third node (0x40002000), the user's three follow. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--map", A39_BLOCK, "--map", USER_PAGE, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
		"TTBR0 (user) root 0x40001000 (ttbr0 0x40001000): a39k, 4 levels of 512 8-byte entries\n"
		"L4[0] 0x0000000040003003 table next=0x40003000 -> L3 table 0x40003000, va 0x0..0x7fffffffff\n"
		"  L3[0] 0x0000000040004003 table next=0x40004000 -> L2 table 0x40004000, va 0x0..0x3fffffff\n"
		"    L2[2] 0x0000000040005003 table next=0x40005000 -> L1 table 0x40005000, va 0x400000..0x5fffff\n"
		"      L1[0] " USER_PTE " page AttrIndx=0 (MAIR 0xff: Normal WB) AP=11 (EL1 RO, EL0 RO) SH=3 nG DBM PXN UXN"
		" oa=0x80000000 -> 4K page, va 0x400000 -> pa 0x80000000\n"
		"TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000): a39k, 3 levels of 512 8-byte entries\n"
		"L3[256] 0x0000000040002003 table next=0x40002000 -> L2 table 0x40002000,"
		" va 0xffffffc000000000..0xffffffc03fffffff\n"
		"  L2[1] " KERNEL_PTE " block AttrIndx=0 (MAIR 0xff: Normal WB) AP=10 (EL1 RO) SH=3 DBM PXN UXN oa=0x80200000"
		" -> 2M page, va 0xffffffc000200000 -> pa 0x80200000\n");
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	/* --depth 1 shows each root's own top level only. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--depth", "1", "--map", A39_BLOCK, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "L3[256] 0x0000000040002003 table next=0x40002000 -> L2 table 0x40002000,"
		   " va 0xffffffc000000000..0xffffffc03fffffff (not expanded)\n");
	run_result_free(&r);
	/* DOT: the upper root's node is an L3 table. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--dot", "--map", A39_BLOCK, NULL), 0);
	HAS(r.out, "  root1 [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
		   "<TR><TD BGCOLOR=\"#e8e8e8\"><B>L3 table 0x40000000</B></TD></TR>");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * The upper half the deeper one (lower 39 bits: 3 levels, upper 48: 4):
 * --depth counts from each root's top, so 4 is allowed and 5 is not.
 */
Test(teach_arm_halves, show_depth_bounded_by_the_deeper_half)
{
	char *cfg = write_temp_file("extends: aarch64\nname: a39l\nnr_levels: 3\naddress_width: 39\n"
				    "upper_address_width: 48\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--depth", "4", "--map", KERNEL_BLOCK, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "TTBR0 (user) root 0x40001000 (ttbr0 0x40001000): a39l, 3 levels of 512 8-byte entries\n"
		   "(no present entries to show)\n"
		   "TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000): a39l, 4 levels of 512 8-byte entries\n"
		   "L4[0] 0x0000000040002003 table next=0x40002000 -> L3 table 0x40002000,"
		   " va 0xffff000000000000..0xffff007fffffffff\n");
	HAS(r.out, "    L2[1] " KERNEL_PTE " block");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--depth", "5", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: bad --depth '5': a39l has 4 levels\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * 16K granule, 48-bit lower half, 47-bit upper (D8.2, 14 offset bits, 11 per
 * level): 48 bits need 4 levels whose top takes bit 47 alone (2 entries), 47
 * bits 3 levels whose top takes bits 46:36 (2048 entries, a full node).  VA
 * 0xffffc00000004000: low 47 bits 0x400000004000, indices 1024 (46:36), 0
 * (35:25), 1 (24:14).  Nodes are 16K: roots 0x40000000 (TTBR1) and
 * 0x40004000 (TTBR0), the kernel's L2 and L1 tables 0x40008000, 0x4000c000.
 * The page rwg: 0x80004000 | page 0b11 | SH 3 | AP[2] | DBM | PXN | UXN.
 * The preset's kernel range covers the 2 entries of a 48-bit top; the wider
 * top's index 1024 needs a range of its own.
 */
#define A16_KERNEL_WIDE "extends: aarch64_16k\nname: a16\nupper_address_width: 47\npage_tables:\n" \
	"  user: { top_level_index_range: [0, 2], top_level_can_unmap: true }\n" \
	"  kernel: { top_level_index_range: [0, 2048], top_level_can_unmap: false }\n"

Test(teach_arm_halves, show_and_explain_16k_upper_47)
{
	char *cfg = write_temp_file(A16_KERNEL_WIDE, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--map", "0xffffc00000004000 0x80004000 16K rwg", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
		"TTBR0 (user) root 0x40004000 (ttbr0 0x40004000): a16, 4 levels of 2048 8-byte entries"
		" (2 at the top level)\n"
		"(no present entries to show)\n"
		"TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000): a16, 3 levels of 2048 8-byte entries\n"
		"L3[1024] 0x0000000040008003 table next=0x40008000 -> L2 table 0x40008000,"
		" va 0xffffc00000000000..0xffffc00fffffffff\n"
		"  L2[0] 0x000000004000c003 table next=0x4000c000 -> L1 table 0x4000c000,"
		" va 0xffffc00000000000..0xffffc00001ffffff\n"
		"    L1[1] 0x0068000080004383 page AttrIndx=0 (MAIR 0xff: Normal WB) AP=10 (EL1 RO) SH=3 DBM PXN UXN"
		" oa=0x80004000 -> 16K page, va 0xffffc00000004000 -> pa 0x80004000\n");
	run_result_free(&r);
	/*
	 * The fields: bits 63:47 (17 bits, all 1), widest field 17 bits: hex
	 * column 7 wide, binary 19.  The root is Arm's level 1 (mmusim's 3).
	 */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "explain", "--supervisor", "--map",
				"0xffffc00000004000 0x80004000 16K rwg", "0xffffc00000004abc", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "explain 0xffffc00000004abc: read access in supervisor mode; a16: 3 levels, 47-bit VA, 16K pages,"
		   " 8-byte PTEs\n");
	HAS(r.out, "  range      63:47  0x1ffff 0b11111111111111111  all equal to bit 55 = 1: TTBR1 (kernel)\n"
		   "  L3 index   46:36  0x400   0b10000000000        = 1024\n"
		   "  L2 index   35:25  0x0     0b00000000000        = 0\n"
		   "  L1 index   24:14  0x1     0b00000000001        = 1\n"
		   "  offset     13:0   0xabc   0b00101010111100\n");
	HAS(r.out, "  L3 (L1 descriptor)  table 0x40000000 + index 1024 x 8 = descriptor at 0x40002000\n");
	HAS(r.out, "PA 0x80004abc = frame 0x80004000 | offset 0xabc (VA bits 13:0 in a 16K page)\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * explain in a 4K config with a 39-bit upper half: a TTBR1 VA's fields are
 * the upper half's (range 63:39, indices 38:30, 29:21, 20:12, offset 11:0;
 * widest field 25 bits: hex column 9, binary 27), a TTBR0 VA's the lower's
 * 48-bit ones; 0xffff000000000000 has bit 55 = 1 but bits 47:39 clear, so
 * bits 63:39 = 0xffff << 9 = 0x1fffe00 are not all 1: in neither range.
 */
Test(teach_arm_halves, explain_fields_of_each_half)
{
	char *cfg = write_temp_file(A39, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "explain", "--supervisor", "--map", A39_BLOCK, "0xffffffc000200010",
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "; a39k: 3 levels, 39-bit VA, 4K pages, 8-byte PTEs\n");
	HAS(r.out, "  range      63:39  0x1ffffff 0b1111111111111111111111111  all equal to bit 55 = 1: TTBR1 (kernel)\n"
		   "  L3 index   38:30  0x100     0b100000000                  = 256\n"
		   "  L2 index   29:21  0x1       0b000000001                  = 1\n"
		   "  L1 index   20:12  0x0       0b000000000                  = 0\n"
		   "  offset     11:0   0x10      0b000000010000\n");
	HAS(r.out, "  L3 (L1 descriptor)  table 0x40000000 + index 256 x 8 = descriptor at 0x40000800\n");
	HAS(r.out, "PA 0x80200010 = frame 0x80200000 | offset 0x10 (VA bits 20:0 in a 2M page)\n");
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "explain", "--supervisor", "0xffff000000000000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "  range      63:39  0x1fffe00 0b1111111111111111000000000  not all equal to bit 55: in neither TTBR's"
		   " range\n");
	HAS(r.out, "fault non-canonical (no entry was read): the VA is in neither TTBR0's nor TTBR1's range: bits 63:39"
		   " (55:39 when the top byte is ignored) are not all equal to bit 55\n"
		   "  the bits: VA bits 63:39 = 0x1fffe00 while bit 55 = 1\n");
	run_result_free(&r);

	/* The same config's lower half keeps 48 bits and 4 levels. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "explain", "--map", USER_PAGE, "0x400010", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "; a39k: 4 levels, 48-bit VA, 4K pages, 8-byte PTEs\n");
	HAS(r.out, "  range      63:48  0x0    0b0000000000000000  all equal to bit 55 = 0: TTBR0 (user)\n"
		   "  L4 index   47:39  0x0    0b000000000         = 0\n");
	run_result_free(&r);
	/* translate's one-line answer names the upper half's bits too. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--supervisor", "0xffff000000000000", NULL), 0);
	HAS(r.out, "bits 63:39 (55:39 when the top byte is ignored) are not all equal to bit 55\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * 64K granule, 42-bit lower half and 48-bit upper (D8.2, 16 offset bits, 13
 * per level): 42 bits are 2 levels (top: bits 41:29, 8192 entries), 48 bits
 * 3 levels (top: bits 47:42, 64 entries).  Nodes are 64K.
 */
Test(teach_arm_halves, show_64k_lower_42_upper_48)
{
	char *cfg = write_temp_file("extends: aarch64_64k\nname: a64\nnr_levels: 2\naddress_width: 42\n"
				    "upper_address_width: 48\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--map", "0xffff000000000000 0x80000000 64K rwg", "--map",
				"0x20000 0x80010000 64K rwu", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
		"TTBR0 (user) root 0x40010000 (ttbr0 0x40010000): a64, 2 levels of 8192 8-byte entries\n"
		"L2[0] 0x0000000040040003 table next=0x40040000 -> L1 table 0x40040000, va 0x0..0x1fffffff\n"
		"  L1[2] 0x0068000080010bc3 page AttrIndx=0 (MAIR 0xff: Normal WB) AP=11 (EL1 RO, EL0 RO) SH=3 nG DBM PXN UXN"
		" oa=0x80010000 -> 64K page, va 0x20000 -> pa 0x80010000\n"
		"TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000): a64, 3 levels of 8192 8-byte entries"
		" (64 at the top level)\n"
		"L3[0] 0x0000000040020003 table next=0x40020000 -> L2 table 0x40020000,"
		" va 0xffff000000000000..0xffff03ffffffffff\n"
		"  L2[0] 0x0000000040030003 table next=0x40030000 -> L1 table 0x40030000,"
		" va 0xffff000000000000..0xffff00001fffffff\n"
		"    L1[0] 0x0068000080000383 page AttrIndx=0 (MAIR 0xff: Normal WB) AP=10 (EL1 RO) SH=3 DBM PXN UXN"
		" oa=0x80000000 -> 64K page, va 0xffff000000000000 -> pa 0x80000000\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* The quiz states each half's fields, and dumps each table from its own top level. */
Test(teach_arm_halves, quiz_legend_gives_both_sizes)
{
	char *cfg = write_temp_file(A39, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "quiz", "--config", cfg, "--seed", "1", "--format", "tree", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "mmusim quiz 1 on a39k (aarch64 paging, 4 levels, 3 in the upper half)\n"
		   "VA (lower half 48 bits, upper half 39 bits): lower L4 index 47:39 | L3 index 38:30 | L2 index 29:21 |"
		   " L1 index 20:12 | offset 11:0; upper L3 index 38:30 | L2 index 29:21 | L1 index 20:12 | offset 11:0;"
		   " 4K pages, 8-byte PTEs, 512 per node\n"
		   "Two roots: VA bit 55 = 0 walks from TTBR0 (user), 1 from TTBR1 (kernel) (from 0xffffff8000000000);");
	HAS(r.out, "TTBR0 (user):\nL4 node 0x40001000\n");
	HAS(r.out, "TTBR1 (kernel):\nL3 node 0x40000000\n");
	run_result_free(&r);
	remove_temp_file(cfg);

	/* 16K 48/47: the tops differ (2 and 2048 entries); the lower top field is bit 47 alone. */
	cfg = write_temp_file("extends: aarch64_16k\nname: a16\nupper_address_width: 47\n", ".yaml");
	cr_assert_eq(run_mmusim(&r, "quiz", "--config", cfg, "--seed", "1", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "VA (lower half 48 bits, upper half 47 bits): lower L4 index 47:47 | L3 index 46:36 | L2 index 35:25 |"
		   " L1 index 24:14 | offset 13:0; upper L3 index 46:36 | L2 index 35:25 | L1 index 24:14 | offset 13:0;"
		   " 16K pages, 8-byte PTEs, 2048 per node (at the top level: 2 lower, 2048 upper)\n");
	HAS(r.out, "(from 0xffff800000000000)");
	HAS(r.out, "TTBR1 (kernel):\nnode 0x40000000 (level 3):\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * A quiz's supervisor page lies in the upper half, under its own top level:
 * with TTBR1's table shallower (39 bits) or deeper (lower 39, upper 48) than
 * TTBR0's, every supervisor question is in TTBR1's range and none is refused
 * as out of range.
 */
Test(teach_arm_halves, quiz_supervisor_pages_in_the_upper_half)
{
	static const char *const configs[] = {
		A39, "extends: aarch64\nname: a39l\nnr_levels: 3\naddress_width: 39\nupper_address_width: 48\n",
	};

	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		char *cfg = write_temp_file(configs[c], ".yaml");
		unsigned upper = 0;

		for (unsigned seed = 1; seed <= 6; seed++) {
			char s[8];
			struct run_result r;

			snprintf(s, sizeof(s), "%u", seed);
			cr_assert_eq(run_mmusim(&r, "quiz", "--config", cfg, "--seed", s, "--count", "12", "--answers", NULL), 0);
			cr_expect_eq(r.status, 0, "%s", r.err);
			cr_expect(!strstr(r.out, "non-canonical"), "%s", r.out);
			for (const char *p = r.out; (p = strstr(p, " supervisor ")); p++) {
				uint64_t va;
				/* "N. supervisor write 0xVA": VA bit 55 set is TTBR1's half. */
				if (sscanf(p, " supervisor %*s 0x%" SCNx64, &va) == 1 && (va >> 55 & 1))
					upper++;
			}
			run_result_free(&r);
		}
		cr_expect_gt(upper, 0, "no supervisor question in the upper half of config %zu", c);
		remove_temp_file(cfg);
	}
}

/* report --html: the machine summary gives both halves' sizes, levels and top widths. */
Test(teach_arm_halves, report_summary_gives_both_halves)
{
	char *cfg = write_temp_file(A39, ".yaml"), *html = write_temp_file("", ".html");
	struct run_result r;
	char *page;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "report", "--html", html, "--map", A39_BLOCK, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	page = read_text_file(html);
	cr_assert_not_null(page);
	HAS(page, "<tr><th>levels</th><td>4 in TTBR0's table, 3 in TTBR1's</td></tr>\n");
	HAS(page, "<tr><th>entries per node</th><td>512 of 8 bytes (9 index bits); at the top level 512 in TTBR0's table,"
		  " 512 in TTBR1's</td></tr>\n");
	HAS(page, "<tr><th>VA width</th><td>48 bits in TTBR0's half, 39 in TTBR1's, sign-extended</td></tr>\n");
	HAS(page, "<tr><th>roots</th><td>TTBR0 (user): VAs 0x0..0xffffffffffff; TTBR1 (kernel): VAs "
		  "0xffffff8000000000..0xffffffffffffffff (VA bit 55 picks the root)</td></tr>\n");
	HAS(page, ">TTBR1 (kernel): ttbr1 0x40000000: root table 0x40000000, 3 levels of 512 8-byte entries</text>\n");
	/* The upper root's 3-level table is drawn in the roots' column, as TTBR0's 4-level one is (x = 12). */
	HAS(page, "class=\"node root\" data-table=\"0x40000000\" data-level=\"3\"><rect class=\"box\" x=\"12\" ");
	free(page);
	run_result_free(&r);
	remove_temp_file(html);
	remove_temp_file(cfg);

	/* The lower half the smaller: it ends at 2^39 - 1. */
	cfg = write_temp_file("extends: aarch64_64k\nname: a64\nnr_levels: 2\naddress_width: 42\nupper_address_width: 48\n",
			      ".yaml");
	html = write_temp_file("", ".html");
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "report", "--html", html, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	page = read_text_file(html);
	cr_assert_not_null(page);
	HAS(page, "<tr><th>entries per node</th><td>8192 of 8 bytes (13 index bits); at the top level 8192 in TTBR0's"
		  " table, 64 in TTBR1's</td></tr>\n");
	HAS(page, "<tr><th>roots</th><td>TTBR0 (user): VAs 0x0..0x3ffffffffff; TTBR1 (kernel): VAs "
		  "0xffff000000000000..0xffffffffffffffff (VA bit 55 picks the root)</td></tr>\n");
	free(page);
	run_result_free(&r);
	remove_temp_file(html);
	remove_temp_file(cfg);
}

/* Bad upper_address_width values: refused at the key's line, exit 2, nothing on stdout. */
static void expect_config_error(const char *yaml, const char *message)
{
	char *cfg = write_temp_file(yaml, ".yaml"), expect[512];
	struct run_result r;

	snprintf(expect, sizeof(expect), "mmusim: %s:3:22: %s\n", cfg, message);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expect);
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
	remove_temp_file(cfg);
}

Test(teach_arm_halves, bad_upper_address_width)
{
	/* x86-64's one table serves both halves: there is no second size to give. */
	expect_config_error("extends: x86_64\nname: x\nupper_address_width: 39\n",
			    "upper_address_width is for formats with a table per VA half (aarch64), not x86_64");
	/* 60 bits at 4K: 48 index bits above the 12 offset bits, 9 per level: 6 levels. */
	expect_config_error("extends: aarch64\nname: a\nupper_address_width: 60\n",
			    "upper_address_width 60 needs 6 levels of 9 index bits above 12 offset bits, more than 5");
	expect_config_error("extends: aarch64\nname: a\nupper_address_width: 12\n",
			    "upper_address_width 12 leaves no index bits above the 12 offset bits");
	/* Within what a table can hold but not what Arm allows (D8.2: 25 to 48 bits at 4K): the format says so. */
	expect_config_error("extends: aarch64\nname: a\nupper_address_width: 49\n",
			    "aarch64 VAs have 25 to 48 bits (52 with the 64K granule, FEAT_LVA), not 49 (upper_address_width)");
}
