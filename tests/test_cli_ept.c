/*
 * cli_ept: Intel EPT (arch: ept) as a one-stage machine through the binary:
 * GPA -> HPA translations, EPT violations with their exit qualification,
 * misconfigurations read from a hand-built image, EPTP values (dump,
 * --eptp and its refusals) and the config errors.
 *
 * Expected values by hand from the SDM (vol. 3 29.3, table 28-7, 25.6.11):
 * 48-bit GPAs index 47:39, 38:30, 29:21, 20:12; an EPTP is the table | (walk
 * length - 1) << 3 | 6 (write-back); qualification bits 2:0 the access, 5:3
 * the AND of R/W/X over the entries; a misconfiguration has code 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support.h"

/* 4-level EPT over 1 GiB at 0, MAXPHYADDR 46. */
static const char ept_config[] =
	"name: ept4\n"
	"arch: ept\n"
	"base_page_size: 4096\n"
	"nr_levels: 4\n"
	"pte_size: 8\n"
	"address_width: 48\n"
	"va_sign_ext: false\n"
	"highest_translation_level: 3\n"
	"phys_addr_width: 46\n"
	"memory: { base: 0, size: 1G }\n"
	"page_tables:\n"
	"  user:   { top_level_index_range: [0, 256], top_level_can_unmap: true }\n"
	"  kernel: { top_level_index_range: [256, 512], top_level_can_unmap: false }\n"
	"cpu: { ept_ad: false, execute_only: true }\n";

static void expect_run(struct run_result *r, int status, const char *out, const char *err)
{
	cr_expect_eq(r->status, status, "status %d, expected %d; stderr: %s", r->status, status, r->err);
	cr_expect_str_eq(r->out, out);
	cr_expect_str_eq(r->err, err);
}

/* The config with `from` replaced by `to`, as a temporary file. */
static char *config_with(const char *from, const char *to)
{
	char text[sizeof(ept_config) + 128];
	const char *at = strstr(ept_config, from);

	cr_assert(at, "%s", from);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - ept_config), ept_config, to, at + strlen(from));
	return write_temp_file(text, ".yaml");
}

Test(cli_ept, translate_pages_of_each_size)
{
	char *cfg = write_temp_file(ept_config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", "0x1000 0x200000 4K r",
				"--map", "0x40000000 0x20000000 2M rw", "--map", "0x8000000000 0x0 1G rwx",
				"0x1234", "0x401fffff", "0x803fffffff", NULL), 0);
	expect_run(&r, 0,
		   "0x1234 r user: pa 0x200234 (4K page, level 1) perms r--u-\n"
		   "0x401fffff r user: pa 0x201fffff (2M page, level 2) perms rw-u-\n"
		   "0x803fffffff r user: pa 0x3fffffff (1G page, level 3) perms rwxu-\n",
		   "");
	run_result_free(&r);
	remove_temp_file(cfg);
}

