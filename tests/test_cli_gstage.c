/*
 * cli_gstage: the RISC-V G-stage format (arch: riscv64x4, here Sv39x4) as a
 * one-stage machine through the binary: GPA -> HPA translations, guest-page
 * faults, mappings and the 2048-entry root in `show`.
 *
 * Expected values by hand from the Hypervisor extension: Sv39x4 GPAs are 41
 * bits, the root index is GPA[40:30] (2048 entries), every leaf has U=1,
 * faults are scause 20/21/23 with htval = GPA >> 2.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

/* Sv39x4 over 1 GiB at 0x80000000: the user table has root entries 0-1023, the kernel's 1024-2047. */
static const char sv39x4_config[] =
	"name: gstage39\n"
	"arch: riscv64x4\n"
	"base_page_size: 4096\n"
	"nr_levels: 3\n"
	"pte_size: 8\n"
	"address_width: 41\n"
	"va_sign_ext: false\n"
	"highest_translation_level: 3\n"
	"phys_addr_width: 56\n"
	"memory: { base: 0x80000000, size: 1G }\n"
	"page_tables:\n"
	"  user:   { top_level_index_range: [0, 1024], top_level_can_unmap: true }\n"
	"  kernel: { top_level_index_range: [1024, 2048], top_level_can_unmap: false }\n"
	"cpu: { mxr: false, ad: svadu }\n";

/* GPA bit 40 set (root entry 1024, 2 MiB) and the last page of the 41-bit space (root entry 2047). */
#define MAP_HIGH "0x10000000000 0x90000000 0x200000 rw"
#define MAP_TOP "0x1ffffe00000 0x90200000 0x1000 r"

static void expect_run(struct run_result *r, int status, const char *out, const char *err)
{
	cr_expect_eq(r->status, status, "status %d, expected %d; stderr: %s", r->status, status, r->err);
	cr_expect_str_eq(r->out, out);
	cr_expect_str_eq(r->err, err);
}

Test(cli_gstage, translate_high_gpas)
{
	char *cfg = write_temp_file(sv39x4_config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", MAP_HIGH, "--map", MAP_TOP,
				"0x10000001234", "0x1ffffe00010", NULL), 0);
	expect_run(&r, 0,
		   "0x10000001234 r user: pa 0x90001234 (2M page, level 2) perms rw-u-\n"
		   "0x1ffffe00010 r user: pa 0x90200010 (4K page, level 1) perms r--u-\n",
		   "");
	run_result_free(&r);
	remove_temp_file(cfg);
}

Test(cli_gstage, guest_page_fault_messages)
{
	char *cfg = write_temp_file(sv39x4_config, ".yaml");
	struct run_result r;

	/* 0x40000000: root entry 1, empty; htval 0x40000000 >> 2.  Bit 41: above the width. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", MAP_HIGH, "0x40000000",
				"0x20000000000", NULL), 0);
	expect_run(&r, 0,
		   "0x40000000 r user: fault not-present at level 3, scause 21 (load guest-page fault), "
		   "htval 0x10000000: the G-stage PTE is not present (P/V bit clear)\n"
		   "0x20000000000 r user: fault non-canonical (no entry was read), scause 21 (load guest-page fault), "
		   "htval 0x8000000000: the VA does not fit 41 bits: bits 63:41 are not all 0\n",
		   "");
	run_result_free(&r);
	/* A fetch from the rw 2 MiB page: scause 20, htval 0x10000001234 >> 2. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", MAP_HIGH, "--access", "x",
				"0x10000001234", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "0x10000001234 x user: fault permission at level 2, scause 20 (instruction guest-page "
				"fault), htval 0x400000048d: ") == r.out, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
}

Test(cli_gstage, mappings)
{
	char *cfg = write_temp_file(sv39x4_config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "mappings", "--map", MAP_HIGH, "--map", MAP_TOP, NULL), 0);
	expect_run(&r, 0,
		   "0x10000000000 0x10000200000 0x90000000 rw-u-\n"
		   "0x1ffffe00000 0x1ffffe01000 0x90200000 r--u-\n",
		   "");
	run_result_free(&r);
	remove_temp_file(cfg);
}

Test(cli_gstage, show_draws_the_wide_root)
{
	char *cfg = write_temp_file(sv39x4_config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--map", MAP_TOP, NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, "");
	/* The user root follows the kernel's 16 KiB one; hgatp MODE 8 (Sv39x4), PPN 0x80004. */
	cr_expect(strstr(r.out, "root 0x80004000 (hgatp 0x8000000000080004): gstage39, 3 levels of 512 8-byte "
				"entries (2048 at the top level)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "\nL3[2047] "), "%s", r.out);
	cr_expect(strstr(r.out, "\n  L2[511] "), "%s", r.out);
	cr_expect(strstr(r.out, "\n    L1[0] 0x0000000024080013 V R U ppn=0x90200 -> 4K page, va 0x1ffffe00000 -> pa "
				"0x90200000\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* Each bad G-stage config: the exact message, exit 2. */
Test(cli_gstage, bad_configs)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		{ "address_width: 41", "address_width: 39",
		  "6:16: address_width 39 != nr_levels 3 x index bits 9 + offset bits 12 + 2 root bits" },
		{ "va_sign_ext: false", "va_sign_ext: true",
		  "7:14: riscv64x4 (G-stage) guest-physical addresses are 41 bits, not sign-extended (va_sign_ext: false)" },
		{ "ad: svadu }", "ad: svadu, sum: true }", "14:31: cpu key 'sum' does not apply to arch riscv64x4" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[sizeof(sv39x4_config) + 64], expect[512];
		const char *at = strstr(sv39x4_config, cases[i].from);
		struct run_result r;
		char *cfg;

		cr_assert(at);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - sv39x4_config), sv39x4_config, cases[i].to,
			 at + strlen(cases[i].from));
		cfg = write_temp_file(text, ".yaml");
		cr_assert_eq(run_mmusim(&r, "--config", cfg, "mappings", NULL), 0);
		snprintf(expect, sizeof(expect), "mmusim: %s:%s\n", cfg, cases[i].msg);
		expect_run(&r, 2, "", expect);
		run_result_free(&r);
		remove_temp_file(cfg);
	}
}

/* JSON's code pairs them: htval (0x1004 >> 2 = 0x401) << 2 | scause 23 - 20 = 0x1007. */
Test(cli_gstage, json_code_pairs_scause_and_htval)
{
	char *cfg = write_temp_file(sv39x4_config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "--config", cfg, "translate", "--map", "0x1000 0x90000000 0x1000 r",
				"--access", "w", "0x1004", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, "");
	cr_expect(strstr(r.out, "\"fault\":{\"kind\":\"permission\",\"level\":1,\"code\":\"0x1007\""), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
}
