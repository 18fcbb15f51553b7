/*
 * cli_vm: virtual machines through the binary — the sv39x4 and sv48x4
 * presets (a RISC-V guest over the Hypervisor extension's G-stage), gmap /
 * gunmap / gprotect, the 2-D walk's references, the guest-page faults of
 * stage 2 with what HS-mode is told, replay statistics per dimension, dump.
 *
 * Expected values by hand, from the privileged spec's Hypervisor extension
 * and the presets' documented layout:
 * - guest RAM is GPA [0x80000000, +4 GiB); its frames are handed out from
 *   its base: the kernel's root at GPA 0x80000000, ASID 0's root at
 *   0x80001000, then the nodes a map needs (0x80002000, 0x80003000);
 * - host RAM starts at 0x80000000 with the 16 KiB G-stage root, and guest
 *   RAM is backed by one run aligned to 1 GiB: HPA 0xc0000000 + (GPA -
 *   0x80000000), mapped with 4 KiB G-stage leaves (backing_page_size);
 * - a GPA in [0x80000000, 0xc0000000) has G-stage root index GPA[40:30] = 2,
 *   its root entry at 0x80000000 + 2 * 8 = 0x80000010;
 * - with n guest levels over m G-stage levels a walk reads n*m + n + m
 *   entries: 15 for Sv39 over Sv39x4, 24 for Sv48 over Sv48x4;
 * - a G-stage fault is a guest-page fault of the guest's own access (20
 *   fetch, 21 load, 23 store), htval = GPA >> 2, htinst 0x3000 for an
 *   implicit read of a VS-stage PTE, 0x3020 for its implicit write (A/D),
 *   0 for the final GPA.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

/* VA 0x1234: guest L3 index 0, L2 index 0, L1 index 1; its page at GPA 0x80200000. */
#define MAP_PAGE "0x1000 0x80200000 0x1000 rwu"

static void expect_run(struct run_result *r, int status, const char *out, const char *err)
{
	cr_expect_eq(r->status, status, "status %d, expected %d; stderr: %s", r->status, status, r->err);
	cr_expect_str_eq(r->out, out);
	cr_expect_str_eq(r->err, err);
}

Test(cli_vm, translate_answers_the_host_pa)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--map", MAP_PAGE, "0x1234", "0x2000", NULL), 0);
	expect_run(&r, 0,
		   "0x1234 r user: pa 0xc0200234 (4K page, level 1) perms rw-u- gpa 0x80200234 references 15\n"
		   "0x2000 r user: guest fault not-present at level 1, scause 13 (load page fault): "
		   "the PTE is not present (P/V bit clear)\n",
		   "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv48x4", "translate", "--map", MAP_PAGE, "0x1234", NULL), 0);
	expect_run(&r, 0, "0x1234 r user: pa 0xc0200234 (4K page, level 1) perms rw-u- gpa 0x80200234 references 24\n",
		   "");
	run_result_free(&r);
}

Test(cli_vm, gmap_moves_a_guest_page)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--map", MAP_PAGE, "--gmap",
				"0x80200000 0x90000000 0x1000 rw", "0x1234", NULL), 0);
	expect_run(&r, 0, "0x1234 r user: pa 0x90000234 (4K page, level 1) perms rw-u- gpa 0x80200234 references 15\n",
		   "");
	run_result_free(&r);
}

/* The spec's table of G-stage faults: which access, which GPA, what scause/htval/htinst. */
Test(cli_vm, stage2_faults_as_hs_mode_sees_them)
{
	static const struct {
		const char *setup, *access, *line;
	} cases[] = {
		/* The final GPA unmapped: the guest's load, htval 0x80200234 >> 2, no instruction. */
		{ "gunmap 0x80200000 0x1000\n", "r",
		  "0x1234 r user: stage-2 fault not-present at level 1 on the final GPA 0x80200234, scause 21 "
		  "(load guest-page fault), htval 0x2008008d (GPA 0x80200234), htinst 0x0 (the final GPA; no "
		  "instruction transformed)\n" },
		{ "gunmap 0x80200000 0x1000\n", "w",
		  "0x1234 w user: stage-2 fault not-present at level 1 on the final GPA 0x80200234, scause 23 "
		  "(store/AMO guest-page fault), htval 0x2008008d (GPA 0x80200234), htinst 0x0 (the final GPA; no "
		  "instruction transformed)\n" },
		/* The guest's L1 table unmapped: reading its entry at GPA 0x80003008 faults, as a read. */
		{ "gunmap 0x80003000 0x1000\n", "r",
		  "0x1234 r user: stage-2 fault not-present at level 1 on the guest page-table GPA 0x80003008, scause 21 "
		  "(load guest-page fault), htval 0x20000c02 (GPA 0x80003008), htinst 0x3000 (implicit read of a "
		  "VS-stage PTE)\n" },
		{ "gunmap 0x80003000 0x1000\n", "w",
		  "0x1234 w user: stage-2 fault not-present at level 1 on the guest page-table GPA 0x80003008, scause 23 "
		  "(store/AMO guest-page fault), htval 0x20000c02 (GPA 0x80003008), htinst 0x3000 (implicit read of a "
		  "VS-stage PTE)\n" },
		/* The L1 table read-only at stage 2: reading works, setting A in the leaf is an implicit write. */
		{ "gprotect 0x80003000 0x1000 r\n", "r",
		  "0x1234 r user: stage-2 fault permission at level 1 on the guest page-table GPA 0x80003008, scause 21 "
		  "(load guest-page fault), htval 0x20000c02 (GPA 0x80003008), htinst 0x3020 (implicit write of a "
		  "VS-stage PTE: A/D)\n" },
		/* The page itself read-only at stage 2: the guest's write faults on the final GPA. */
		{ "gprotect 0x80200000 0x1000 r\n", "w",
		  "0x1234 w user: stage-2 fault permission at level 1 on the final GPA 0x80200234, scause 23 "
		  "(store/AMO guest-page fault), htval 0x2008008d (GPA 0x80200234), htinst 0x0 (the final GPA; no "
		  "instruction transformed)\n" },
		/* Not executable at stage 2: a fetch is an instruction guest-page fault. */
		{ "gprotect 0x80200000 0x1000 rw\n", "x",
		  "0x1234 x user: stage-2 fault permission at level 1 on the final GPA 0x80200234, scause 20 "
		  "(instruction guest-page fault), htval 0x2008008d (GPA 0x80200234), htinst 0x0 (the final GPA; no "
		  "instruction transformed)\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *setup = write_temp_file(cases[i].setup, ".txt");
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--map", "0x1000 0x80200000 0x1000 rwxu",
					"--setup", setup, "--access", cases[i].access, "0x1234", NULL), 0);
		expect_run(&r, 0, cases[i].line, "");
		run_result_free(&r);
		remove_temp_file(setup);
	}
}