Test(cli_ept, violations_and_their_qualification)
{
	char *cfg = write_temp_file(ept_config, ".yaml");
	struct run_result r;

	/* Not present: read (0x1), 5:3 = 0.  A GPA at bit 48: no entry read, no exit. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", "0x1000 0x200000 4K r", "0x5000",
				"0x1000000000000", NULL), 0);
	expect_run(&r, 0,
		   "0x5000 r user: fault not-present at level 1, EPT violation (exit reason 48), exit qualification "
		   "0x1 (read; GPA not readable, not writable, not executable): the EPT PTE is not present "
		   "(bits 2:0, R/W/X, all 0): an EPT violation\n"
		   "0x1000000000000 r user: fault non-canonical (no entry was read), no EPT exit: the VA does not "
		   "fit 48 bits: bits 63:48 are not all 0\n",
		   "");
	run_result_free(&r);
	/* Write to a read-only page: write (0x2) | readable (0x8) = 0xa. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", "0x1000 0x200000 4K r", "--access", "w",
				"0x1234", NULL), 0);
	expect_run(&r, 0,
		   "0x1234 w user: fault permission at level 1, EPT violation (exit reason 48), exit qualification "
		   "0xa (write; GPA readable, not writable, not executable): EPT violation: data write, but W=0 in "
		   "an EPT entry of the walk; refused by the EPT PTE (L1) at 0x4008\n",
		   "");
	run_result_free(&r);
	/* Read from an execute-only page: read (0x1) | executable (0x20) = 0x21; JSON code the same. */
	cr_assert_eq(run_mmusim(&r, "--json", "--config", cfg, "translate", "--map", "0x1000 0x5000 4K x", "0x1000",
				NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x1000\",\"access\":\"r\",\"priv\":\"user\",\"fault\":{\"kind\":\"permission\","
		   "\"level\":1,\"code\":\"0x21\",\"refused_by\":{\"level\":1,\"pte_addr\":\"0x4008\"}}}\n",
		   "");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * Misconfigurations cannot be mapped, so they come from a hand-built raw
 * image at PA 0: PML4 at 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000.
 */
Test(cli_ept, misconfigurations_from_an_image)
{
	static uint64_t mem[0x5000 / 8];
	char *cfg = write_temp_file(ept_config, ".yaml");
	char *img;
	struct run_result r;

	memset(mem, 0, sizeof(mem));
	mem[0x1000 / 8] = 0x2000 | 0x7;
	mem[0x2000 / 8] = 0x3000 | 0x7;
	mem[0x3000 / 8] = 0x4000 | 0x7;
	mem[0x3000 / 8 + 1] = 0x401000 | 0x80 | 0x30 | 0x7; /* PDE 1: 2M leaf with bit 12 */
	mem[0x4000 / 8 + 1] = 0x200000 | 0x38 | 0x1;       /* PTE 1: R, memory type 7 */
	mem[0x4000 / 8 + 2] = 0x201000 | 0x30 | 0x2;       /* PTE 2: W only */
	mem[0x4000 / 8 + 3] = 0x202000 | 0x30 | 0x1;       /* PTE 3: R, WB */
	img = write_temp_bytes(mem, sizeof(mem));
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", img, "--image-base", "0", "--eptp",
				"0x101e", "0x1000", "0x2000", "0x3000", "0x200000", NULL), 0);
	expect_run(&r, 0,
		   "0x1000 r user: fault reserved-bit at level 1, EPT misconfiguration (exit reason 49): EPT "
		   "misconfiguration: the leaf's memory type (bits 5:3) is 2, 3 or 7 (reserved)\n"
		   "0x2000 r user: fault reserved-bit at level 1, EPT misconfiguration (exit reason 49): EPT "
		   "misconfiguration: W=1 with R=0 (bits 2:0 are 010b or 110b)\n"
		   "0x3000 r user: pa 0x202000 (4K page, level 1) perms r--u-\n"
		   "0x200000 r user: fault reserved-bit at level 2, EPT misconfiguration (exit reason 49): EPT "
		   "misconfiguration: reserved address bits of a large page are set (29:12 of a 1 GiB page, 20:12 "
		   "of a 2 MiB page)\n",
		   "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--json", "--config", cfg, "translate", "--image", img, "--image-base", "0",
				"--eptp", "0x101e", "0x2000", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x2000\",\"access\":\"r\",\"priv\":\"user\",\"fault\":{\"kind\":\"reserved-bit\","
		   "\"level\":1,\"code\":\"0x0\"}}\n",
		   "");
	run_result_free(&r);
	remove_temp_file(img);
	remove_temp_file(cfg);
}

/* dump records the EPTP: table 0x1000, walk length 4 (3 << 3), WB (6) = 0x101e; 5 levels 0x1026. */
Test(cli_ept, dump_and_show_name_the_eptp)
{
	char *cfg = write_temp_file(ept_config, ".yaml");
	char *cfg5 = config_with("nr_levels: 4\npte_size: 8\naddress_width: 48",
				 "nr_levels: 5\npte_size: 8\naddress_width: 57");
	char elf[64];
	struct run_result r;

	snprintf(elf, sizeof(elf), "%s.elf", cfg);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "dump", "--elf", elf, "--map", "0x1000 0x200000 4K r", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "root 0x1000, eptp 0x101e"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", elf, "--eptp", "0x101e", "0x1234", NULL), 0);
	expect_run(&r, 0, "0x1234 r user: pa 0x200234 (4K page, level 1) perms r--u-\n", "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--map", "0x1000 0x200000 4K rx", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "root 0x1000 (eptp 0x101e): ept4, 4 levels of 512 8-byte entries\n"), "%s", r.out);
	/* The PTE: R and X (0x5), memory type 6 (0x30). */
	cr_expect(strstr(r.out, "\n      L1[1] 0x0000000000200035 R-X MT=WB addr=0x200000 -> 4K page, va 0x1000 -> pa "
				"0x200000\n"), "%s", r.out);
	run_result_free(&r);
	unlink(elf);
	cr_assert_eq(run_mmusim(&r, "--config", cfg5, "dump", "--elf", elf, NULL), 0);
	cr_expect(strstr(r.out, "root 0x1000, eptp 0x1026"), "%s", r.out);
	run_result_free(&r);
	unlink(elf);
	remove_temp_file(cfg5);
	remove_temp_file(cfg);
}

