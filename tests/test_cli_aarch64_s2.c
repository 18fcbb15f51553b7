/*
 * cli_aarch64_s2: the AArch64 stage-2 format (arch: aarch64_stage2) as a
 * one-stage IPA -> PA machine through the binary: translations across the
 * two concatenated tables of a 40-bit IPA started at level 1, stage-2 faults
 * as ESR_EL2, mappings, the 1024-entry root in `show`, dumps and images with
 * VTTBR_EL2 / VTCR_EL2, and the config errors.
 *
 * Expected values by hand from the Arm ARM (D8, D19 ESR_EL2): 4K granule,
 * T0SZ 24 (40-bit IPA), SL0 0b01 (start at level 1): the root indexes
 * IPA[39:30] over two concatenated 4 KiB tables (8 KiB, 8 KiB-aligned);
 * ESR_EL2 = EC (0x24 data, 0x20 instruction) << 26 | IL | WnR << 6 | xFSC.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

/* The kernel kind's root takes the first 8 KiB of memory, the user table's the next. */
static const char s2_config[] =
	"name: s2_40\n"
	"arch: aarch64_stage2\n"
	"base_page_size: 4096\n"
	"nr_levels: 3\n"
	"pte_size: 8\n"
	"address_width: 40\n"
	"va_sign_ext: false\n"
	"highest_translation_level: 3\n"
	"phys_addr_width: 48\n"
	"memory: { base: 0x40000000, size: 1G }\n"
	"page_tables:\n"
	"  user:   { top_level_index_range: [0, 512], top_level_can_unmap: true }\n"
	"  kernel: { top_level_index_range: [512, 1024], top_level_can_unmap: false }\n"
	"cpu: { ha: true, hd: true, vmid16: true, xnx: false }\n";

/* IPA bit 39 set: root entry 512, the second concatenated table's first; and a 1 GiB block at the top. */
#define MAP_HIGH "0x8000001000 0x50000000 0x1000 rw"
#define MAP_BLOCK "0xffc0000000 0x80000000 0x40000000 rx"

static void expect_run(struct run_result *r, int status, const char *out, const char *err)
{
	cr_expect_eq(r->status, status, "status %d, expected %d; stderr: %s", r->status, status, r->err);
	cr_expect_str_eq(r->out, out);
	cr_expect_str_eq(r->err, err);
}

Test(cli_aarch64_s2, translate_across_concatenated_tables)
{
	char *cfg = write_temp_file(s2_config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", MAP_HIGH, "--map", MAP_BLOCK,
				"0x8000001234", "0xffc0123456", NULL), 0);
	expect_run(&r, 0,
		   "0x8000001234 r user: pa 0x50000234 (4K page, level 1) perms rw-u-\n"
		   "0xffc0123456 r user: pa 0x80123456 (1G page, level 3) perms r-xu-\n",
		   "");
	run_result_free(&r);
	remove_temp_file(cfg);
}

Test(cli_aarch64_s2, stage2_fault_messages)
{
	char *cfg = write_temp_file(s2_config, ".yaml");
	struct run_result r;

	/* 0x9000000000: root entry 576, empty (translation level 1); bit 40: above T0SZ's 40 bits (level 0). */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", MAP_HIGH, "0x9000000000",
				"0x10000000000", NULL), 0);
	expect_run(&r, 0,
		   "0x9000000000 r user: fault not-present at level 3, ESR_EL2 0x92000005 (data abort from a lower EL, "
		   "translation fault level 1): the stage-2 L1 descriptor is invalid (bit 0 clear)\n"
		   "0x10000000000 r user: fault non-canonical (no entry was read), ESR_EL2 0x92000004 (data abort from a "
		   "lower EL, translation fault level 0): the VA does not fit 40 bits: bits 63:40 are not all 0\n",
		   "");
	run_result_free(&r);
	/* A fetch from the rw page (XN): instruction abort, permission level 3, whatever the EL. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", MAP_HIGH, "--access", "x", "--supervisor",
				"0x8000001234", NULL), 0);
	expect_run(&r, 0,
		   "0x8000001234 x supervisor: fault permission at level 1, ESR_EL2 0x8200000f (instruction abort from a "
		   "lower EL, permission fault level 3): instruction fetch, but stage 2 says execute-never (XN, or "
		   "XN[1:0] for this EL with FEAT_XNX); refused by the stage-2 L3 descriptor (L1) at 0x40005008\n",
		   "");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* A store to a read-only page: WnR, permission level 3 = 0x24 << 26 | 1 << 25 | 1 << 6 | 0b001111. */
Test(cli_aarch64_s2, json_code_is_esr_el2)
{
	char *cfg = write_temp_file(s2_config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "--config", cfg, "translate", "--map", "0x1000 0x50000000 0x1000 r",
				"--access", "w", "0x1004", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, "");
	cr_expect(strstr(r.out, "\"fault\":{\"kind\":\"permission\",\"level\":1,\"code\":\"0x9200004f\""), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
}

Test(cli_aarch64_s2, mappings)
{
	char *cfg = write_temp_file(s2_config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "mappings", "--map", MAP_HIGH, "--map", MAP_BLOCK, NULL), 0);
	expect_run(&r, 0,
		   "0x8000001000 0x8000002000 0x50000000 rw-u-\n"
		   "0xffc0000000 0x10000000000 0x80000000 r-xu-\n",
		   "");
	run_result_free(&r);
	remove_temp_file(cfg);
}