/*
 * x86 guests (guest RAM at GPA 0, backed from HPA 0x40000000): the guest's
 * roots at GPA 0 and 0x1000, map's nodes at 0x2000 (PDPT), 0x3000 (PD),
 * 0x4000 (PT); VA 0x1234's PDE at GPA 0x3000.  4 over 4 levels: 24 references.
 * EPT (SDM 28.2.1, table 28-7): bit 0 read, bit 7 guest-linear valid, bit 8
 * the final GPA; with EPT A/D the guest's page-table reads are writes (bits 0
 * and 1).  NPT (APM 15.25.6): EXITINFO1 the nested walk's #PF code (a user
 * access, U = bit 2; a guest-table access a write, bit 1) plus bit 32 for
 * the final GPA or bit 33 for a guest page-table access; EXITINFO2 the GPA.
 */
Test(cli_vm, x86_exits)
{
	static const struct {
		const char *config, *setup, *access, *line;
	} cases[] = {
		{ "x86_64_ept", "", "r", "0x1234 r user: pa 0x40200234 (4K page, level 1) perms rw-u- gpa 0x200234 references 24\n" },
		{ "x86_64_npt", "", "r", "0x1234 r user: pa 0x40200234 (4K page, level 1) perms rw-u- gpa 0x200234 references 24\n" },
		{ "x86_64_ept", "gunmap 0x200000 0x1000\n", "r",
		  "0x1234 r user: stage-2 fault not-present at level 1 on the final GPA 0x200234, EPT violation (exit reason "
		  "48), exit qualification 0x181 (read; GPA not readable, not writable, not executable; guest-linear valid; "
		  "final GPA), guest-physical 0x200234, guest-linear 0x1234\n" },
		{ "x86_64_ept", "gunmap 0x3000 0x1000\n", "r",
		  "0x1234 r user: stage-2 fault not-present at level 1 on the guest page-table GPA 0x3000, EPT violation "
		  "(exit reason 48), exit qualification 0x83 (read+write; GPA not readable, not writable, not executable; "
		  "guest-linear valid; guest paging-structure entry), guest-physical 0x3000, guest-linear 0x1234\n" },
		{ "x86_64_npt", "gunmap 0x200000 0x1000\n", "r",
		  "0x1234 r user: stage-2 fault not-present at level 1 on the final GPA 0x200234, nested page fault (#NPF), "
		  "EXITINFO1 0x100000004 (#PF error code 0x4 (U); bit 32: final GPA), EXITINFO2 0x200234 (the GPA)\n" },
		{ "x86_64_npt", "gunmap 0x3000 0x1000\n", "r",
		  "0x1234 r user: stage-2 fault not-present at level 1 on the guest page-table GPA 0x3000, nested page fault "
		  "(#NPF), EXITINFO1 0x200000006 (#PF error code 0x6 (W U); bit 33: guest page-table access), EXITINFO2 "
		  "0x3000 (the GPA)\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *setup = write_temp_file(cases[i].setup, ".txt");
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "translate", "--map", "0x1000 0x200000 0x1000 rwu",
					"--setup", setup, "--access", cases[i].access, "0x1234", NULL), 0);
		expect_run(&r, 0, cases[i].line, "");
		run_result_free(&r);
		remove_temp_file(setup);
	}
}

/*
 * An AArch64 guest over stage 2 (Arm ARM D8; ISS encoding for a data abort
 * from a lower EL): 4 guest levels over 3 stage-2 levels read 4*3 + 4 + 3 =
 * 19 entries.  Guest RAM at IPA 0x40000000 is backed from PA 0x80000000.  The
 * guest's tables: TTBR1's root at IPA 0x40000000, TTBR0's at 0x40001000,
 * map's tables at 0x40002000, 0x40003000, 0x40004000 (VA 0x1234's level-3
 * descriptor at 0x40004008).  ESR_EL2 = EC 0x24 << 26 | IL << 25 | ISS:
 * S1PTW bit 7 for a guest table, WnR bit 6 for a write, DFSC translation level
 * 3 = 0b000111, permission level 3 = 0b001111; HPFAR_EL2 = IPA[47:12] << 4.
 */
Test(cli_vm, arm_stage2_aborts)
{
	static const struct {
		const char *setup, *access, *line;
	} cases[] = {
		{ "", "r", "0x1234 r user: pa 0x80200234 (4K page, level 1) perms rw-u- gpa 0x40200234 references 19\n" },
		{ "gunmap 0x40200000 0x1000\n", "r",
		  "0x1234 r user: stage-2 fault not-present at level 1 on the final GPA 0x40200234, stage-2 data abort "
		  "(ESR_EL2 0x92000007: EC 0x24, translation fault level 3), HPFAR_EL2 0x402000 (IPA 0x40200234), FAR_EL2 "
		  "0x1234\n" },
		{ "gunmap 0x40004000 0x1000\n", "r",
		  "0x1234 r user: stage-2 fault not-present at level 1 on the guest page-table GPA 0x40004008, stage-2 data "
		  "abort (ESR_EL2 0x92000087: EC 0x24, S1PTW, translation fault level 3), HPFAR_EL2 0x400040 (IPA 0x40004008: "
		  "a guest table), FAR_EL2 0x1234\n" },
		{ "gprotect 0x40200000 0x1000 r\n", "w",
		  "0x1234 w user: stage-2 fault permission at level 1 on the final GPA 0x40200234, stage-2 data abort "
		  "(ESR_EL2 0x9200004f: EC 0x24, WnR, permission fault level 3), HPFAR_EL2 0x402000 (IPA 0x40200234), "
		  "FAR_EL2 0x1234\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *setup = write_temp_file(cases[i].setup, ".txt");
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "--config", "aarch64_vm", "translate", "--map", "0x1000 0x40200000 0x1000 rwu",
					"--setup", setup, "--access", cases[i].access, "0x1234", NULL), 0);
		expect_run(&r, 0, cases[i].line, "");
		run_result_free(&r);
		remove_temp_file(setup);
	}
}

