/*
 * test_config_toy: the toy format's `toy:` block (sim/config_toy.c,
 * pt/arch_toy.c check_limits): the preset, and one test per bad field, each
 * answered with "file:line:column: message" at the key at fault.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "pt/pt_arch.h"
#include "formats/config.h"

Test(config_toy, preset_describes_the_hand_sized_mmu)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_preset("toy", &cfg, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(cfg.arch, &pt_arch_toy);
	cr_expect_eq(cfg.pc.base_page_size, 64);
	cr_expect_eq(cfg.pc.nr_levels, 2);
	cr_expect_eq(cfg.pc.pte_size, 2);
	cr_expect_eq(cfg.pc.address_width, 16);
	cr_expect_eq(cfg.pc.phys_addr_width, 16);
	cr_expect_eq(cfg.pc.index_bits, 5);
	cr_expect_eq(cfg.pc.nr_entries, 32);
	cr_expect_eq(cfg.pc.highest_translation_level, 2, "a huge bit allows level-2 leaves");
	cr_expect_eq(cfg.pc.layout.valid, 0);
	cr_expect_eq(cfg.pc.layout.huge, 5);
	cr_expect_eq(cfg.pc.layout.accessed, -1, "absent fields are -1");
	cr_expect_eq(cfg.pc.layout.frame_shift, 6);
	cr_expect_eq(cfg.pc.layout.frame_width, 10);
	cr_expect(!cfg.pc.va_sign_ext);
}

/* OSTEP's paging-multilevel-translate.py: 32-byte pages, 5+5+5 VA bits, VALID bit 7 | PFN 6:0, 4 KiB. */
Test(config_toy, ostep_preset_is_the_homework_mmu)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_preset("ostep", &cfg, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(cfg.arch, &pt_arch_toy);
	cr_expect_eq(cfg.pc.base_page_size, 32);
	cr_expect_eq(cfg.pc.page_shift, 5);
	cr_expect_eq(cfg.pc.nr_levels, 2);
	cr_expect_eq(cfg.pc.pte_size, 1);
	cr_expect_eq(cfg.pc.index_bits, 5);
	cr_expect_eq(cfg.pc.nr_entries, 32);
	cr_expect_eq(cfg.pc.address_width, 15);
	cr_expect_eq(cfg.pc.phys_addr_width, 12);
	cr_expect_eq(cfg.pc.highest_translation_level, 1, "no huge bit: leaves only in the page table");
	cr_expect_eq(cfg.pc.layout.valid, 7);
	cr_expect_eq(cfg.pc.layout.read, -1, "no permission bits: every access granted");
	cr_expect_eq(cfg.pc.layout.write, -1);
	cr_expect_eq(cfg.pc.layout.user, -1);
	cr_expect_eq(cfg.pc.layout.frame_shift, 0);
	cr_expect_eq(cfg.pc.layout.frame_width, 7);
	cr_expect_eq(cfg.mem_size, 4096);
}

Test(config_toy, one_byte_ptes_without_huge_bit)
{
	static const char yaml[] =
		"name: tiny\narch: toy\n"
		"toy: { va_bits: 12, page_size: 64, levels: 1, pte_size: 1, pa_bits: 10,\n"
		"       valid: 0, read: 1, write: 2, user: 3, frame_shift: 4, frame_width: 4 }\n"
		"memory: { base: 0, size: 1K }\n"
		"page_tables:\n"
		"  user: { top_level_index_range: [0, 32], top_level_can_unmap: true }\n"
		"  kernel: { top_level_index_range: [32, 64], top_level_can_unmap: false }\n";
	struct machine_config cfg;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_string(yaml, sizeof(yaml) - 1, "tiny.yaml", &cfg, &err), MM_OK, "%s",
		     err.msg);
	cr_expect_eq(cfg.pc.nr_entries, 64);
	cr_expect_eq(cfg.pc.highest_translation_level, 1);
	cr_expect_eq(cfg.pc.layout.exec, -1);
	cr_expect_eq(cfg.pc.layout.huge, -1);
}

