/*
 * cli_arm_addr_size: an AArch64 address size fault names the address that is
 * too wide.  Arm ARM D8 ("Address size fault"): the fault is raised when the
 * output address of a block or page descriptor, the next-level table address
 * of a table descriptor, or the table base in TTBRn_EL1 (VTTBR_EL2 at stage
 * 2) has bits set at or above the PA size TCR_EL1.IPS (VTCR_EL2.PS) gives;
 * the fault is reported at the level of the descriptor, level 0 for a TTBR.
 *
 * A 40-bit PA size (IPS 0b010), RAM at 0x40000000: VA 0x400000's tables are
 * TTBR0's root 0x40001000, then 0x40002000, 0x40003000 (its level-2
 * descriptor at 0x40003010) and 0x40004000 (its level-3 page descriptor).
 * Bit 40 is the first bit above the PA size: ESR_EL1 EC 0x24 (data abort
 * from EL0), IL, DFSC 0b0000ll = address size fault at level ll.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"
#include "temp_dir.h"

static const char a40[] = "extends: aarch64\nphys_addr_width: 40\nmemory: { base: 0x40000000, size: 1G }\n";
static const char s2_40[] =
	"name: s2_40\narch: aarch64_stage2\nbase_page_size: 4096\nnr_levels: 3\npte_size: 8\naddress_width: 40\n"
	"va_sign_ext: false\nhighest_translation_level: 3\nphys_addr_width: 40\n"
	"memory: { base: 0x40000000, size: 1G }\n"
	"page_tables:\n  user:   { top_level_index_range: [0, 512], top_level_can_unmap: true }\n"
	"  kernel: { top_level_index_range: [512, 1024], top_level_can_unmap: false }\n";

static void expect_translate(const char *config_text, const char *setup_text, const char *va, const char *line)
{
	char *config = write_temp_file(config_text, ".yaml");
	char *setup = write_temp_file(setup_text, ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", config, "translate", "--setup", setup, va, NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, line);
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	remove_temp_file(config);
	remove_temp_file(setup);
}

Test(cli_arm_addr_size, page_output_address)
{
	expect_translate(a40, "map 0x400000 0x80000000 4K rwu\npoke 0x40004000 0x0060010080000fc3\n", "0x400000",
			 "0x400000 r user: fault reserved-bit at level 1, ESR_EL1 0x92000003 (data abort from EL0, address "
			 "size fault, level 3): the output address bit 40 is set, above the 40-bit PA size "
			 "(TCR_EL1.IPS)\n");
}

Test(cli_arm_addr_size, next_level_table_address)
{
	expect_translate(a40, "map 0x400000 0x80000000 4K rwu\npoke 0x40003010 0x0000010040004003\n", "0x400000",
			 "0x400000 r user: fault reserved-bit at level 2, ESR_EL1 0x92000002 (data abort from EL0, address "
			 "size fault, level 2): the next-level table address bit 40 is set, above the 40-bit PA "
			 "size (TCR_EL1.IPS)\n");
}

/* Several bits above the PA size are named as runs, highest first: 47:46 and 40 of 0x0000c10080000fc3. */
Test(cli_arm_addr_size, page_output_address_bits_named)
{
	expect_translate(a40, "map 0x400000 0x80000000 4K rwu\npoke 0x40004000 0x0060c10080000fc3\n", "0x400000",
			 "0x400000 r user: fault reserved-bit at level 1, ESR_EL1 0x92000003 (data abort from EL0, address "
			 "size fault, level 3): the output address bits 47:46 and 40 are set, above the 40-bit PA size "
			 "(TCR_EL1.IPS)\n");
}

/* Stage 2 as a one-stage machine: IPA 0x1000's root (2 concatenated tables) at 0x40002000, then 0x40004000, 0x40005000. */
Test(cli_arm_addr_size, stage2_next_level_table_address)
{
	expect_translate(s2_40, "map 0x1000 0x80000000 4K rw\npoke 0x40002000 0x0000010040004003\n", "0x1000",
			 "0x1000 r user: fault reserved-bit at level 3, ESR_EL2 0x92000001 (data abort from a lower EL, "
			 "address size fault level 1): the next-level table address has bits set above the PA size "
			 "(VTCR_EL2.PS)\n");
}

/* A TTBR0_EL1 base with bit 40 set: no descriptor is read, the fault is at level 0. */
Test(cli_arm_addr_size, ttbr_table_address)
{
	char *config = write_temp_file(a40, ".yaml");
	char *dir = temp_dir_create();
	char *elf = temp_dir_path(dir, "a40.elf");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", config, "dump", "--map", "0x400000 0x80000000 4K rwu", "--elf", elf, NULL), 0);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", config, "translate", "--image", elf, "--ttbr0", "0x10000000000", "0x400000",
				NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "0x400000 r user: fault reserved-bit at level 4, ESR_EL1 0x92000000 (data abort from EL0, "
				"address size fault, level 0): the TTBR's table address has bits set above the PA size "
				"(TCR_EL1.IPS)\n");
	run_result_free(&r);
	free(elf);
	temp_dir_remove(dir);
	remove_temp_file(config);
}
