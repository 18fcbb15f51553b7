/*
 * test_image_aarch64: the AArch64 register options of `--image` (--ttbr0,
 * --ttbr1, --tcr) and what `dump` records and prints for an aarch64 config,
 * end to end through the mmusim binary.
 *
 * The raw image below is built by hand from the Arm ARM (DDI 0487) D8
 * descriptor formats, 4K granule: bits[1:0] 0b11 = table (levels 0-2) or
 * page (level 3), 0b01 = block; AF bit 10; AP[2:1] bits 7:6 (01: EL1 and
 * EL0 read/write); nG 0 (global: g), UXN = PXN = 0 (executable, but a page
 * EL0 may write is never executable at EL1).  Expected register values are the ones test_aarch64_regs
 * derives field by field from D19.2.
 *
 *   PA 0x40000000  TTBR0 L0: [0] -> 0x40001000
 *      0x40001000  L1:       [0] -> 0x40002000
 *      0x40002000  L2:       [2] -> 0x40003000             (VA 0x400000)
 *      0x40003000  L3:       [0] page 0x50000000, AF, AP 01
 *      0x40004000  TTBR1 L0: [0] -> 0x40005000
 *      0x40005000  L1:       [0] block 0x80000000, AF, AP 00 (1 GiB)
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static void expect_run(struct run_result *r, int status, const char *out, const char *err)
{
	cr_expect_eq(r->status, status, "exit status %d, stderr: %s", r->status, r->err);
	if (out)
		cr_expect_str_eq(r->out, out);
	if (err)
		cr_expect_str_eq(r->err, err);
}

static void put64(uint8_t *img, uint64_t pa, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		img[pa - 0x40000000 + i] = (uint8_t)(v >> (8 * i));
}

/* The raw image of the table above; returns its path. */
static char *raw_tables(void)
{
	static uint8_t img[0x6000];

	memset(img, 0, sizeof(img));
	put64(img, 0x40000000, 0x40001000 | 0x3);
	put64(img, 0x40001000, 0x40002000 | 0x3);
	put64(img, 0x40002000 + 2 * 8, 0x40003000 | 0x3);
	put64(img, 0x40003000, 0x50000000 | 1 << 10 | 1 << 6 | 0x3);
	put64(img, 0x40004000, 0x40005000 | 0x3);
	put64(img, 0x40005000, 0x80000000 | 1 << 10 | 0x1);
	return write_temp_bytes(img, sizeof(img));
}

Test(image_aarch64, raw_image_both_halves_from_the_command_line)
{
	struct run_result r;
	char *raw = raw_tables();

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--image", raw, "--image-base", "0x40000000",
				"--ttbr0", "0x40000000", "--ttbr1", "0x40004000", "--supervisor", "0x400010",
				"0xffff000000001234", NULL), 0);
	expect_run(&r, 0,
		   "0x400010 r supervisor: pa 0x50000010 (4K page, level 1) perms rw-ug\n"
		   "0xffff000000001234 r supervisor: pa 0x80001234 (1G page, level 3) perms rwx-g\n", "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "mappings", "--image", raw, "--image-base", "0x40000000",
				"--ttbr0", "0x40000000", "--ttbr1", "0x40004000", NULL), 0);
	expect_run(&r, 0,
		   "0x400000 0x401000 0x50000000 rwxug\n"
		   "0xffff000000000000 0xffff000040000000 0x80000000 rwx-g\n", "");
	run_result_free(&r);
	remove_temp_file(raw);
}

/*
 * --tcr T0SZ = T1SZ = 25 (39-bit VAs, TG0 00, TG1 10, IPS 010): the walk starts
 * at Arm level 1, so the same root tables read as L1 tables.  TTBR0: L1[0] ->
 * 0x40001000 read as L2, whose entry 2 (VA bits 29:21 of 0x400000) is 0: a
 * translation fault at Arm level 2 (ESR 0x25 << 26 | IL | xFSC 0b000110).
 * TTBR1: L1[0] -> 0x40005000 read as L2, whose entry 0 is a 2 MiB block.
 */
Test(image_aarch64, tcr_sets_the_va_size)
{
	struct run_result r;
	char *raw = raw_tables();

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--image", raw, "--image-base", "0x40000000",
				"--ttbr0", "0x40000000", "--ttbr1", "0x40004000", "--tcr", "0x2b5193519", "--supervisor",
				"0x400010", "0xffffff8000001234", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0x400010 r supervisor: fault not-present at level 2, ESR_EL1 0x96000006 "),
		  "%s", r.out);
	cr_expect(strstr(r.out, "0xffffff8000001234 r supervisor: pa 0x80001234 (2M page, level 2) perms rwx-g\n"),
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(raw);
}

/*
 * --tcr T0SZ 16, T1SZ 25 (0x580190010: TG1 10, IPS 101): each half its own
 * size.  TTBR0's walk is the 48-bit one of the first test (4 levels, the
 * page at 0x50000000).  TTBR1's VAs have 39 bits: the walk starts at Arm
 * level 1, so 0x40004000 reads as an L1 table whose [0] leads to
 * 0x40005000 read as L2, whose [0] is a 2 MiB block; 0xffff000000001234,
 * canonical for 48 bits, is now in neither range (D8.2: a translation fault
 * at level 0, ESR 0x96000004).
 */