/* A linear table of 4 entries (OSTEP's 16k / 4k): fewer than the 1024 a 4k page of 4-byte PTEs holds. */
Test(config_toy, top_entries_partial)
{
	static const char yaml[] =
		"name: lin\narch: toy\n"
		"toy: { va_bits: 14, page_size: 4096, levels: 1, pte_size: 4, pa_bits: 17, top_entries: 4,\n"
		"       valid: 31, frame_shift: 0, frame_width: 5 }\n"
		"memory: { base: 0, size: 128K }\n"
		"page_tables:\n"
		"  user: { top_level_index_range: [0, 3], top_level_can_unmap: true }\n"
		"  kernel: { top_level_index_range: [3, 4], top_level_can_unmap: false }\n";
	struct machine_config cfg;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_string(yaml, sizeof(yaml) - 1, "lin.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(cfg.pc.nr_entries, 1024);
	cr_expect_eq(cfg.pc.top_entries, 4);
	cr_expect_eq(cfg.pc.wide_top_bits, 0);
	cr_expect_eq(pc_index(&cfg.pc, 0x3fff, 1), 3);
}

/* 1024 entries of 4 bytes with 1k pages: the table spans four pages (OSTEP's -a 1m -P 1k). */
Test(config_toy, top_entries_wide)
{
	static const char yaml[] =
		"name: lin\narch: toy\n"
		"toy: { va_bits: 20, page_size: 1024, levels: 1, pte_size: 4, pa_bits: 22, top_entries: 1024,\n"
		"       valid: 31, frame_shift: 0, frame_width: 12 }\n"
		"memory: { base: 0, size: 4M }\n"
		"page_tables:\n"
		"  user: { top_level_index_range: [0, 1023], top_level_can_unmap: true }\n"
		"  kernel: { top_level_index_range: [1023, 1024], top_level_can_unmap: false }\n";
	struct machine_config cfg;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_string(yaml, sizeof(yaml) - 1, "lin.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(cfg.pc.nr_entries, 256);
	cr_expect_eq(cfg.pc.top_entries, 1024);
	cr_expect_eq(cfg.pc.wide_top_bits, 2);
	cr_expect_eq(pc_index(&cfg.pc, 0xf8b50, 1), 994);
}

struct bad_toy {
	char name[40];
	char yaml[320];
	char message[160];
};

static struct bad_toy bad_toys[] = {
	{ "huge_bit_with_one_level",
	  "extends: toy\nname: t\ntoy: { levels: 1, va_bits: 11 }\npage_tables:\n"
	  "  user: { top_level_index_range: [0, 16] }\n  kernel: { top_level_index_range: [16, 32] }\n",
	  "t.yaml:3:16: huge: with one level there are no huge pages" },
	{ "unknown_key",
	  "extends: toy\nname: t\ntoy: { colour: 3 }\n",
	  "t.yaml:3:8: unknown key 'colour' in toy" },
	{ "missing_valid",
	  "name: t\narch: toy\ntoy: { va_bits: 16, page_size: 64, levels: 2, pte_size: 2, pa_bits: 16, frame_shift: 6, frame_width: 10 }\nmemory: { base: 0, size: 64K }\npage_tables:\n  user: { top_level_index_range: [0, 16], top_level_can_unmap: true }\n  kernel: { top_level_index_range: [16, 32], top_level_can_unmap: false }\n",
	  "t.yaml:3:6: missing key 'valid' in toy" },
	{ "va_bits_mismatch",
	  "extends: toy\nname: t\ntoy: { va_bits: 17 }\n",
	  "t.yaml:3:17: toy.va_bits 17 != levels 2 x 5 index bits + 6 offset bits = 16 (a 64-byte node holds 32 2-byte PTEs)" },
	{ "page_size_not_pow2",
	  "extends: toy\nname: t\ntoy: { page_size: 48 }\n",
	  "t.yaml:3:19: toy.page_size 48 must be a power of two from 32 to 1G" },
	{ "page_size_below_32",
	  "extends: toy\nname: t\ntoy: { page_size: 16 }\n",
	  "t.yaml:3:19: toy.page_size 16 must be a power of two from 32 to 1G" },
	{ "pte_size_3",
	  "extends: toy\nname: t\ntoy: { pte_size: 3 }\n",
	  "t.yaml:3:18: toy.pte_size 3 must be 1, 2, 4 or 8" },
	{ "levels_0",
	  "extends: toy\nname: t\ntoy: { levels: 0 }\n",
	  "t.yaml:3:16: toy.levels 0 must be from 1 to 5" },
	{ "pa_bits_too_small",
	  "extends: toy\nname: t\ntoy: { pa_bits: 6 }\n",
	  "t.yaml:3:17: toy.pa_bits 6 must be more than the 6 offset bits and at most 64" },
	{ "bit_outside_pte",
	  "extends: toy\nname: t\ntoy: { valid: 16 }\n",
	  "t.yaml:3:15: valid: bit 16 is outside the 16-bit PTE" },
	{ "bits_overlap",
	  "extends: toy\nname: t\ntoy: { write: 1 }\n",
	  "t.yaml:3:15: write: bit 1 is already used by another field" },
	{ "flag_inside_frame_field",
	  "extends: toy\nname: t\ntoy: { exec: 7 }\n",
	  "t.yaml:3:14: exec: bit 7 is already used by another field" },
	{ "frame_field_outside_pte",
	  "extends: toy\nname: t\ntoy: { frame_shift: 8 }\n",
	  "t.yaml:3:21: frame_width: the frame field (frame_shift 8, frame_width 10) must lie within the 16-bit PTE" },
	{ "frame_too_narrow_for_pa",
	  "extends: toy\nname: t\ntoy: { frame_width: 8 }\n",
	  "t.yaml:3:21: frame_width: 8 frame bits and 6 offset bits cannot reach pa_bits 16" },
	{ "top_entries_not_pow2",
	  "extends: toy\nname: t\ntoy: { top_entries: 12 }\n",
	  "t.yaml:3:21: toy.top_entries 12 must be a power of two from 2 to 536870912" },
	{ "top_entries_va_bits_mismatch",
	  "extends: toy\nname: t\ntoy: { top_entries: 4 }\n",
	  "t.yaml:3:21: toy.va_bits 16 != (levels 2 - 1) x 5 index bits + 6 offset bits + 2 top index bits (top_entries 4) = 13" },
	{ "bit_not_a_number",
	  "extends: toy\nname: t\ntoy: { read: r }\n",
	  "t.yaml:3:14: expected a number for toy.read" },
	{ "top_level_consts_refused",
	  "extends: toy\nname: t\nnr_levels: 2\n",
	  "t.yaml:3:12: nr_levels is set by the toy: block with arch toy" },
	{ "arch_not_toy_with_toy_preset",
	  "extends: toy\nname: t\narch: x86_64\n",
	  "t.yaml:3:7: a toy: block needs arch: toy, not x86_64" },
	{ "toy_block_without_arch_toy",
	  "extends: x86_64\nname: t\ntoy: { valid: 0 }\n",
	  "t.yaml:3:6: a toy: block needs arch: toy, not x86_64" },
	{ "cpu_key_refused",
	  "extends: toy\nname: t\ncpu: { wp: true }\n",
	  "t.yaml:3:8: cpu key 'wp' does not apply to arch toy" },
	{ "toy_not_a_mapping",
	  "extends: toy\nname: t\ntoy: [1]\n",
	  "t.yaml:3:6: expected a mapping for toy" },
	{ "bit_out_of_range",
	  "extends: toy\nname: t\ntoy: { valid: 64 }\n",
	  "t.yaml:3:15: toy.valid 64 is out of range (at most 63)" },
};

ParameterizedTestParameters(config_toy, bad_field)
{
	return cr_make_param_array(struct bad_toy, bad_toys, sizeof(bad_toys) / sizeof(bad_toys[0]));
}

ParameterizedTest(struct bad_toy *b, config_toy, bad_field)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };

	cr_expect_eq(config_load_string(b->yaml, strlen(b->yaml), "t.yaml", &cfg, &err), MM_EINVAL,
		     "%s", b->name);
	cr_expect_str_eq(err.msg, b->message, "%s", b->name);
}
