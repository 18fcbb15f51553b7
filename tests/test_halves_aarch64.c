/*
 * End to end: AArch64 halves of different VA sizes (TCR_EL1.T0SZ != T1SZ,
 * the config's upper_address_width) through the mmusim binary.
 *
 * Expected values from the Arm ARM (DDI 0487) D8.2: TTBR0 translates
 * [0, 2^(64-T0SZ)), TTBR1 [2^64 - 2^(64-T1SZ), 2^64); each walk starts at
 * the initial lookup level its own TxSZ gives (4K granule: 48 bits at level
 * 0, four lookups; 39 bits at level 1, three); a VA in neither range is a
 * Translation fault at level 0.  TCR_EL1 fields from D19.2: T0SZ [5:0],
 * T1SZ [21:16].
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* 4K: a 48-bit TTBR0 half (the preset's) and a 39-bit TTBR1 half. */
#define CONFIG_48_39 "extends: aarch64\nname: a48-39\nupper_address_width: 39\n"
#define KERNEL_MAP "0xffffffc000200000 0x80000000 2M rw"
#define USER_MAP "0x0000800000400000 0x50000000 4K rwu"

Test(halves_aarch64, translate_and_mappings)
{
	char *cfg = write_temp_file(CONFIG_48_39, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", KERNEL_MAP, "--map", USER_MAP,
				"--supervisor", "0xffffffc000212345", "0x0000800000400010", "0xffff000000000000",
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	/* TTBR1: Arm level 1 (the initial level), then a 2 MiB block at level 2 = mmusim level 2. */
	cr_expect(strstr(r.out, "0xffffffc000212345 r supervisor: pa 0x80012345 (2M page, level 2) "), "%s", r.out);
	/* TTBR0: VA bit 47 set, in range for 48 bits; a page at Arm level 3. */
	cr_expect(strstr(r.out, "0x800000400010 r supervisor: pa 0x50000010 (4K page, level 1) "), "%s", r.out);
	/* 2^64 - 2^48 is below 2^64 - 2^39: ESR 0x96000004, translation fault at level 0. */
	cr_expect(strstr(r.out, "0xffff000000000000 r supervisor: fault non-canonical (no entry was read), "
				"ESR_EL1 0x96000004 "), "%s", r.out);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "mappings", "--map", KERNEL_MAP, "--map", USER_MAP, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "0x800000400000 0x800000401000 0x50000000 rw-u-\n"
				"0xffffffc000200000 0xffffffc000400000 0x80000000 rw---\n");
	run_result_free(&r);

	/* Mapping a 48-bit kernel VA: in neither half, both named. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", "0xffff000000000000 0x80000000 4K rw",
				"0", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: --map:1: VA 0xffff000000000000 is in neither half: the lower is "
				"[0, 0xffffffffffff], the upper [0xffffff8000000000, 0xffffffffffffffff]\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * Cold walks read one descriptor per lookup: two for the 2 MiB block in the
 * 39-bit TTBR1 half (the level 1 table, the level 2 block; a 48-bit half
 * would read three), four for the page in the 48-bit TTBR0 half (walk caches
 * all miss on a first walk); the third access hits the TLB.
 */
Test(halves_aarch64, replay_reads_each_halfs_levels)
{
	char *cfg = write_temp_file(CONFIG_48_39, ".yaml");
	char *trace = write_temp_file("map " KERNEL_MAP "\nmap " USER_MAP "\npriv supervisor\n"
				      "r 0xffffffc000200010\nr 0x0000800000400010\nr 0xffffffc000200020\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"walks\":2,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"pte_reads\":6,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/*
 * dump --elf records TCR_EL1 with both sizes; --image on the 48/48 preset
 * takes them from the dump's notes and walks TTBR1's table from level 1.
 */
Test(halves_aarch64, dump_records_both_sizes)
{
	char *cfg = write_temp_file(CONFIG_48_39, ".yaml");
	char *elf = write_temp_file("", ".elf");
	struct run_result r;
	const char *tcr;
	unsigned long long v;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "dump", "--elf", elf, "--map", KERNEL_MAP, "--map",
				USER_MAP, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_assert((tcr = strstr(r.out, "\"tcr\":\"")), "%s", r.out);
	v = strtoull(tcr + 7, NULL, 16);
	cr_expect_eq(v & 0x3f, 16, "T0SZ: 64 - 48");
	cr_expect_eq(v >> 16 & 0x3f, 25, "T1SZ: 64 - 39");
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--image", elf, "--supervisor",
				"0xffffffc000212345", "0x0000800000400010", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0xffffffc000212345 r supervisor: pa 0x80012345 (2M page, level 2) "), "%s", r.out);
	cr_expect(strstr(r.out, "0x800000400010 r supervisor: pa 0x50000010 (4K page, level 1) "), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(elf);
	remove_temp_file(cfg);
}