Test(cli_vm, json_names_the_stage_and_the_report)
{
	char *setup = write_temp_file("gunmap 0x80200000 0x1000\n", ".txt");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "--json", "translate", "--map", MAP_PAGE, "--setup", setup,
				"0x1234", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x1234\",\"access\":\"r\",\"priv\":\"user\",\"fault\":{\"kind\":\"not-present\",\"level\":1,"
		   "\"code\":\"0x15\"},\"gpa\":\"0x80200234\",\"references\":15,\"fault_stage\":\"stage2-final\","
		   "\"stage2_fault\":{\"gpa\":\"0x80200234\",\"scause\":\"0x15\",\"htval\":\"0x2008008d\",\"htinst\":\"0x0\"}}\n",
		   "");
	run_result_free(&r);
	remove_temp_file(setup);
}

/* The grid: every reference numbered in hardware order; the G-stage root entry of every row at 0x80000010. */
Test(cli_vm, explain_draws_the_grid)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "explain", "--map", MAP_PAGE, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, "");
	cr_expect(strstr(r.out, "stage 2: every GPA above through the host's table, from 0x80000000 "
				"(hgatp 0x8000000000080000)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "\n  guest L3         0x80001000           1: 0x80000010 "), "%s", r.out);
	cr_expect(strstr(r.out, "4: read the guest entry at host 0xc0001000\n"), "%s", r.out);
	cr_expect(strstr(r.out, "\n  guest L2         0x80002000           5: 0x80000010 "), "%s", r.out);
	cr_expect(strstr(r.out, "8: read the guest entry at host 0xc0002000\n"), "%s", r.out);
	cr_expect(strstr(r.out, "12: read the guest entry at host 0xc0003008\n"), "%s", r.out);
	/* The walk sets A in the guest leaf: a write row, not counted. */
	cr_expect(strstr(r.out, "\n  guest L1 A/D     0x80003008           (0x80000010) "), "%s", r.out);
	cr_expect(strstr(r.out, "\n  final GPA        0x80200234           13: 0x80000010 "), "%s", r.out);
	cr_expect(strstr(r.out, "host PA 0xc0200234\n  15 references: 3 guest entries, 12 stage-2 entries"), "%s",
		  r.out);
	run_result_free(&r);
}

/*
 * A guest entry whose GPA stage 2 does not map: the guest's walk stops there
 * without reading it, and the fault is the guest-page fault below (scause 21,
 * htval = 0x80003008 >> 2) — not the "PTE address outside physical memory"
 * load access fault (scause 5) the stage-1 part said.
 */
Test(cli_vm, explain_stage2_refused_guest_entry)
{
	char *setup = write_temp_file("gunmap 0x80003000 0x1000\n", ".txt");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "explain", "--map", MAP_PAGE, "--setup", setup, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "  L1  table 0x80003000 + index 1 x 8 = PTE at 0x80003008\n"
				"      stage 2 refuses the walk's access to this GPA: the entry is not read, the walk stops here\n\n"
				"stage 2: every GPA above"), "%s", r.out);
	cr_expect(strstr(r.out, "access fault") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "outside physical memory") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "stage-2 fault on the guest page-table GPA 0x80003008: scause 21 (load guest-page fault), "
				"htval 0x20000c02 (GPA 0x80003008), htinst 0x3000 (implicit read of a VS-stage PTE)\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(setup);
}

/*
 * EPT with A/D on (the preset's ept_ad, EPTP bit 6): the walk's accesses to
 * guest paging-structure entries are writes for EPT (SDM vol. 3 "EPT
 * Violations"), so a guest PML4 page that EPT maps read-only refuses the
 * walk's first access.  Stage 2 does translate that GPA (the exit
 * qualification says "GPA readable"): the words must not say it does not.
 */
Test(cli_vm, explain_ept_refuses_a_readable_guest_table)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_64_ept", "explain", "--map", "0x1000 0x200000 0x1000 rwu", "--gmap",
				"0x1000 0x40001000 0x1000 r", "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "  L4  table 0x1000 + index 0 x 8 = PML4E at 0x1000\n"
				"      stage 2 refuses the walk's access to this GPA: the entry is not read, the walk "
				"stops here\n"), "%s", r.out);
	cr_expect(strstr(r.out, "does not translate") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "exit qualification 0x8b (read+write; GPA readable, not writable, not executable; "
				"guest-linear valid; guest paging-structure entry)"), "%s", r.out);
	run_result_free(&r);
}

/*
 * The guest's leaf table made read-only at stage 2: the VS-stage walk reads
 * the leaf (A=0, Svadu) and must then write A into it, an implicit store the
 * G-stage refuses (H extension: a guest-page fault of the original access,
 * scause 21 for a load, htinst 0x3020: implicit write of a VS-stage PTE).
 * That write did not happen, so the guest's walk may not say "the walk set A
 * in the leaf" (it did), and a second walk still reads A=0.
 */
Test(cli_vm, explain_stage2_refused_ad_write_sets_nothing)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "explain", "--map", MAP_PAGE, "--gmap",
				"0x80003000 0xc0003000 0x1000 r", "0x1234", "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "the walk set") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "PA 0x80200234 = frame 0x80200000 | offset 0x234 (VA bits 11:0 in a 4K page)\n"
				"perms rw-u-\n"
				"but the walk must write A/D into the guest entry at GPA 0x80003008, and stage 2 refuses "
				"that write (below): the access faults\n\nstage 2: every GPA above"), "%s", r.out);
	cr_expect(strstr(r.out, "htinst 0x3020 (implicit write of a VS-stage PTE: A/D)\n"), "%s", r.out);
	/* The second walk reads the leaf as the first found it: V R W U, A still clear. */
	const char *second = strstr(r.out, "\n\nstage 1: ");
	cr_assert_not_null(second, "%s", r.out);
	cr_expect(strstr(second, "      raw    0x0000000020080017\n"), "%s", r.out);
	run_result_free(&r);
	/* With the table writable the walk sets A and says so (in the leaf: RISC-V has A in leaves only). */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "explain", "--map", MAP_PAGE, "0x1234", NULL), 0);
	cr_expect(strstr(r.out, "perms rw-u-; the walk set A in the leaf\n"), "%s", r.out);
	run_result_free(&r);
}