Test(cli_aarch64_s2, show_draws_the_concatenated_root)
{
	char *cfg = write_temp_file(s2_config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--map", MAP_BLOCK, NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, "");
	/* The user root follows the kernel's 8 KiB one; VTTBR_EL2 with VMID 0 is BADDR itself. */
	cr_expect(strstr(r.out, "root 0x40002000 (vttbr 0x40002000): s2_40, 3 levels of 512 8-byte entries (1024 at "
				"the top level)\n"), "%s", r.out);
	/* Entry 1023 (IPA[39:30] all ones): a 1 GiB block, S2AP=01, AF clear, no XN, Normal WB. */
	cr_expect(strstr(r.out, "\nL3[1023] 0x000000008000037d block MemAttr=0xf (Normal WB) S2AP=01 (RO) SH=3 "
				"oa=0x80000000 -> 1G page, va 0xffc0000000 -> pa 0x80000000\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* dump --elf records VTTBR_EL2 and VTCR_EL2; --image reads them back (T0SZ 24, SL0 0b01). */
Test(cli_aarch64_s2, dump_and_image)
{
	char *cfg = write_temp_file(s2_config, ".yaml");
	char *elf = write_temp_file("", ".elf");
	struct run_result r;
	char expect[256];

	cr_assert_eq(run_mmusim(&r, "--json", "--config", cfg, "dump", "--elf", elf, "--map", MAP_HIGH, NULL), 0);
	snprintf(expect, sizeof(expect), "{\"elf\":\"%s\",\"root\":\"0x40002000\",\"vttbr\":\"0x40002000\"}\n", elf);
	expect_run(&r, 0, expect, "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", elf, "0x8000001234", NULL), 0);
	expect_run(&r, 0, "0x8000001234 r user: pa 0x50000234 (4K page, level 1) perms rw-u-\n", "");
	run_result_free(&r);
	/* The kernel kind's 8 KiB root at 0x40000000 holds IPA[39] = 1: an 8 KiB-aligned --root. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", elf, "--root", "0x40000000",
				"0x8000001234", NULL), 0);
	expect_run(&r, 0, "0x8000001234 r user: pa 0x50000234 (4K page, level 1) perms rw-u-\n", "");
	run_result_free(&r);
	/* A root inside the concatenated pair is no table VTTBR_EL2 can name. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", elf, "--root", "0x40001000",
				"0x8000001234", NULL), 0);
	expect_run(&r, 2, "",
		   "mmusim: root 0x40001000 is not a table address vttbr can hold: VTTBR_EL2 "
		   "0x40001000: BADDR is not aligned to the 8192-byte root (1024 entries, concatenated "
		   "tables)\n");
	run_result_free(&r);
	remove_temp_file(elf);
	remove_temp_file(cfg);
}

/* Each bad stage-2 config: the exact message, exit 2. */
Test(cli_aarch64_s2, bad_configs)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		/* T0SZ 20 with SL0 = level 1: 14 bits at level 1 would be 32 tables. */
		{ "address_width: 40", "address_width: 44",
		  "6:16: address_width 44 needs other than 3 levels of 9 index bits above 12 offset bits (the top level "
		  "resolves 1 to 13 bits: up to 16 concatenated tables)" },
		{ "va_sign_ext: false", "va_sign_ext: true",
		  "7:14: aarch64_stage2 intermediate physical addresses are 40 bits, not sign-extended (va_sign_ext: false)" },
		{ "phys_addr_width: 48", "phys_addr_width: 36",
		  "9:18: aarch64_stage2: a 40-bit IPA (VTCR_EL2.T0SZ 24) is larger than the 36-bit PA size (VTCR_EL2.PS, "
		  "phys_addr_width 36), which the Arm ARM leaves CONSTRAINED UNPREDICTABLE" },
		/* SL0 = level 0 needs PS >= 44 bits. */
		{ "nr_levels: 3\npte_size: 8\naddress_width: 40\nva_sign_ext: false\nhighest_translation_level: 3\n"
		  "phys_addr_width: 48",
		  "nr_levels: 4\npte_size: 8\naddress_width: 40\nva_sign_ext: false\nhighest_translation_level: 3\n"
		  "phys_addr_width: 40",
		  "4:12: aarch64_stage2: starting at level 0 (nr_levels 4, VTCR_EL2.SL0 0b10) with the 4K granule needs a "
		  "PA size of 44 bits or more (VTCR_EL2.PS), not 40" },
		/* Blocks are at levels 1 and 2 (4K): level 3's mmusim number is 3. */
		{ "highest_translation_level: 3", "highest_translation_level: 4",
		  "8:28: highest_translation_level 4 must be between 1 and nr_levels 3" },
		{ "xnx: false }", "xnx: false, sum: true }", "14:54: cpu key 'sum' does not apply to arch aarch64_stage2" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[sizeof(s2_config) + 64], expect[512];
		const char *at = strstr(s2_config, cases[i].from);
		struct run_result r;
		char *cfg;

		cr_assert(at);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - s2_config), s2_config, cases[i].to,
			 at + strlen(cases[i].from));
		cfg = write_temp_file(text, ".yaml");
		cr_assert_eq(run_mmusim(&r, "--config", cfg, "mappings", NULL), 0);
		snprintf(expect, sizeof(expect), "mmusim: %s:%s\n", cfg, cases[i].msg);
		expect_run(&r, 2, "", expect);
		run_result_free(&r);
		remove_temp_file(cfg);
	}
}
