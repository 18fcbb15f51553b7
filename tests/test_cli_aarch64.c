/*
 * End to end: the aarch64 presets through the mmusim binary.  Addresses were
 * worked out by hand: RAM starts at 0x40000000, the kernel (TTBR1) root is its
 * first frame, the user (TTBR0) root the second, and the first map allocates
 * the levels below in order.  ESR_EL1 values from the Arm ARM (D19, ESR_EL1:
 * EC 0x24/0x25 data abort from EL0/EL1, 0x20/0x21 instruction abort, IL bit
 * 25, WnR bit 6, DFSC bits 5:0 = class | level).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "temp_dir.h"

static void expect_run(struct run_result *r, int status, const char *out, const char *err)
{
	cr_expect_eq(r->status, status, "exit status %d, stderr: %s", r->status, r->err);
	if (out)
		cr_expect_str_eq(r->out, out);
	if (err)
		cr_expect_str_eq(r->err, err);
}

#define USER_MAP "0x400000 0x40200000 64K rxu"
#define KERNEL_MAP "0xffff000000000000 0x80000000 2M rw"

/*
 * TTBR0 below, TTBR1 above: 16 aligned 4K pages at Arm level 3 over one aligned
 * 64K of PA form a contiguous run (one 64K TLB entry); a 2M block at level 2.
 */
Test(cli_aarch64, translate_both_halves)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "--json", "translate", "--map", USER_MAP, "--map",
				KERNEL_MAP, "--supervisor", "0x400123", "0xffff000000012345", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x400123\",\"access\":\"r\",\"priv\":\"supervisor\",\"pa\":\"0x40200123\",\"level\":1,"
		   "\"page_size\":65536,\"perms\":\"r--u-\",\"pte_addrs\":[\"0x40001000\",\"0x40002000\",\"0x40003010\","
		   "\"0x40004000\"]}\n"
		   "{\"va\":\"0xffff000000012345\",\"access\":\"r\",\"priv\":\"supervisor\",\"pa\":\"0x80012345\","
		   "\"level\":2,\"page_size\":2097152,\"perms\":\"rw---\",\"pte_addrs\":[\"0x40000000\",\"0x40005000\","
		   "\"0x40006000\"]}\n",
		   "");
	run_result_free(&r);
}

/* Each fault's ESR_EL1, by hand. */
Test(cli_aarch64, faults_carry_esr)
{
	struct run_result r;

	/* EL0 write to a read-only page: 0x24<<26 | IL | WnR | permission level 3 (0x0f). */
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "--json", "translate", "--access", "w", "--map", USER_MAP,
				"0x400123", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x400123\",\"access\":\"w\",\"priv\":\"user\",\"fault\":{\"kind\":\"permission\",\"level\":1,"
		   "\"code\":\"0x9200004f\",\"refused_by\":{\"level\":1,\"pte_addr\":\"0x40004000\"}}}\n",
		   "");
	run_result_free(&r);
	/* EL0 read of a kernel block (AP[1]=0): permission fault, level 2 (0x0e). */
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "--json", "translate", "--map", KERNEL_MAP,
				"0xffff000000012345", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0xffff000000012345\",\"access\":\"r\",\"priv\":\"user\",\"fault\":{\"kind\":\"permission\","
		   "\"level\":2,\"code\":\"0x9200000e\",\"refused_by\":{\"level\":2,\"pte_addr\":\"0x40003000\"}}}\n",
		   "");
	run_result_free(&r);
	/* In neither TTBR's range: translation fault at level 0 (0x04), from EL1 (0x25). */
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "--json", "translate", "--supervisor",
				"0x00ff000000000000", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0xff000000000000\",\"access\":\"r\",\"priv\":\"supervisor\",\"fault\":{\"kind\":"
		   "\"non-canonical\",\"level\":4,\"code\":\"0x96000004\"}}\n",
		   "");
	run_result_free(&r);
	/* EL1 fetch from a user page with PXN: instruction abort, same EL (0x21), level 3. */
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "--json", "translate", "--access", "x", "--supervisor",
				"--map", USER_MAP, "0x400000", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x400000\",\"access\":\"x\",\"priv\":\"supervisor\",\"fault\":{\"kind\":\"permission\","
		   "\"level\":1,\"code\":\"0x8600000f\",\"refused_by\":{\"level\":1,\"pte_addr\":\"0x40004000\"}}}\n",
		   "");
	run_result_free(&r);
	/* An unmapped user page: translation fault level 3 on an EL0 write (0x92000047). */
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--access", "w", "--map", USER_MAP,
				"0x500000", NULL), 0);
	expect_run(&r, 0,
		   "0x500000 w user: fault not-present at level 1, ESR_EL1 0x92000047 (data abort from EL0, WnR, "
		   "translation fault, level 3): the L3 descriptor is invalid (bit 0 clear)\n",
		   "");
	run_result_free(&r);
}