/* report --html: each --va's walk with its grid, the replay's statistics with theirs. */
Test(cli_vm, report_html_draws_the_grid)
{
	char *html = write_temp_file("", ".html");
	char *trace = write_temp_file("map 0x1000 0x80200000 0x1000 rwu\nr 0x1234\n", ".txt");
	struct run_result r;
	char *page;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "report", "--html", html, "--map", MAP_PAGE, "--va", "0x1234",
				"--replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	page = read_text_file(html);
	cr_assert_not_null(page);
	cr_expect(strstr(page, "stage 2: every GPA above through the host's table, from 0x80000000 (hgatp 0x8000000000080000)"));
	cr_expect(strstr(page, "  15 references: 3 guest entries, 12 stage-2 entries"));
	cr_expect(strstr(page, "2-D walks       1  (15.00 references per walk: guest 3, stage 2 12)"));
	free(page);
	remove_temp_file(trace);
	remove_temp_file(html);
}

Test(cli_vm, dump_json_names_both_roots)
{
	char *elf = write_temp_file("", ".elf");
	char expect[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "--json", "dump", "--elf", elf, "--map", MAP_PAGE, NULL), 0);
	/* hgatp: MODE 8 (Sv39x4), VMID 0, PPN 0x80000; vsatp: MODE 8 (Sv39), ASID 0, PPN 0x80001. */
	snprintf(expect, sizeof(expect),
		 "{\"elf\":\"%s\",\"hgatp\":\"0x8000000000080000\",\"vsatp\":\"0x8000000000080001\","
		 "\"g_root\":\"0x80000000\",\"vs_root\":\"0x80001000\"}\n", elf);
	expect_run(&r, 0, expect, "");
	run_result_free(&r);
	remove_temp_file(elf);
}

/*
 * A VM's dump read back as a VM: the stage-2 root from its hgatp / eptp /
 * vttbr note, the guest's from vsatp / cr3 / ttbr0; the same answers as the
 * machine that wrote it.  A one-stage dump has no stage-2 register.
 */
Test(cli_vm, image_of_a_vm)
{
	static const struct {
		const char *config, *pa, *line;
	} cases[] = {
		{ "sv39x4", "0x80200000", "0x1234 r user: pa 0xc0200234 (4K page, level 1) perms rw-u- gpa 0x80200234 references 15\n" },
		{ "x86_64_ept", "0x200000", "0x1234 r user: pa 0x40200234 (4K page, level 1) perms rw-u- gpa 0x200234 references 24\n" },
		{ "aarch64_vm", "0x40200000", "0x1234 r user: pa 0x80200234 (4K page, level 1) perms rw-u- gpa 0x40200234 references 19\n" },
	};
	char *elf = write_temp_file("", ".elf");
	char map[64];
	struct run_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(map, sizeof(map), "0x1000 %s 0x1000 rwua", cases[i].pa);
		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "dump", "--elf", elf, "--map", map, NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		run_result_free(&r);
		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "translate", "--image", elf, "0x1234", NULL), 0);
		expect_run(&r, 0, cases[i].line, "");
		run_result_free(&r);
	}
	/* An image without the stage-2 note: see image_roots_by_option. */
	remove_temp_file(elf);
}

/*
 * EPTP (SDM 25.6.11): the EPT root (host PA 0) in 51:12, walk length 4 - 1 in
 * 5:3, WB (6) in 2:0, A/D enabled (bit 6): 0x5e.  NPT's root register is nCR3.
 */
Test(cli_vm, dump_json_x86)
{
	char *elf = write_temp_file("", ".elf");
	char expect[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_64_ept", "--json", "dump", "--elf", elf, NULL), 0);
	snprintf(expect, sizeof(expect),
		 "{\"elf\":\"%s\",\"eptp\":\"0x5e\",\"cr3\":\"0x1000\",\"g_root\":\"0x0\",\"vs_root\":\"0x1000\"}\n", elf);
	expect_run(&r, 0, expect, "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_64_npt", "--json", "dump", "--elf", elf, NULL), 0);
	snprintf(expect, sizeof(expect),
		 "{\"elf\":\"%s\",\"ncr3\":\"0x0\",\"cr3\":\"0x1000\",\"g_root\":\"0x0\",\"vs_root\":\"0x1000\"}\n", elf);
	expect_run(&r, 0, expect, "");
	run_result_free(&r);
	remove_temp_file(elf);
}

/*
 * Two walks (a read, then the write's dirty re-walk), each one reference per
 * grid cell: without the preset's nested TLB, which would skip some.
 */
Test(cli_vm, replay_counts_the_grid)
{
	char *trace = write_temp_file("map 0x1000 0x80200000 0x1000 rwu\nr 0x1234\nw 0x1238\n", ".txt");
	char *cfg = write_temp_file("extends: sv39x4\nstage2: { tlb: [] }\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "\"walks\":2,") && strstr(r.out, "\"pte_reads\":30,"), "%s", r.out);
	cr_expect(strstr(r.out, ",\"nested\":{\"walks\":2,\"guest_pte_reads\":6,\"host_pte_reads\":24,"
				"\"references_per_walk\":15.0000,\"grid\":[[2,2,2,2],[2,2,2,2],[2,2,2,2],[2,2,2]],"
				"\"guest_faults\":0,\"host_faults\":0,\"host_demand_paged\":0,\"vms\":1}}\n"),
		  "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", trace, NULL), 0);
	cr_expect(strstr(r.out, "2-D walks       2  (15.00 references per walk: guest 6, stage 2 24)\n"
				"  references         host L3      host L2      host L1  guest entry\n"
				"  guest L3                 2            2            2            2\n"),
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(trace);
}

/*
 * A nested TLB (GPA -> HPA) of 4 KiB entries: the first walk misses on every
 * GPA but one (the A/D write of the guest's L1 entry finds the L1 table's
 * page, dirty since the guest zeroed it); the second walk, to a page whose
 * leaf sits in the same guest tables, hits on the three table reads and the
 * A/D write and misses only on its final GPA, reading 3 guest + 3 G-stage
 * entries: 15 + 6 = 21 references, 5 hits and 5 misses.
 */