/* Each EPTP the config cannot use: the exact message, exit 2. */
Test(cli_ept, bad_eptp_values)
{
	static const struct {
		const char *opt, *value, *msg;
	} cases[] = {
		{ "--eptp", "0x1026",
		  "EPTP 0x1026: page-walk length 5 (bits 5:3 = 4) does not match the config's 4-level EPT (bits 5:3 = 3)" },
		{ "--eptp", "0x101a", "EPTP 0x101a: memory type 2 (bits 2:0) is reserved (0 UC or 6 WB)" },
		{ "--eptp", "0x101f", "EPTP 0x101f: memory type 7 (bits 2:0) is reserved (0 UC or 6 WB)" },
		{ "--eptp", "0x111e", "EPTP 0x111e sets reserved bits 0x100 (11:8, or at or above MAXPHYADDR 46)" },
		{ "--eptp", "0x40000000101e",
		  "EPTP 0x40000000101e sets reserved bits 0x400000000000 (11:8, or at or above MAXPHYADDR 46)" },
		{ "--root", "0x1008",
		  "root 0x1008 is not a table address eptp can hold (it would point at 0x1000): a root table is "
		  "aligned, and the bits below are not address bits" },
		{ "--cr3", "0x1000", "--cr3 is not a register of ept: use --eptp" },
	};
	char *cfg = write_temp_file(ept_config, ".yaml");
	char elf[64];
	struct run_result r;

	snprintf(elf, sizeof(elf), "%s.elf", cfg);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "dump", "--elf", elf, "--map", "0x1000 0x200000 4K r", NULL), 0);
	run_result_free(&r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char expect[256];

		cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", elf, cases[i].opt, cases[i].value,
					"0x1234", NULL), 0);
		snprintf(expect, sizeof(expect), "mmusim: %s\n", cases[i].msg);
		expect_run(&r, 2, "", expect);
		run_result_free(&r);
	}
	/* --eptp on another architecture. */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--image", elf, "--eptp", "0x101e", "0x1234",
				NULL), 0);
	expect_run(&r, 2, "", "mmusim: --eptp is not a register of riscv64: use --satp\n");
	run_result_free(&r);
	unlink(elf);
	remove_temp_file(cfg);
}

/* Each bad EPT config: the exact message, exit 2. */
Test(cli_ept, bad_configs)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		{ "va_sign_ext: false", "va_sign_ext: true",
		  "7:14: ept (Intel EPT) guest-physical addresses are 48 bits, not sign-extended (va_sign_ext: false)" },
		{ "address_width: 48", "address_width: 39",
		  "6:16: address_width 39 != nr_levels 4 x index bits 9 + offset bits 12" },
		{ "nr_levels: 4\npte_size: 8\naddress_width: 48", "nr_levels: 3\npte_size: 8\naddress_width: 39",
		  "2:7: ept (Intel EPT) paging has 4 or 5 levels, not 3" },
		{ "highest_translation_level: 3", "highest_translation_level: 4",
		  "8:28: ept maps pages up to 1 GiB: highest_translation_level must be <= 3" },
		{ "phys_addr_width: 46", "phys_addr_width: 53", "2:7: ept physical addresses have at most 52 bits" },
		{ "execute_only: true }", "execute_only: true, sum: true }",
		  "14:43: cpu key 'sum' does not apply to arch ept" },
		{ "ept_ad: false", "ept_ad: 3", "14:16: expected a boolean for cpu.ept_ad" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char expect[512];
		char *cfg = config_with(cases[i].from, cases[i].to);
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "--config", cfg, "mappings", NULL), 0);
		snprintf(expect, sizeof(expect), "mmusim: %s:%s\n", cfg, cases[i].msg);
		expect_run(&r, 2, "", expect);
		run_result_free(&r);
		remove_temp_file(cfg);
	}
}

/* Mappings EPT cannot encode: the exact message, exit 2. */
Test(cli_ept, bad_mappings)
{
	char *cfg = write_temp_file(ept_config, ".yaml");
	char *no_xo = config_with("execute_only: true", "execute_only: false");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", "0x1000 0x200000 4K w", "0x1000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: --map:1: EPT W without R is a misconfiguration: add r\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", no_xo, "translate", "--map", "0x1000 0x200000 4K x", "0x1000", NULL), 0);
	expect_run(&r, 2, "",
		   "mmusim: --map:1: execute-only EPT pages need a CPU that supports them (cpu: execute_only: true)\n");
	run_result_free(&r);
	remove_temp_file(no_xo);
	remove_temp_file(cfg);
}