Test(image_aarch64, tcr_gives_each_half_its_size)
{
	struct run_result r;
	char *raw = raw_tables();

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--image", raw, "--image-base", "0x40000000",
				"--ttbr0", "0x40000000", "--ttbr1", "0x40004000", "--tcr", "0x580190010", "--supervisor",
				"0x400010", "0xffffff8000001234", "0xffff000000001234", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0x400010 r supervisor: pa 0x50000010 (4K page, level 1) perms rw-ug\n"), "%s", r.out);
	cr_expect(strstr(r.out, "0xffffff8000001234 r supervisor: pa 0x80001234 (2M page, level 2) perms rwx-g\n"),
		  "%s", r.out);
	cr_expect(strstr(r.out, "0xffff000000001234 r supervisor: fault non-canonical (no entry was read), "
				"ESR_EL1 0x96000004 "), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(raw);
}

Test(image_aarch64, raw_image_needs_both_roots)
{
	struct run_result r;
	char *raw = raw_tables();

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--image", raw, "--image-base", "0x40000000",
				"0x400010", NULL), 0);
	expect_run(&r, 2, "", NULL);
	cr_expect(strstr(r.err, ": no root recorded in the image: give --root or --ttbr0\n"), "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--image", raw, "--image-base", "0x40000000",
				"--ttbr0", "0x40000000", "0x400010", NULL), 0);
	expect_run(&r, 2, "", NULL);
	cr_expect(strstr(r.err, ": no ttbr1 recorded in the image: give --ttbr1\n"), "%s", r.err);
	run_result_free(&r);
	remove_temp_file(raw);
}

Test(image_aarch64, bad_register_options)
{
	struct run_result r;
	char *raw = raw_tables();
	static const struct {
		const char *config, *opt, *value, *err;
	} v[] = {
		{ "x86_64", "--ttbr1", "0x1000", "mmusim: --ttbr1 is not a register of x86_64: its one root register is cr3\n" },
		{ "sv39", "--tcr", "0x1000", "mmusim: --tcr is not a register of riscv64\n" },
		{ "x86_64", "--ttbr0", "0x1000", "mmusim: --ttbr0 is not a register of x86_64: use --cr3\n" },
		{ "aarch64", "--ttbr1", "zz", "mmusim: bad ttbr1 'zz' (expected decimal or 0x-hex)\n" },
		{ "aarch64", "--tcr", "zz", "mmusim: bad tcr 'zz' (expected decimal or 0x-hex)\n" },
		/* T1SZ 9: a 55-bit upper half, beyond the 48 bits of the 4K granule */
		{ "aarch64", "--tcr", "0x580090010",
		  "mmusim: TCR_EL1 0x580090010: T1SZ 9 is a 55-bit VA; the 4K granule allows 25 to 48\n" },
		/* a 64K granule (TG0 01, TG1 11) on a 4K config */
		{ "aarch64", "--tcr", "0x5c0104010",
		  "mmusim: TCR_EL1 0x5c0104010: TG0 selects 64K pages but the config has 4K (base_page_size): use a "
		  "config with that granule\n" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cr_assert_eq(run_mmusim(&r, "--config", v[i].config, "translate", "--image", raw, "--image-base",
					"0x40000000", v[i].opt, v[i].value, "0x400010", NULL), 0);
		expect_run(&r, 2, "", v[i].err);
		run_result_free(&r);
	}
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--ttbr1", "0x1000", "0x400010", NULL), 0);
	expect_run(&r, 2, "", "mmusim: --root, --stage2-root, the root registers (--cr3, --satp, ...), --ttbr1, --tcr and "
		   "--image-base need --image FILE\n");
	run_result_free(&r);
	remove_temp_file(raw);
}

/*
 * dump on aarch64: the kernel table (TTBR1) is made first at the base of
 * memory (0x40000000), ASID 0's user table (TTBR0) next; TCR_EL1 for the
 * preset (4K, 48-bit VA and PA, AS, HA, HD) is 0x195b5103510, SCTLR_EL1
 * M|C|I|SPAN with Linux's RES1 bits 0x30d01805, MAIR_EL1 the preset's.
 */
Test(image_aarch64, dump_prints_and_records_the_registers)
{
	struct run_result r;
	char *trace = write_temp_file("map 0x400000 0x50000000 8K rxu\nmap 0xffff000000000000 0x80000000 1G rwg\n",
				      ".trace");
	char elf[64];

	snprintf(elf, sizeof(elf), "%s.elf", trace);
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "--json", "dump", "--elf", elf, "--setup", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\",\"ttbr0\":\"0x40001000\",\"ttbr1\":\"0x40000000\",\"tcr\":\"0x195b5103510\","
				"\"mair\":\"0xbb4400ff\",\"sctlr\":\"0x30d01805\"}\n"), "%s", r.out);
	cr_expect(strncmp(r.out, "{\"elf\":\"", 8) == 0, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "dump", "--elf", elf, "--setup", trace, NULL), 0);
	cr_expect(strstr(r.out, ": ttbr0 0x40001000, ttbr1 0x40000000, tcr 0x195b5103510, mair 0xbb4400ff, "
				"sctlr 0x30d01805\n"), "%s", r.out);
	run_result_free(&r);

	/* The notes give both roots: no register option needed. */
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "mappings", "--image", elf, NULL), 0);
	expect_run(&r, 0,
		   "0x400000 0x402000 0x50000000 r-xu-\n"
		   "0xffff000000000000 0xffff000040000000 0x80000000 rw--g\n", "");
	run_result_free(&r);
	/* ... and the recorded TCR applies unless --tcr says otherwise: 39 bits read the same tables wrongly. */
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--image", elf, "--tcr", "0x2b5193519",
				"0x400010", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0x400010 r user: fault "), "%s", r.out);
	run_result_free(&r);
	unlink(elf);
	remove_temp_file(trace);
}