Test(cli_vm, nested_tlb_skips_stage2_walks)
{
	char *cfg = write_temp_file("extends: sv39x4\nstage2:\n  tlb:\n    - { name: ntlb, level: 1, kind: unified, "
				    "entries: 16, page_sizes: [4K], replacement: lru, latency: 1 }\n", ".yaml");
	char *trace = write_temp_file("map 0x1000 0x80200000 0x2000 rwu\nr 0x1234\nr 0x2234\n", ".txt");
	struct run_result r;

	/* The preset's own nested TLB (64 entries, 4-way, 4K/2M/1G) holds the same GPAs: the same counts. */
	const char *configs[] = { cfg, "sv39x4" };
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(run_mmusim(&r, "--config", configs[i], "--json", "replay", trace, NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "\"pte_reads\":21,"), "%s", r.out);
		cr_expect(strstr(r.out, "\"grid\":[[1,1,1,2],[1,1,1,2],[1,1,1,2],[2,2,2]],") &&
			  strstr(r.out, ",\"nested_tlb\":{\"hits\":5,\"misses\":5}}"), "%s", r.out);
		run_result_free(&r);
	}
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/*
 * Stage-2 PWCs keyed by GPA on Sv48x4 (host levels 4..1 index GPA bits 49:39,
 * 38:30, 29:21, 20:12).  The guest's tables (GPAs 0x80001000-0x80004fff) share
 * one 2 MiB region, the data pages (0x80200000, 0x80201000) the next one.
 * Walk 1 (VA 0x1234): the guest L4 row misses every PWC and reads 4 entries;
 * the L3, L2, L1 rows and the L1 A/D write hit the level-2 PWC and read 1; the
 * final GPA misses the level-2 PWC, hits the level-3 one and reads 2: 4 + 9 =
 * 13.  Walk 2 (VA 0x2234): every row, the final one included, hits the
 * level-2 PWC: 4 + 5 = 9.  22 in all; the level-2 PWC 10 hits, 2 misses.
 */
Test(cli_vm, stage2_pwc_skips_upper_host_levels)
{
	char *cfg = write_temp_file("extends: sv48x4\nstage2:\n  tlb: []\n  pwc:\n    - { level: 4, entries: 4, latency: 1 }\n"
				    "    - { level: 3, entries: 16, latency: 1 }\n    - { level: 2, entries: 32, latency: 1 }\n",
				    ".yaml");
	char *trace = write_temp_file("map 0x1000 0x80200000 0x2000 rwu\nr 0x1234\nr 0x2234\n", ".txt");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"pte_reads\":22,"), "%s", r.out);
	cr_expect(strstr(r.out, ",\"stage2_pwc\":{\"2\":{\"hits\":10,\"misses\":2},\"3\":{\"hits\":1,\"misses\":1},"
				"\"4\":{\"hits\":0,\"misses\":1}}}"),
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/*
 * gflush: the first walk as above (15 references; 1 hit, 4 misses); after
 * `gflush gpa 0x80003000` the nested TLB lacks only the guest L1 table's page
 * and the combined TLB is empty: the walk hits on L3, L2 and the final GPA
 * and misses on L1 (3 guest + 3 G-stage = 6 references; A is set already: no
 * A/D write); after `gflush` everything misses again (15; 4 misses).  The
 * same from the binary format.
 */
Test(cli_vm, gflush_fences_stage2)
{
	char *cfg = write_temp_file("extends: sv39x4\nstage2:\n  tlb:\n    - { name: ntlb, level: 1, kind: unified, "
				    "entries: 16, page_sizes: [4K], replacement: lru, latency: 1 }\n", ".yaml");
	char *trace = write_temp_file("map 0x1000 0x80200000 0x2000 rwu\nr 0x1234\ngflush gpa 0x80003000\nr 0x1234\n"
				      "gflush\nr 0x1234\n", ".txt");
	char *bin = write_temp_file("", ".bin");
	const char *inputs[] = { trace, bin };
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "convert", trace, bin, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", inputs[i], NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "\"walks\":3,") && strstr(r.out, "\"pte_reads\":36,") &&
			  strstr(r.out, ",\"nested_tlb\":{\"hits\":4,\"misses\":9}}"), "%s", r.out);
		run_result_free(&r);
	}
	remove_temp_file(bin);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/*
 * Guest RAM the host backs on first touch: the first access is a guest fault
 * (demand-paged at GPA 0x80004000, after the two roots and two nodes), then
 * a G-stage fault on that final GPA, which the host fills.
 */
