/*
 * test_authoring_listings: what mappings, show and explain say of entries
 * made by hand (poke, set-pte, pte) that the hardware refuses.  The x86_64
 * preset's first map of VA 0x400000 builds the PML4 at 0x1000, PDPT 0x2000,
 * PD 0x3000 and PT 0x4000 (see test_authoring.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* `mmusim --config CONFIG CMD --setup TRACE [ARG]`: exit status 0 and stdout, checked against want. */
static void expect_cmd(const char *config, const char *cmd, const char *trace, const char *arg, const char *want)
{
	char *path = write_temp_file(trace, ".trace");
	const char *argv[] = { "--config", config, cmd, "--setup", path, arg };
	struct run_result r;

	cr_assert_eq(run_mmusim_argv(&r, arg ? 6 : 5, argv), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, want);
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * SDM vol. 3 4.5 table 4-15: PS (bit 7) of a PML4E is reserved, so every VA
 * below the entry takes a reserved-bit #PF: there is no 512G page to list.
 * The same map without the edit lists its page.
 */
Test(authoring_listings, mappings_leaves_out_ps_in_pml4e)
{
	expect_cmd("x86_64", "mappings", "map 0x400000 0x200000 4K rwu\n", NULL, "0x400000 0x401000 0x200000 rw-u-\n");
	expect_cmd("x86_64", "mappings", "map 0x400000 0x200000 4K rwu\npte 0x400000 4 ps=1\n", NULL, "");
}

/*
 * SDM 4.5 table 4-17: bits 20:13 of a 2M PDE are reserved (must be 0); a
 * frame 0x202000 sets bit 13, so the walk faults with RSVD and nothing maps
 * 0x400000..0x5fffff.  The 4K page mapped beside it stays listed.
 */
Test(authoring_listings, mappings_leaves_out_misaligned_2m_page)
{
	expect_cmd("x86_64", "mappings",
		   "map 0x400000 0x200000 2M rwu\nmap 0x600000 0x900000 4K rwu\npte 0x400000 2 addr=0x202000\n", NULL,
		   "0x600000 0x601000 0x900000 rw-u-\n");
	/* A raw poke of the same PDE (0x3010: PD index 2), frame 0x202000 | PS | US | RW | P. */
	expect_cmd("x86_64", "mappings", "map 0x400000 0x200000 2M rwu\npoke 0x3010 0x202087\n", NULL, "");
}

/*
 * RISC-V privileged spec, 4.3.2 step 4: D, A and U are reserved in a
 * non-leaf PTE, a page fault; nothing below the root entry maps.
 */
Test(authoring_listings, mappings_leaves_out_sv39_pointer_with_u)
{
	expect_cmd("sv39", "mappings", "map 0x400000 0x80200000 4K rwu\npte 0x400000 3 u=1\n", NULL, "");
}

/* `mmusim --config CONFIG explain --setup TRACE VA`: its stdout must hold each of the lines in want. */
static void expect_explain_lines(const char *config, const char *trace, const char *va, const char *const *want)
{
	char *path = write_temp_file(trace, ".trace");
	const char *argv[] = { "--config", config, "explain", "--setup", path, va };
	struct run_result r;

	cr_assert_eq(run_mmusim_argv(&r, 6, argv), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	for (; *want; want++)
		cr_expect(strstr(r.out, *want) != NULL, "no line '%s' in:\n%s", *want, r.out);
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * PS in a PML4E (SDM 4.5 table 4-15: bit 7 reserved) maps no 512G page: the
 * entry has no frame field to quote (the old text claimed "bits 51:39 =
 * 0x2000", a value those bits cannot hold), and the fault names the bit.
 */
Test(authoring_listings, explain_ps_in_pml4e_quotes_no_frame)
{
	expect_explain_lines("x86_64", "map 0x400000 0x200000 4K rwu\npte 0x400000 4 ps=1\n", "0x400000",
			     (const char *const[]){
				     "      bits   P RW US PS addr=0x2000\n"
				     "      addr   none: no page is mapped at level 4\n"
				     "fault reserved-bit at level 4: PS is set at a level that cannot map a page\n",
				     "  raised as #PF error code 0xd (P U RSVD)\n", NULL });
}

/*
 * MAXPHYADDR 46: a PDPTE 0x800000002007 holds address bits 45:12 = 0x2000
 * (SDM 4.5 table 4-16: bits M-1:12), and bit 47 is reserved, the fault.
 * The old text said "bits 45:12 = 0x800000002000".
 */
Test(authoring_listings, explain_address_field_stops_at_maxphyaddr)
{
	char *config = write_temp_file("extends: x86_64\nphys_addr_width: 46\n", ".yaml");

	expect_explain_lines(config, "map 0x400000 0x200000 4K rwu\npte 0x400000 3 addr=0x800000002000\n", "0x400000",
			     (const char *const[]){
				     "      raw    0x0000800000002007\n"
				     "      bits   P RW US addr=0x800000002000\n"
				     "      addr   bits 45:12 = 0x2000\n"
				     "fault reserved-bit at level 3: address bit 47 is set: bits 51:46 are reserved, at or "
				     "above MAXPHYADDR (46)\n",
				     "  raised as #PF error code 0xd (P U RSVD)\n", NULL });
	remove_temp_file(config);
}

/*
 * show draws every present entry, and says of a leaf the hardware does not
 * translate through which fault a walk to it takes: PS in the PML4E (SDM
 * table 4-15, reserved), bits 20:13 of a 2M PDE (table 4-17, reserved), and
 * a good Sv39 leaf below a root pointer with U set (privileged spec 4.3.2
 * step 4: reserved in a non-leaf PTE, the fault is at the root, level 3).
 */
Test(authoring_listings, show_marks_leaves_the_walk_refuses)
{
	expect_cmd("x86_64", "show", "map 0x400000 0x200000 4K rwu\npte 0x400000 4 ps=1\n", NULL,
		   "root 0x1000 (cr3 0x1000): x86_64, 4 levels of 512 8-byte entries\n"
		   "L4[0] 0x0000000000002087 P RW US PS addr=0x2000 -> no page (no page can be mapped at level 4), va "
		   "0x0..0x7fffffffff (not mapped: the walk faults reserved-bit at level 4)\n");
	expect_cmd("x86_64", "show", "map 0x400000 0x200000 2M rwu\npte 0x400000 2 addr=0x202000\n", NULL,
		   "root 0x1000 (cr3 0x1000): x86_64, 4 levels of 512 8-byte entries\n"
		   "L4[0] 0x0000000000002007 P RW US addr=0x2000 -> L3 table 0x2000, va 0x0..0x7fffffffff\n"
		   "  L3[0] 0x0000000000003007 P RW US addr=0x3000 -> L2 table 0x3000, va 0x0..0x3fffffff\n"
		   "    L2[2] 0x8000000000202087 P RW US PS XD addr=0x202000 -> 2M page, va 0x400000 -> pa 0x200000 (not "
		   "mapped: the walk faults reserved-bit at level 2)\n");
	/* U on a RISC-V pointer is reserved: the walk refuses the pointer itself, and every leaf below. */
	expect_cmd("sv39", "show", "map 0x400000 0x80200000 4K rwu\npte 0x400000 3 u=1\n", NULL,
		   "root 0x80001000 (satp 0x8000000000080001): sv39, 3 levels of 512 8-byte entries\n"
		   "L3[0] 0x0000000020000811 V U ppn=0x80002 -> L2 table 0x80002000, va 0x0..0x3fffffff (not followed: "
		   "the walk faults reserved-bit at level 3)\n"
		   "  L2[2] 0x0000000020000c01 V ppn=0x80003 -> L1 table 0x80003000, va 0x400000..0x5fffff\n"
		   "    L1[0] 0x0000000020080017 V R W U ppn=0x80200 -> 4K page, va 0x400000 -> pa 0x80200000 (not mapped: the "
		   "walk faults reserved-bit at level 3)\n");
	/* A permission the entries take away still leaves a page: no mark (PML4E U/S=0, SDM 4.6.1). */
	expect_cmd("x86_64", "show", "map 0x400000 0x200000 4K rwu\npte 0x400000 4 us=0\n", NULL,
		   "root 0x1000 (cr3 0x1000): x86_64, 4 levels of 512 8-byte entries\n"
		   "L4[0] 0x0000000000002003 P RW addr=0x2000 -> L3 table 0x2000, va 0x0..0x7fffffffff\n"
		   "  L3[0] 0x0000000000003007 P RW US addr=0x3000 -> L2 table 0x3000, va 0x0..0x3fffffff\n"
		   "    L2[2] 0x0000000000004007 P RW US addr=0x4000 -> L1 table 0x4000, va 0x400000..0x5fffff\n"
		   "      L1[0] 0x8000000000200007 P RW US XD addr=0x200000 -> 4K page, va 0x400000 -> pa 0x200000\n");
}

Test(authoring_listings, show_json_names_the_fault)
{
	char *path = write_temp_file("map 0x400000 0x200000 4K rwu\npte 0x400000 4 ps=1\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "show", "--setup", path, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	/* PS in a PML4E: the walk ends there but no page is mapped (x86-64 has no 512G page), as the text says. */
	cr_expect(strstr(r.out, "\"kind\":\"none\",\"addr\":null,\"va\":\"0x0\",\"va_last\":\"0x7fffffffff\",\"page_size\":0,")
			  && strstr(r.out, ",\"fault\":{\"kind\":\"reserved-bit\",\"level\":4},"),
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * A fault at an upper level quotes the entry by its name and address, as a
 * refused right does: the PML4E at 0x1000 (CR3 0x1000, index 0), not "L4 PTE".
 */
Test(authoring_listings, explain_names_the_upper_entry_that_faulted)
{
	expect_explain_lines("x86_64", "map 0x400000 0x200000 4K rwu\npte 0x400000 4 ps=1\n", "0x400000",
			     (const char *const[]){ "  the bits: the PML4E (L4) at 0x1000: 0x0000000000002087 = P RW US PS "
						    "addr=0x2000\n",
						    NULL });
	/* PDPTE at 0x2000, bit 47 above MAXPHYADDR 46 (SDM table 4-16). */
	char *config = write_temp_file("extends: x86_64\nphys_addr_width: 46\n", ".yaml");
	expect_explain_lines(config, "map 0x400000 0x200000 4K rwu\npte 0x400000 3 addr=0x800000002000\n", "0x400000",
			     (const char *const[]){ "  the bits: the PDPTE (L3) at 0x2000: 0x0000800000002007 = P RW US "
						    "addr=0x800000002000\n",
						    NULL });
	remove_temp_file(config);
}

/*
 * With PS set in the PML4E the edit's walk stops there; x86-64 has no
 * 512G pages (SDM table 4-15), so the message does not call it one.
 */
Test(authoring_listings, edit_below_ps_in_pml4e_says_no_page_size)
{
	char *path = write_temp_file("map 0x400000 0x200000 4K rwu\npte 0x400000 4 ps=1\npte 0x400000 3 rw=0\n", ".trace");
	const char *argv[] = { "translate", "--setup", path, "0x400000" };
	char want[512];
	struct run_result r;

	cr_assert_eq(run_mmusim_argv(&r, 4, argv), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want),
		 "mmusim: %s:3: pte 0x400000 3: the walk of 0x400000 stops at level 4 (a leaf where x86_64 maps no "
		 "pages), there is no level-3 table to write\n",
		 path);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * Arm ARM D8.4 (hierarchical permissions), TCR_EL1.HPD0/HPD1: with HPDn=1 the
 * APTable, UXNTable and PXNTable bits of that half's table descriptors are
 * ignored.  A user page (AP=01, UXN=0) under an APTable[0]=1 table is EL0
 * accessible again with HPD0=1 (rwxu-, as translate --user says); a kernel
 * page under APTable[1]=1 is writable again with HPD1=1.  mappings applied
 * HPDn only when both halves set it.
 */
Test(authoring_listings, aarch64_mappings_honour_each_halfs_hpd)
{
	char *hpd0 = write_temp_file("extends: aarch64\ncpu: { hpd0: true }\n", ".yaml");
	char *hpd1 = write_temp_file("extends: aarch64\ncpu: { hpd1: true }\n", ".yaml");
	const char *user = "map 0x400000 0x80000000 4K rwxu\npte 0x400000 3 aptable=1\n";
	const char *kernel = "map 0xffff000000400000 0x80000000 4K rwxg\npte 0xffff000000400000 3 aptable=2\n";

	expect_cmd("aarch64", "mappings", user, NULL, "0x400000 0x401000 0x80000000 rw---\n");
	expect_cmd(hpd0, "mappings", user, NULL, "0x400000 0x401000 0x80000000 rwxu-\n");
	expect_cmd(hpd1, "mappings", user, NULL, "0x400000 0x401000 0x80000000 rw---\n");
	expect_cmd("aarch64", "mappings", kernel, NULL, "0xffff000000400000 0xffff000000401000 0x80000000 r-x-g\n");
	expect_cmd(hpd0, "mappings", kernel, NULL, "0xffff000000400000 0xffff000000401000 0x80000000 r-x-g\n");
	expect_cmd(hpd1, "mappings", kernel, NULL, "0xffff000000400000 0xffff000000401000 0x80000000 rwx-g\n");
	remove_temp_file(hpd0);
	remove_temp_file(hpd1);
}

/*
 * Arm ARM D8.3: the OA bits of a 2M block descriptor below bit 21 are RES0;
 * the walk takes PA bits 20:0 from the VA (translate: pa 0x80000000), and
 * show draws the block at that frame, not at the raw 0x80001000.
 */
Test(authoring_listings, show_draws_a_block_at_its_frame)
{
	const char *trace = "map 0x400000 0x80000000 2M rwu\npte 0x400000 2 addr=0x80001000\n";

	expect_cmd("aarch64", "translate", trace, "0x400000",
		   "0x400000 r user: pa 0x80000000 (2M page, level 2) perms rw-u-\n");
	expect_cmd("aarch64", "show", trace, "--depth=3",
		   "TTBR0 (user) root 0x40001000 (ttbr0 0x40001000): aarch64, 4 levels of 512 8-byte entries\n"
		   "L4[0] 0x0000000040002003 table next=0x40002000 -> L3 table 0x40002000, va 0x0..0x7fffffffff\n"
		   "  L3[0] 0x0000000040003003 table next=0x40003000 -> L2 table 0x40003000, va 0x0..0x3fffffff\n"
		   "    L2[2] 0x0068000080001bc1 block AttrIndx=0 (MAIR 0xff: Normal WB) AP=11 (EL1 RO, EL0 RO) SH=3 nG DBM "
		   "PXN UXN oa=0x80001000 -> 2M page, va 0x400000 -> pa 0x80000000\n"
		   "TTBR1 (kernel) root 0x40000000 (ttbr1 0x40000000): aarch64, 4 levels of 512 8-byte entries\n"
		   "(no present entries to show)\n");
}

/*
 * A PDPTE pointing at 0x7000000000, outside the preset's memory: the PDE read
 * fails, which raises no #PF (a machine check on real hardware), and the
 * explanation says so without "raised as no #PF".
 */
Test(authoring_listings, explain_bus_error_raises_no_page_fault)
{
	expect_explain_lines("x86_64", "map 0x400000 0x200000 4K rwu\npte 0x400000 3 addr=0x7000000000\n", "0x400000",
			     (const char *const[]){
				     "  L2  table 0x7000000000 + index 2 x 8 = PDE at 0x7000000010\n"
				     "      the PDE address is outside physical memory: nothing to read\n"
				     "fault bus-error at level 2: the PDE address lies outside physical memory\n"
				     "  raised: no #PF: the PDE read fails (machine check on real hardware)\n",
				     NULL });
}

/*
 * In a virtual machine show draws the guest's table: a guest leaf whose GPA
 * stage 2 does not map (aarch64_vm's guest RAM is elsewhere) is a good entry
 * of this table, not marked; a guest entry with a reserved bit is (x86-64
 * guest under EPT, PS in the PML4E: the guest's own #PF).
 */
Test(authoring_listings, show_in_a_vm_marks_only_guest_faults)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64_vm", "show", "--map", "0x400000 0x200000 4K rwu", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "-> 4K page, va 0x400000 -> pa 0x200000\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "not mapped") == NULL, "%s", r.out);
	run_result_free(&r);
	expect_cmd("x86_64_ept", "show", "map 0x400000 0x200000 4K rwu\npte 0x400000 4 ps=1\n", NULL,
		   "root 0x1000 (cr3 0x1000): x86_64_ept, 4 levels of 512 8-byte entries\n"
		   "L4[0] 0x0000000000002087 P RW US PS addr=0x2000 -> no page (no page can be mapped at level 4), va "
		   "0x0..0x7fffffffff (not mapped: the walk faults reserved-bit at level 4)\n");
}

/* show --dot: the refused 2M leaf's box is dashed and says the fault (bits 20:13 reserved, SDM table 4-17). */
Test(authoring_listings, show_dot_marks_refused_leaves)
{
	char *path = write_temp_file("map 0x400000 0x200000 2M rwu\npte 0x400000 2 addr=0x202000\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "show", "--dot", "--setup", path, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "  p2 [shape=box, label=\"2M page\\npa 0x200000\\n(not mapped: faults reserved-bit at L2)\", "
				"style=\"dashed\"];\n") != NULL,
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * RISC-V privileged spec 4.3.2 step 4: any level's PTE with R or X set is a
 * leaf (Sv39: a 1 GiB gigapage at level 3), whatever page sizes the config
 * chose to use; the walk maps VA 0x40001234 to 0x80001234 through PTE
 * 0x200000df (ppn 0x80000, V R W X U A D).  explain's address line must
 * say so, not "no page is mapped at level 3".  PPN[2] is PTE bits 53:28,
 * PA bits 55:30.
 */
Test(authoring_listings, explain_riscv_leaf_above_highest_translation_level)
{
	char *config = write_temp_file("extends: sv39\nhighest_translation_level: 2\ntlb: []\n", ".yaml");

	expect_explain_lines(config, "map 0x40000000 0x80200000 4K rwu\nset-pte 0x40000000 3 0x200000df\n", "0x40001234",
			     (const char *const[]){
				     "      raw    0x00000000200000df\n"
				     "      bits   V R W X U A D ppn=0x80000\n"
				     "      addr   bits 53:28 = 0x2 -> PA bits 55:30, so 0x80000000\n"
				     "      -> a leaf: maps a 1G page at frame 0x80000000\n"
				     "PA 0x80001234 = frame 0x80000000 | offset 0x1234 (VA bits 29:0 in a 1G page)\n",
				     NULL });
	remove_temp_file(config);
}

/*
 * Arm ARM D8.3: with the 4K granule a level-1 block descriptor maps 1 GiB
 * (OA bits 47:30) whatever page sizes the config uses; the walk translates
 * 0x40001234 to 0x80001234 through block 0x80000441.
 */
Test(authoring_listings, explain_arm_block_above_highest_translation_level)
{
	char *config = write_temp_file("extends: aarch64\nhighest_translation_level: 2\ntlb: []\npwc: []\n", ".yaml");

	expect_explain_lines(config, "map 0x40000000 0x80200000 4K rwu\nset-pte 0x40000000 3 0x80000441\n", "0x40001234",
			     (const char *const[]){
				     "      raw    0x0000000080000441\n",
				     "      addr   bits 47:30 = 0x80000000\n"
				     "      -> a leaf: maps a 1G page at frame 0x80000000\n"
				     "PA 0x80001234 = frame 0x80000000 | offset 0x1234 (VA bits 29:0 in a 1G page)\n",
				     NULL });
	remove_temp_file(config);
}

/*
 * RISC-V privileged spec, Sv39 walk: step 5 checks the leaf's permissions,
 * step 6 then finds a superpage with PPN[1:0] != 0 misaligned, a page fault
 * for every access.  A user gigapage (U=1, ppn 0x80001 at level 3) refuses a
 * supervisor read (SUM=0) at step 5, so an inspection by that one read never
 * reached step 6, and mappings listed the page, show drew it unmarked.  The
 * same for a toy huge page with only X and U (its permission check also comes
 * first).  A supervisor page (no U) was already left out.
 */
Test(authoring_listings, misaligned_user_superpage_is_no_mapping)
{
	const char *sv39 = "map 0x40000000 0x80000000 1G rwxu\npte 0x40000000 3 ppn=0x80001\n";
	const char *toy = "map 0x1000 0x2800 2K xu\npte 0x1000 2 frame=0xa1\n";

	expect_cmd("sv39", "translate", sv39, "0x40000000",
		   "0x40000000 r user: fault misaligned-superpage at level 3, scause 13 (load page fault): superpage "
		   "whose PPN low bits are not zero (misaligned)\n");
	expect_cmd("sv39", "mappings", sv39, NULL, "");
	expect_cmd("sv39", "mappings", "map 0x40000000 0x80000000 1G rwxu\n", NULL,
		   "0x40000000 0x80000000 0x80000000 rwxu-\n");
	expect_cmd("sv39", "show", sv39, NULL,
		   "root 0x80001000 (satp 0x8000000000080001): sv39, 3 levels of 512 8-byte entries\n"
		   "L3[1] 0x000000002000041f V R W X U ppn=0x80001 -> 1G page, va 0x40000000 -> pa 0x80000000 (not "
		   "mapped: the walk faults misaligned-superpage at level 3)\n");
	expect_cmd("toy", "mappings", toy, NULL, "");
	expect_cmd("toy", "show", toy, NULL,
		   "root 0x40 (ptbr 0x40): toy, 2 levels of 32 2-byte entries\n"
		   "L2[2] 0x2879 V X U H frame=0xa1 -> 2K page, va 0x1000 -> pa 0x2800 (not mapped: the walk faults "
		   "misaligned-superpage at level 2)\n");
	/* Aligned, the same execute-only user page is a mapping. */
	expect_cmd("toy", "mappings", "map 0x1000 0x2800 2K xu\n", NULL, "0x1000 0x1800 0x2800 --xu-\n");
}

/*
 * SDM vol. 3 tables 4-15 and 4-16: PS is reserved in a PML4E, and in a
 * PDPTE when the CPU has no 1G pages; such an entry maps no page, so its bit
 * 12 is not the large page's PAT but address, as in a pointer (the `addr`
 * line says no page is mapped).  explain and show decoded 0x3087 as
 * "P RW US PS PAT addr=0x2000", a 1G-leaf reading of an entry that is none.
 * A real 1G leaf keeps PAT at bit 12.
 */
Test(authoring_listings, ps_where_no_page_can_be_keeps_bit_12_as_address)
{
	char *no1g = write_temp_file("extends: x86_64\nhighest_translation_level: 2\ntlb: []\npwc: []\n", ".yaml");

	expect_explain_lines(no1g, "map 0x400000 0x200000 4K rwu\npte 0x400000 3 ps=1\n", "0x400000",
			     (const char *const[]){
				     "      raw    0x0000000000003087\n"
				     "      bits   P RW US PS addr=0x3000\n"
				     "      addr   none: no page is mapped at level 3\n"
				     "fault reserved-bit at level 3: PS is set at a level that cannot map a page\n"
				     "  the bits: the PDPTE (L3) at 0x2000: 0x0000000000003087 = P RW US PS addr=0x3000\n",
				     NULL });
	expect_cmd(no1g, "show", "map 0x400000 0x200000 4K rwu\npte 0x400000 3 ps=1\n", NULL,
		   "root 0x1000 (cr3 0x1000): x86_64, 4 levels of 512 8-byte entries\n"
		   "L4[0] 0x0000000000002007 P RW US addr=0x2000 -> L3 table 0x2000, va 0x0..0x7fffffffff\n"
		   "  L3[0] 0x0000000000003087 P RW US PS addr=0x3000 -> no page (no page can be mapped at level 3), va "
		   "0x0..0x3fffffff (not mapped: the walk faults reserved-bit at level 3)\n");
	expect_explain_lines("x86_64", "map 0x400000 0x200000 4K rwu\npoke 0x1000 0x3087\n", "0x400000",
			     (const char *const[]){ "      bits   P RW US PS addr=0x3000\n", NULL });
	expect_explain_lines("x86_64", "map 0x40000000 0x40000000 1G rwu\npte 0x40000000 3 pat=1\n", "0x40000000",
			     (const char *const[]){ "      bits   P RW US PS PAT XD addr=0x40000000\n", NULL });
	remove_temp_file(no1g);
}

/*
 * RISC-V privileged spec, Sv39 step 6: a leaf at level i > 0 with
 * PPN[i-1:0] != 0 is a misaligned superpage.  explain's `addr` line shows the
 * frame bits above the page size only (0x80000000 for ppn 0x80001), so the
 * bits that fault are quoted on their own line: PA bits 29:12 of the gigapage.
 * Sv32's megapage: PPN[0] (PA bits 21:12).
 */
Test(authoring_listings, explain_quotes_the_misaligned_frame_bits)
{
	expect_explain_lines("sv39", "map 0x40000000 0x80000000 1G rwxu\npte 0x40000000 3 ppn=0x80001\n", "0x40000000",
			     (const char *const[]){
				     "  the bits: the PTE (L3) at 0x80001008: 0x000000002000041f = V R W X U ppn=0x80001\n"
				     "  misaligned: its frame 0x80001000 has PA bits 29:12 = 0x1, which must be 0 in a 1G "
				     "page\n"
				     "  raised as scause 13 (load page fault)\n",
				     NULL });
	expect_explain_lines("sv32", "map 0x400000 0x80400000 4M rwxu\npte 0x400000 2 ppn=0x80403\n", "0x400000",
			     (const char *const[]){ "  misaligned: its frame 0x80403000 has PA bits 21:12 = 0x3, which must "
						    "be 0 in a 4M page\n",
						    NULL });
}