/* mappings lists TTBR0's table, then TTBR1's. */
Test(cli_aarch64, mappings_cover_both_halves)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64_64k", "mappings", "--map", "0xffff000000000000 0x80000000 64K rw",
				"--map", "0x10000 0x40200000 128K rwu", NULL), 0);
	expect_run(&r, 0,
		   "0x10000 0x30000 0x40200000 rw-u-\n"
		   "0xffff000000000000 0xffff000000010000 0x80000000 rw---\n",
		   "");
	run_result_free(&r);
}

/* Granule-specific shapes: 16K pages and 32M blocks; 64K pages and 512M blocks. */
Test(cli_aarch64, granules)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64_16k", "translate", "--supervisor", "--map",
				"0xffff000002000000 0x42000000 32M rw", "--map", "0x4000 0x40300000 16K r",
				"0xffff000003ffffff", "0x7fff", "0x8000", NULL), 0);
	expect_run(&r, 0,
		   "0xffff000003ffffff r supervisor: pa 0x43ffffff (32M page, level 2) perms rw---\n"
		   "0x7fff r supervisor: pa 0x40303fff (16K page, level 1) perms r----\n"
		   "0x8000 r supervisor: fault not-present at level 1, ESR_EL1 0x96000007 (data abort from EL1, "
		   "translation fault, level 3): the L3 descriptor is invalid (bit 0 clear)\n",
		   "");
	run_result_free(&r);
	/* 52-bit VAs: TTBR1's range starts at 0xfff0000000000000; one bit below is in neither. */
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64_52", "--json", "translate", "--supervisor", "--map",
				"0xfff0000020000000 0x60000000 512M rw", "0xfff000003fffffff", "0xffe0000000000000",
				NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0xfff000003fffffff\",\"access\":\"r\",\"priv\":\"supervisor\",\"pa\":\"0x7fffffff\","
		   "\"level\":2,\"page_size\":536870912,\"perms\":\"rw---\",\"pte_addrs\":[\"0x40000000\","
		   "\"0x40020008\"]}\n"
		   "{\"va\":\"0xffe0000000000000\",\"access\":\"r\",\"priv\":\"supervisor\",\"fault\":{\"kind\":"
		   "\"non-canonical\",\"level\":3,\"code\":\"0x96000004\"}}\n",
		   "");
	run_result_free(&r);
}

Test(cli_aarch64, bad_input)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--map", "0x400000 0x40200000 4K wu",
				"0x400000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: --map:1: an AArch64 page is readable wherever it is accessible: add r\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "translate", "--map", "0x400000 0x40200000 4K r cache=wp",
				"0x400000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: --map:1: cache=wp has no AArch64 memory type (use wb, wt, wc or uc)\n");
	run_result_free(&r);
}

/* TCR_EL1.AS=0: 8-bit ASIDs; ASID 256 is refused where the trace switches to it. */
Test(cli_aarch64, asid_width)
{
	char *dir = temp_dir_create(), *cfg, *trace;
	struct run_result r;
	FILE *f;

	cr_assert_not_null(dir);
	cfg = temp_dir_path(dir, "a8.yaml");
	trace = temp_dir_path(dir, "t.trace");
	cr_assert((f = fopen(cfg, "w")) != NULL);
	fputs("extends: aarch64\ncpu: { asid16: false }\n", f);
	fclose(f);
	cr_assert((f = fopen(trace, "w")) != NULL);
	fputs("asid 255\nr 0x1000\nasid 256\n", f);
	fclose(f);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "t.trace:3: ASID 256 does not fit this CPU's 8-bit ASIDs\n") != NULL, "%s", r.err);
	run_result_free(&r);
	free(cfg);
	free(trace);
	temp_dir_remove(dir);
}