Test(cli_vm, demand_paging_fills_both_stages)
{
	char *cfg = write_temp_file("extends: sv39x4\nstage2: { back_guest_memory: false }\n", ".yaml");
	char *trace = write_temp_file("r 0x1234\nr 0x1238\n", ".txt");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", "--demand-paging", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"demand_paged\":1,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"guest_faults\":1,\"host_faults\":1,\"host_demand_paged\":1,\"vms\":1,"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", MAP_PAGE, "0x1234", NULL), 0);
	/*
	 * The map backed the guest's nodes (GPAs 0x80000000-0x80003fff, G-stage
	 * L2 entry 0), not its data page: the final GPA's L2 entry 1 is empty.
	 */
	cr_expect(strstr(r.out, "0x1234 r user: stage-2 fault not-present at level 2 on the final GPA 0x80200234, "
				"scause 21 (load guest-page fault)"),
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/*
 * vm N: a second VM on the same host.  Host memory is handed out from its
 * base, never-used frames first: VM 0 took the 16 KiB G-stage root at
 * 0x80000000 and its RAM at 0xc0000000 (the next 1 GiB boundary), up to
 * 0x13fffffff.  VM 1's root takes the next frames, 0x140000000, and its RAM
 * the next 1 GiB-aligned run: GPA g is HPA 0x180000000 + (g - 0x80000000).
 * Its guest tables start empty, and its hgatp carries VMID 1 (bits 57:44).
 */
Test(cli_vm, vm_n_runs_a_second_machine)
{
	char *two = write_temp_file("map " MAP_PAGE "\nvm 1\nmap 0x1000 0x80300000 0x1000 rwu\n", ".txt");
	char *empty = write_temp_file("map " MAP_PAGE "\nvm 1\n", ".txt");
	char *back = write_temp_file("map " MAP_PAGE "\nvm 1\nmap 0x1000 0x80300000 0x1000 rwu\nvm 0\n", ".txt");
	char *img_trace = write_temp_file("r 0x1234\nvm 1\n", ".txt");
	char *elf = write_temp_file("", ".elf");
	char expect[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--setup", two, "0x1234", NULL), 0);
	expect_run(&r, 0, "0x1234 r user: pa 0x180300234 (4K page, level 1) perms rw-u- gpa 0x80300234 references 15\n",
		   "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--setup", empty, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "0x1234 r user: guest fault not-present at level 3") == r.out, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--setup", back, "0x1234", NULL), 0);
	expect_run(&r, 0, "0x1234 r user: pa 0xc0200234 (4K page, level 1) perms rw-u- gpa 0x80200234 references 15\n",
		   "");
	run_result_free(&r);

	/* The dump holds host memory, both VMs; its registers are the running VM's. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "--json", "dump", "--elf", elf, "--setup", two, NULL), 0);
	snprintf(expect, sizeof(expect),
		 "{\"elf\":\"%s\",\"hgatp\":\"0x8000100000140000\",\"vsatp\":\"0x8000000000080001\","
		 "\"g_root\":\"0x140000000\",\"vs_root\":\"0x80001000\"}\n", elf);
	expect_run(&r, 0, expect, "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--image", elf, "0x1234", NULL), 0);
	expect_run(&r, 0, "0x1234 r user: pa 0x180300234 (4K page, level 1) perms rw-u- gpa 0x80300234 references 15\n",
		   "");
	run_result_free(&r);
	/* An image is one VM's view, VM 0 to a trace: no other VM can be made in it. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "replay", "--image", elf, img_trace, NULL), 0);
	snprintf(expect, sizeof(expect), "mmusim: %s:2: an image holds one virtual machine: cannot create VM 1\n", img_trace);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expect);
	run_result_free(&r);
	remove_temp_file(img_trace);
	remove_temp_file(elf);
	remove_temp_file(back);
	remove_temp_file(empty);
	remove_temp_file(two);
}

/*
 * Combined TLB entries are tagged with the VMID (l1d and l2 as in the
 * preset).  Walks: 1 (VM 0, cold), 2 (VM 1: VM 0's entry does not serve it),
 * 3 (after VM 1's own `flush`, the guest's HFENCE.VVMA: VM 1's entries
 * only), then VM 0 hits; 4 (after `gflush` in VM 1), VM 0 hits again; 5
 * (after `gflush all`).  7 accesses, 2 l1d hits, 5 walks of 15 references
 * (without the nested TLB, which would save some).
 */
Test(cli_vm, tlb_entries_are_tagged_with_the_vm)
{
	char *trace = write_temp_file("map " MAP_PAGE "\nr 0x1234\nvm 1\nmap 0x1000 0x80300000 0x1000 rwu\nr 0x1234\n"
				      "flush\nr 0x1234\nvm 0\nr 0x1234\nvm 1\ngflush\nr 0x1234\nvm 0\nr 0x1234\n"
				      "gflush all\nr 0x1234\n", ".txt");
	char *global = write_temp_file("map 0x1000 0x80200000 0x1000 rwug\nr 0x1234\nvm 1\nr 0x1234\n", ".txt");
	char *bin = write_temp_file("", ".bin");
	char *cfg = write_temp_file("extends: sv39x4\nstage2: { tlb: [] }\n", ".yaml");
	const char *inputs[] = { trace, bin };
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "convert", trace, bin, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", inputs[i], NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "\"walks\":5,") && strstr(r.out, "\"pte_reads\":75,") &&
			  strstr(r.out, "\"l1d\":{\"hits\":2,\"misses\":5,") &&
			  strstr(r.out, "\"not-present\":0,") && strstr(r.out, "\"vms\":2}"), "%s", r.out);
		run_result_free(&r);
	}
	/* VM 0's global page is not VM 1's: VM 1 walks and faults. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "--json", "replay", global, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"walks\":2,") && strstr(r.out, "\"guest_faults\":1,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(bin);
	remove_temp_file(global);
	remove_temp_file(trace);
}

/*
 * The roots of a VM's image chosen by option, over what its notes record:
 * the dump of two VMs records VM 1's (hgatp 0x8000100000140000); VM 0's
 * G-stage root is HPA 0x80000000 (hgatp MODE 8, PPN 0x80000) and its guest
 * root GPA 0x80001000 (vsatp MODE 8, PPN 0x80001), which give VM 0's answer.
 */
Test(cli_vm, image_roots_by_option)
{
	char *two = write_temp_file("map " MAP_PAGE "\nvm 1\nmap 0x1000 0x80300000 0x1000 rwu\n", ".txt");
	char *elf = write_temp_file("", ".elf");
	char *one_stage = write_temp_file("", ".elf");
	const char *vm0 = "0x1234 r user: pa 0xc0200234 (4K page, level 1) perms rw-u- gpa 0x80200234 references 15\n";
	char expect[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "dump", "--elf", elf, "--setup", two, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--image", elf, "--hgatp", "0x8000000000080000",
				"--satp", "0x8000000000080001", "0x1234", NULL), 0);
	expect_run(&r, 0, vm0, "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--image", elf, "--stage2-root", "0x80000000",
				"--root", "0x80001000", "0x1234", NULL), 0);
	expect_run(&r, 0, vm0, "");
	run_result_free(&r);

	/* An image without a stage-2 note (a one-stage dump) needs the option. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "dump", "--elf", one_stage, "--map", MAP_PAGE, NULL), 0);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--image", one_stage, "0x1234", NULL), 0);
	snprintf(expect, sizeof(expect), "mmusim: %s: no hgatp recorded in the image: give --stage2-root or --hgatp\n",
		 one_stage);
	expect_run(&r, 2, "", expect);
	run_result_free(&r);

	static const struct {
		const char *config, *opt1, *val1, *opt2, *val2, *err;
	} bad[] = {
		{ "sv39x4", "--vttbr", "0x1", NULL, NULL,
		  "mmusim: --vttbr is not a register of sv39x4: use --satp (the guest's) or --hgatp\n" },
		{ "sv39", "--stage2-root", "0x80000000", NULL, NULL, "mmusim: --stage2-root: config sv39 has no stage2: block\n" },
		{ "sv39", "--hgatp", "0x8000000000080000", NULL, NULL, "mmusim: --hgatp is not a register of riscv64: use --satp\n" },
		{ "sv39x4", "--root", "0x80001000", "--satp", "0x8000000000080001", "mmusim: give --root or --satp, not both\n" },
		{ "sv39x4", "--stage2-root", "0x80000000", "--hgatp", "0x8000000000080000",
		  "mmusim: give --stage2-root or --hgatp, not both\n" },
		{ "sv39x4", "--hgatp", "0x8000000000080000", "--hgatp", "0x8000000000080000",
		  "mmusim: --hgatp and --hgatp both select the stage-2 root\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].opt2)
			cr_assert_eq(run_mmusim(&r, "--config", bad[i].config, "translate", "--image", elf, bad[i].opt1,
						bad[i].val1, bad[i].opt2, bad[i].val2, "0x1234", NULL), 0);
		else
			cr_assert_eq(run_mmusim(&r, "--config", bad[i].config, "translate", "--image", elf, bad[i].opt1,
						bad[i].val1, "0x1234", NULL), 0);
		expect_run(&r, 2, "", bad[i].err);
		run_result_free(&r);
	}
	remove_temp_file(one_stage);
	remove_temp_file(elf);
	remove_temp_file(two);
}

/* Each bad input: the exact message, exit 2, nothing on stdout. */
Test(cli_vm, bad_input)
{
	char *gmap = write_temp_file("gmap 0x80200000 0x90000000 0x1000 rw\n", ".txt");
	char *short_gmap = write_temp_file("gmap 0x80200000\n", ".txt");
	char *gflush = write_temp_file("gflush\n", ".txt");
	char *vm1 = write_temp_file("vm 1\n", ".txt");
	char *vm256 = write_temp_file("vm 256\n", ".txt");
	char *bad_gflush = write_temp_file("gflush va 0x1000\n", ".txt");
	char *not_stage2 = write_temp_file("extends: sv39x4\nstage2: { arch: riscv64, address_width: 39, va_sign_ext: true }\n",
					   ".yaml");
	char *too_big = write_temp_file("extends: sv39x4\nmemory: { size: 4T }\n", ".yaml");
	char *bad_size = write_temp_file("extends: sv39x4\nstage2: { backing_page_size: 8192 }\n", ".yaml");
	char *two_tlbs = write_temp_file("extends: sv39x4\nstage2:\n  tlb:\n"
					 "    - { name: a, level: 1, kind: unified, entries: 8, page_sizes: [4K], replacement: lru, latency: 1 }\n"
					 "    - { name: b, level: 1, kind: unified, entries: 8, page_sizes: [2M], replacement: lru, latency: 1 }\n",
					 ".yaml");
	char expect[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "replay", gmap, NULL), 0);
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:1: gmap edits a virtual machine's stage-2 table, and config sv39 has no stage2: block\n", gmap);
	/* A replay stopped by a bad line prints the statistics so far, then the error. */
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expect);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--gmap", "0x80200000 0x90000000 0x1000 rw",
				"0x1000", NULL), 0);
	expect_run(&r, 2, "",
		   "mmusim: --gmap:1: gmap edits a virtual machine's stage-2 table, and config sv39 has no stage2: block\n");
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--setup", gflush, "0x1000", NULL), 0);
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:1: gflush fences a virtual machine's stage 2, and this config has no stage2: block\n", gflush);
	expect_run(&r, 2, "", expect);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "translate", "--setup", bad_gflush, "0x1000", NULL), 0);
	snprintf(expect, sizeof(expect), "mmusim: %s:1: bad gflush: usage is 'gflush [gpa GPA | all]'\n", bad_gflush);
	expect_run(&r, 2, "", expect);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "replay", short_gmap, NULL), 0);
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:1: missing field: usage is 'gmap GPA HPA LEN FLAGS [cache=wb|wt|uc|wc|wp]'\n", short_gmap);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expect);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", not_stage2, "translate", "0x1000", NULL), 0);
	snprintf(expect, sizeof(expect), "mmusim: %s:2:17: arch riscv64 is not a stage-2 format (stage2.arch may be ", not_stage2);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, expect) == r.err, "%s", r.err);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", too_big, "translate", "0x1000", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, ": guest memory [0x80000000, 0x4007fffffff] exceeds the 41-bit guest-physical "
				"addresses of stage 2\n"),
		  "%s", r.err);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", bad_size, "translate", "0x1000", NULL), 0);
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:2:30: stage2.backing_page_size 8192 is not a leaf size of the stage-2 format\n", bad_size);
	expect_run(&r, 2, "", expect);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--setup", vm1, "0x1000", NULL), 0);
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:1: vm 1: config sv39 has no stage2: block, so it runs no virtual machines\n", vm1);
	expect_run(&r, 2, "", expect);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "replay", vm256, NULL), 0);
	snprintf(expect, sizeof(expect), "mmusim: %s:1: vm 256 is out of range (at most 255)\n", vm256);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expect);
	run_result_free(&r);
	/* Host RAM of 4 GiB holds VM 0's 2 GiB (from 0xc0000000) but not a second VM's. */
	char *small = write_temp_file("extends: sv39x4\nstage2: { memory: { base: 0x80000000, size: 4G } }\n", ".yaml");
	cr_assert_eq(run_mmusim(&r, "--config", small, "translate", "--setup", vm1, "0x1000", NULL), 0);
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:1: vm 1: backing guest memory [0x80000000, 0xffffffff] with host memory: out of physical memory (",
		 vm1);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, expect) == r.err, "%s", r.err);
	run_result_free(&r);
	/* The OS layer is one guest OS: its pages and frames are one VM's. */
	char *os_vm = write_temp_file("r 0x1234\nvm 1\n", ".txt");
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "replay", "--resident-pages", "4", os_vm, NULL), 0);
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:2: vm 1: the OS layer (--resident-pages, --replacement, mmap) models one guest OS; "
		 "replay a trace that switches VMs without it\n", os_vm);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, expect);
	run_result_free(&r);
	remove_temp_file(os_vm);
	remove_temp_file(small);
	remove_temp_file(vm1);
	remove_temp_file(vm256);

	remove_temp_file(gmap);
	remove_temp_file(short_gmap);
	remove_temp_file(gflush);
	remove_temp_file(bad_gflush);
	remove_temp_file(not_stage2);
	remove_temp_file(too_big);
	cr_assert_eq(run_mmusim(&r, "--config", two_tlbs, "translate", "0x1000", NULL), 0);
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:5:7: stage2.tlb holds one array, the nested TLB (GPA -> host PA)\n", two_tlbs);
	expect_run(&r, 2, "", expect);
	run_result_free(&r);

	remove_temp_file(bad_size);
	remove_temp_file(two_tlbs);
}

/*
 * An Sv32 guest (VSXLEN = 32) over an Sv39x4 G-stage: its VS-stage PTEs are
 * 4 bytes, so a guest-page fault on their implicit access writes htinst
 * 0x2000 (32-bit read) or 0x2020 (32-bit write, A/D), not the 64-bit 0x3000 /
 * 0x3020 (privileged spec, Hypervisor extension, "Transformed Instruction or
 * Pseudoinstruction for mtinst or htinst": the table of pseudoinstruction
 * values).  The guest's root is at GPA 0x80001000 (the first frame after the
 * kernel's), its L1 table at 0x80002000; VA 0x1234's PTE is L1 index 1 of 4
 * bytes, at GPA 0x80002004; htval = GPA >> 2.
 */
Test(cli_vm, sv32_guest_htinst_is_32_bit)
{
	static const char config[] =
		"extends: sv32\nmemory: { base: 0x80000000, size: 256M }\n"
		"stage2: { arch: riscv64x4, base_page_size: 4096, nr_levels: 3, pte_size: 8, address_width: 41,\n"
		"  va_sign_ext: false, highest_translation_level: 3, phys_addr_width: 56,\n"
		"  memory: { base: 0x80000000, size: 1G }, cpu: { ad: svadu } }\n";
	static const struct {
		const char *setup, *line;
	} cases[] = {
		{ "gunmap 0x80001000 0x1000\n",
		  "0x1234 r user: stage-2 fault not-present at level 1 on the guest page-table GPA 0x80001000, scause 21 "
		  "(load guest-page fault), htval 0x20000400 (GPA 0x80001000), htinst 0x2000 (implicit read of a VS-stage PTE)\n" },
		{ "gprotect 0x80002000 0x1000 r\n",
		  "0x1234 r user: stage-2 fault permission at level 1 on the guest page-table GPA 0x80002004, scause 21 "
		  "(load guest-page fault), htval 0x20000801 (GPA 0x80002004), htinst 0x2020 (implicit write of a VS-stage "
		  "PTE: A/D)\n" },
	};
	char *cfg = write_temp_file(config, ".yaml");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *setup = write_temp_file(cases[i].setup, ".txt");
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", MAP_PAGE, "--setup", setup, "0x1234",
					NULL), 0);
		expect_run(&r, 0, cases[i].line, "");
		run_result_free(&r);
		remove_temp_file(setup);
	}
	remove_temp_file(cfg);
}

/*
 * Under the Hypervisor extension the guest's (VS-stage) root is in vsatp,
 * not satp (privileged spec, "Virtual Supervisor Address Translation and
 * Protection Register (vsatp)"): MODE 8, ASID 0, PPN 0x80001.  explain's and
 * show's root lines name it so; an x86 guest's root stays CR3 (SDM 29.3),
 * an Arm guest's TTBR0_EL1.
 */
Test(cli_vm, guest_root_register_is_vsatp)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "explain", "--map", MAP_PAGE, "0x1234", NULL), 0);
	cr_expect(strstr(r.out, "\nwalk from root 0x80001000 (vsatp 0x8000000000080001):\n"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "show", "--map", MAP_PAGE, NULL), 0);
	cr_expect(strstr(r.out, "root 0x80001000 (vsatp 0x8000000000080001): ") == r.out, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_64_ept", "show", "--map", "0x1000 0x200000 0x1000 rwu", NULL), 0);
	cr_expect(strstr(r.out, "root 0x1000 (cr3 ") == r.out, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64_vm", "show", "--map", "0x1000 0x40200000 0x1000 rwu", NULL),
		     0);
	cr_expect(strstr(r.out, "(ttbr0 0x"), "%s", r.out);
	run_result_free(&r);
}

/*
 * quiz on a VM preset asks the guest's walk, whose root a RISC-V guest holds
 * in vsatp (MODE 8, ASID 0, PPN 0x80001); an x86 guest's stays CR3.
 */
Test(cli_vm, quiz_names_the_guest_root_register)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "quiz", "--seed", "1", NULL), 0);
	cr_expect(strstr(r.out, "\nroot: 0x80001000 (vsatp = 0x8000000000080001)\n"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "quiz", "--seed", "1", "--json", NULL), 0);
	cr_expect(strstr(r.out, "\"register\": \"vsatp\", \"value\": \"0x8000000000080001\""), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_64_ept", "quiz", "--seed", "1", NULL), 0);
	cr_expect(strstr(r.out, "\nroot: 0x1000 (cr3 = 0x1000)\n"), "%s", r.out);
	run_result_free(&r);
}

/*
 * An Arm stage 2 without hardware dirty-state management (VTCR_EL2.HD = 0)
 * keeps a page mapped clean read-only: guest RAM is backed dirty there, as
 * under a Svade-like stage 2, so the guest can write its own page tables and
 * pages.  It was backed clean: the replay stopped before its first access
 * ("guest page-table node at GPA 0x40000000: stage 2 does not map it
 * writable").
 */
Test(cli_vm, arm_stage2_without_hardware_dirty_backs_guest_ram_writable)
{
	char *cfg = write_temp_file("extends: aarch64_vm\nstage2: { cpu: { hd: false } }\n", ".yaml");
	char *trace = write_temp_file("w 0x400000\nw 0x400008\nr 0x401000\nw 0x401000\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", "--demand-paging", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"demand_paged\":2,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"permission\":0,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(trace);
}
