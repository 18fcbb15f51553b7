/*
 * test_authoring: poke, set-pte, pte and map size= end to end, through
 * --setup, --map, replay and the shell.  The expected faults come from the
 * manuals, worked by hand in the comments.  The x86_64 preset's first map
 * of VA 0x400000 builds the tables root 0x1000 (PML4), 0x2000 (PDPT),
 * 0x3000 (PD) and 0x4000 (PT): the PDPTE of the VA is at 0x2000 (index 0),
 * its PDE at 0x3010 (index 2), its PTE at 0x4000 (index 0).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define MAP_4K "map 0x400000 0x200000 4K rwu\n"

/* `mmusim [--config CONFIG] translate --setup TRACE [--access A] VA`: stdout and stderr, exit status. */
static int translate(const char *config, const char *trace, const char *access, const char *va, struct run_result *r)
{
	char *path = write_temp_file(trace, ".trace");
	const char *argv[] = { "--config", config, "translate", "--setup", path, "--access", access, va };
	int rc = run_mmusim_argv(r, 8, argv);

	cr_assert_eq(rc, 0);
	/* Messages name the setup file: replace its path by "T" so tests can state them. */
	for (char **s = (char *[]){ r->out, r->err, NULL }; *s; s++) {
		char *p;
		while ((p = strstr(*s, path))) {
			size_t len = strlen(path);
			*p = 'T';
			memmove(p + 1, p + len, strlen(p + len) + 1);
		}
	}
	remove_temp_file(path);
	return r->status;
}

static void expect_out(const char *config, const char *trace, const char *access, const char *va, const char *out)
{
	struct run_result r;

	cr_expect_eq(translate(config, trace, access, va, &r), 0, "%s", r.err);
	cr_expect_str_eq(r.out, out);
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
}

static void expect_error(const char *config, const char *trace, const char *err)
{
	struct run_result r;

	cr_expect_eq(translate(config, trace, "r", "0x400000", &r), 2, "%s", r.err);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, err);
	run_result_free(&r);
}

/*
 * SDM vol. 3 4.6.1: a user-mode write needs R/W=1 in every paging-structure
 * entry; R/W=0 in the PDPTE (level 3) refuses it.  Error code (4.7): P=1
 * (a protection fault), W/R=1, U/S=1 = 0x7.  A read is still allowed.
 */
Test(authoring, x86_pdpte_rw0_refuses_user_writes)
{
	const char *trace = MAP_4K "pte 0x400000 3 rw=0\n";

	expect_out("x86_64", trace, "w", "0x400000",
		   "0x400000 w user: fault permission at level 1, #PF error code 0x7 (P W U): write, but R/W=0 in an "
		   "entry of the walk (user mode, or supervisor with CR0.WP=1); refused by the PDPTE (L3) at 0x2000\n");
	expect_out("x86_64", trace, "r", "0x400000", "0x400000 r user: pa 0x200000 (4K page, level 1) perms r--u-\n");
}

/* U/S=0 in the PML4E (level 4): no user access below it (SDM 4.6.1); code P|U = 0x5. */
Test(authoring, x86_pml4e_us0_refuses_user_reads)
{
	expect_out("x86_64", MAP_4K "pte 0x400000 4 us=0\n", "r", "0x400000",
		   "0x400000 r user: fault permission at level 1, #PF error code 0x5 (P U): user-mode access, but U/S=0 "
		   "in an entry of the walk; refused by the PML4E (L4) at 0x1000\n");
}

/*
 * SDM 4.5 table 4-15: PS (bit 7) is reserved in a PML4E, so the walk stops
 * there with a reserved-bit fault: error code P|U|RSVD = 0x1 | 0x4 | 0x8 = 0xd.
 */
Test(authoring, x86_ps_in_pml4e_is_reserved)
{
	expect_out("x86_64", MAP_4K "pte 0x400000 4 ps=1\n", "r", "0x400000",
		   "0x400000 r user: fault reserved-bit at level 4, #PF error code 0xd (P U RSVD): PS is set at a level "
		   "that cannot map a page\n");
}

/* MAXPHYADDR 46: bit 51 of the PTE's address is reserved (SDM 4.5): RSVD, code 0xd again. */
Test(authoring, x86_address_bit_51_above_maxphyaddr_is_reserved)
{
	char *config = write_temp_file("extends: x86_64\nphys_addr_width: 46\n", ".yaml");

	expect_out(config, MAP_4K "pte 0x400000 1 addr=0x8000000000000\n", "r", "0x400000",
		   "0x400000 r user: fault reserved-bit at level 1, #PF error code 0xd (P U RSVD): address bit 51 is "
		   "set: bits 51:46 are reserved, at or above MAXPHYADDR (46)\n");
	/* The same entry by its raw value: P RW US, frame 0x8000000000000. */
	expect_out(config, MAP_4K "set-pte 0x400000 1 0x8000000000007\n", "r", "0x400000",
		   "0x400000 r user: fault reserved-bit at level 1, #PF error code 0xd (P U RSVD): address bit 51 is "
		   "set: bits 51:46 are reserved, at or above MAXPHYADDR (46)\n");
	remove_temp_file(config);
}

/*
 * RISC-V privileged spec, Sv39 step 6: a leaf at level 1 (our level 2,
 * a 2 MiB megapage) with PPN[0] != 0 is a misaligned superpage: a load
 * page fault, scause 13.  PPN 0x80001 has PPN[0] = 1.  The raw value:
 * PPN 0x80001 << 10 = 0x20000400, with V R W U A D = 0xd7.
 */
Test(authoring, sv39_misaligned_megapage)
{
	const char *map = "map 0x40000000 0x80000000 2M rwu\n";
	char trace[256];
	const char *want = "0x40000000 r user: fault misaligned-superpage at level 2, scause 13 (load page fault): "
			   "superpage whose PPN low bits are not zero (misaligned)\n";

	expect_out("sv39", map, "r", "0x40000000", "0x40000000 r user: pa 0x80000000 (2M page, level 2) perms rw-u-\n");
	snprintf(trace, sizeof(trace), "%spte 0x40000000 2 ppn=0x80001\n", map);
	expect_out("sv39", trace, "r", "0x40000000", want);
	snprintf(trace, sizeof(trace), "%sset-pte 0x40000000 2 0x200004d7\n", map);
	expect_out("sv39", trace, "r", "0x40000000", want);
	snprintf(trace, sizeof(trace), "%spte 0x40000000 2 addr=0x80001000\n", map);
	expect_out("sv39", trace, "r", "0x40000000", want);
}

/* A PDE that points at 0x7000000000 (448 GiB), outside the preset's 64 GiB: the PTE read there fails. */
Test(authoring, pointer_outside_memory)
{
	expect_out("x86_64", MAP_4K "pte 0x400000 2 addr=0x7000000000\n", "r", "0x400000",
		   "0x400000 r user: fault bus-error at level 1, no #PF: the PTE read fails (machine check on real "
		   "hardware): the PTE address lies outside physical memory\n");
}

/*
 * Hand-made pointers the table's own bookkeeping never made: a PML4E that
 * points at the PML4 itself (the self-map trick), and two PDEs sharing one
 * page table.  Walks follow them as the hardware would; tearing the machine
 * down frees each node once (memcheck and ASan run this suite), and an unmap
 * through the shared table leaves the other VA walking it.
 */
Test(authoring, self_map_and_shared_tables)
{
	/* 0x400000's walk: PML4[0] -> 0x1000 again as its PDPT, whose [0] -> 0x1000 as its PD: [2] is empty. */
	expect_out("x86_64", MAP_4K "pte 0x400000 4 addr=0x1000\n", "r", "0x400000",
		   "0x400000 r user: fault not-present at level 2, #PF error code 0x4 (U): the PDE is not present "
		   "(P/V bit clear)\n");
	/* PD[3] (0x600000) made to point at PD[2]'s page table: index 0 there maps 0x200000. */
	expect_out("x86_64", MAP_4K "map 0x600000 0x300000 4K rwu\npte 0x600000 2 addr=0x4000\n", "r", "0x600000",
		   "0x600000 r user: pa 0x200000 (4K page, level 1) perms rw-u-\n");
	expect_out("x86_64", MAP_4K "map 0x600000 0x300000 4K rwu\npte 0x600000 2 addr=0x4000\nunmap 0x600000 4K\n",
		   "r", "0x400000",
		   "0x400000 r user: fault not-present at level 1, #PF error code 0x4 (U): the PTE is not present "
		   "(P/V bit clear)\n");
}

/*
 * poke writes the PTE at 0x4000: 0x5007 = frame 0x5000, P RW US (no XD:
 * executable).  A one-byte poke replaces its low byte only: 0x05 leaves P
 * and US, clears RW, and keeps XD of the map's 0x8000000000200007.
 */
Test(authoring, poke_then_translate)
{
	expect_out("x86_64", MAP_4K "poke 0x4000 0x5007\n", "r", "0x400000",
		   "0x400000 r user: pa 0x5000 (4K page, level 1) perms rwxu-\n");
	expect_out("x86_64", MAP_4K "poke 0x4000 0x05 1\n", "r", "0x400000",
		   "0x400000 r user: pa 0x200000 (4K page, level 1) perms r--u-\n");
}

/*
 * size=4K in a 2 MiB-aligned range: 512 leaves at level 1 where the map would
 * take one 2M leaf (flags without x: XD set, so perms have no x).
 */
Test(authoring, map_size_forces_4k_pages)
{
	expect_out("x86_64", "map 0x200000 0x200000 2M rwu\n", "r", "0x3ff000",
		   "0x3ff000 r user: pa 0x3ff000 (2M page, level 2) perms rw-u-\n");
	expect_out("x86_64", "map 0x200000 0x200000 2M rwu size=4K\n", "r", "0x3ff000",
		   "0x3ff000 r user: pa 0x3ff000 (4K page, level 1) perms rw-u-\n");
	expect_out("x86_64", "map 0x0 0x0 1G rwu size=2M\n", "r", "0x3ff000",
		   "0x3ff000 r user: pa 0x3ff000 (2M page, level 2) perms rw-u-\n");
}

Test(authoring, map_size_through_map_option)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "show", "--map", "0x200000 0x200000 8K rwu size=4K", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "L1[0..1] x2 ") != NULL, "%s", r.out);
	run_result_free(&r);
}

/* Toy preset: bit 4 is U; the PTE at 0x82 (node 0x80, index 1) maps 0x40 to frame 0x1240. */
Test(authoring, toy_named_bit)
{
	expect_out("toy", "map 0x40 0x1240 64 rw\npte 0x40 1 u=1\n", "r", "0x45",
		   "0x45 r user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n");
}

/* Arm ARM D8.4: APTable[1]=1 in a table descriptor makes everything below read-only. */
Test(authoring, aarch64_aptable_read_only)
{
	const char *trace = "map 0x400000 0x40200000 4K rwu\npte 0x400000 2 aptable=2\n";
	struct run_result r;

	cr_expect_eq(translate("aarch64", trace, "w", "0x400000", &r), 0, "%s", r.err);
	cr_expect(strstr(r.out, "fault permission") && strstr(r.out, "refused by the L2 descriptor (L2)"), "%s", r.out);
	run_result_free(&r);
	expect_out("aarch64", trace, "r", "0x400000", "0x400000 r user: pa 0x40200000 (4K page, level 1) perms r--u-\n");
}

/* Every bad input: the exact message, exit status 2, nothing on stdout. */
Test(authoring, bad_inputs)
{
	expect_error("x86_64", MAP_4K "set-pte 0x1000 1 5\n",
		     "mmusim: T:2: set-pte 0x1000 1: the walk of 0x1000 stops at level 2 (entry not present), there is "
		     "no level-1 table to write\n");
	expect_error("x86_64", "map 0x200000 0x200000 2M rwu\npte 0x200000 1 p=0\n",
		     "mmusim: T:2: pte 0x200000 1: the walk of 0x200000 stops at level 2 (a 2M page), there is no "
		     "level-1 table to write\n");
	expect_error("x86_64", MAP_4K "pte 0x400000 2 addr=0x7000000000\npte 0x400000 1 p=0\n",
		     "mmusim: T:3: pte 0x400000 1: the walk of 0x400000 stops at level 2 (it points outside memory, at "
		     "0x7000000000), there is no level-1 table to write\n");
	expect_error("x86_64", MAP_4K "pte 0x400000 5 p=0\n",
		     "mmusim: T:2: pte: level 5 is out of range (x86_64 has levels 1, the leaf, to 4, the root)\n");
	expect_error("x86_64", MAP_4K "set-pte 0x400000 9 0\n",
		     "mmusim: T:2: level 9 is out of range (levels count from 1, the leaf, up to the root)\n");
	expect_error("x86_64", MAP_4K "pte 0x400000 1 rx=1\n",
		     "mmusim: T:2: pte: unknown field 'rx' for a level-1 entry of x86_64 (fields: p rw us pwt pcd a d "
		     "pat g avl addr pfn pkey xd nx)\n");
	expect_error("x86_64", MAP_4K "pte 0x400000 2 pat=1\n",
		     "mmusim: T:2: pte: unknown field 'pat' for a level-2 entry of x86_64 (fields: p rw us pwt pcd a d "
		     "ps g avl addr pfn pkey xd nx)\n");
	expect_error("sv39", "map 0x1000 0x80001000 4K rwu\npte 0x1000 1 pkey=1\n",
		     "mmusim: T:2: pte: unknown field 'pkey' for a level-1 entry of riscv64 (fields: v r w x u g a d rsw "
		     "ppn addr rsvd pbmt n)\n");
	expect_error("x86_64", MAP_4K "pte 0x400000 1 rw=2\n",
		     "mmusim: T:2: pte: value 0x2 is wider than field rw (1 bit)\n");
	expect_error("x86_64", MAP_4K "pte 0x400000 1 pkey=16\n",
		     "mmusim: T:2: pte: value 0x10 is wider than field pkey (4 bits)\n");
	expect_error("x86_64", MAP_4K "pte 0x400000 1 addr=0x10000000000000\n",
		     "mmusim: T:2: pte: value 0x10000000000000 is wider than field addr (addresses below 0x10000000000000)\n");
	expect_error("x86_64", MAP_4K "pte 0x400000 1 addr=0x1234\n",
		     "mmusim: T:2: pte: addr 0x1234 is not a multiple of 0x1000\n");
	expect_error("x86_64", "poke 0x1004 1\n", "mmusim: T:1: poke: PA 0x1004 is not aligned to 8 bytes\n");
	expect_error("x86_64", "poke 0x1002 1 4\n", "mmusim: T:1: poke: PA 0x1002 is not aligned to 4 bytes\n");
	expect_error("x86_64", "poke 0x1000000000 1\n",
		     "mmusim: T:1: poke: PA 0x1000000000 is outside memory [0x0, 0x1000000000)\n");
	expect_error("toy", "poke 0x10000 1\n", "mmusim: T:1: poke: PA 0x10000 is outside memory [0x0, 0x10000)\n");
	expect_error("toy", "poke 0x100 0x10000\n", "mmusim: T:1: poke: value 0x10000 does not fit in 2 bytes\n");
	expect_error("sv32", "map 0x1000 0x80001000 4K rwu\nset-pte 0x1000 1 0x100000000\n",
		     "mmusim: T:2: set-pte: value 0x100000000 does not fit in a 4-byte entry\n");
	expect_error("x86_64", "map 0x200000 0x200000 2M rwu size=8K\n",
		     "mmusim: T:1: map size=8K: not a page size of x86_64 (4K, 2M, 1G)\n");
	expect_error("x86_64", "map 0x201000 0x201000 4K rwu size=2M\n",
		     "mmusim: T:1: map size=2M: VA 0x201000, PA 0x201000 and length 0x1000 must be multiples of the page "
		     "size\n");
	expect_error("x86_64", "poke 0x1000 0x100 1\n", "mmusim: T:1: poke value 0x100 does not fit in 1 byte\n");
}

/*
 * Replay: the edits tell no TLB (an OS that forgot invlpg).  The second read
 * hits the l1d entry of the first although the PTE is gone; after the flush
 * the walk finds it not present: 3 accesses, 1 l1d hit, 1 fault.
 */
Test(authoring, replay_keeps_stale_tlb_entries)
{
	char *path = write_temp_file(MAP_4K "r 0x400000\nset-pte 0x400000 1 0\nr 0x400000\nflush va 0x400000\n"
				     "r 0x400000\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", path, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "accesses        3  (read 3, write 0, exec 0)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  l1d                      1            2"), "%s", r.out);
	cr_expect(strstr(r.out, "faults          not-present 1\n"), "%s", r.out);
	cr_expect(strstr(r.out, "shootdowns      0\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(path);
}

Test(authoring, binary_format_refuses_authoring)
{
	char *path = write_temp_file(MAP_4K "pte 0x400000 1 rw=0\n", ".trace");
	char out[] = "/tmp/mmusim-authoring-XXXXXX";
	int fd = mkstemp(out);
	struct run_result r;

	cr_assert(fd >= 0);
	close(fd);
	cr_assert_eq(run_mmusim(&r, "convert", path, out, NULL), 0);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, "the binary format does not carry pte (keep it in a text trace)"), "%s", r.err);
	run_result_free(&r);
	unlink(out);
	remove_temp_file(path);
}

/* The shell: pipe input, the same commands; a stale TLB entry until the flush. */
Test(authoring, shell_poke_and_pte)
{
	const char input[] = "detail off\n" MAP_4K "w 0x400000\npte 0x400000 3 rw=0 us=1\nflush\nw 0x400000\npoke 0x4000 0x5007\n"
			     "flush\nw 0x400000\npte 0x400000 1 zz=1\npoke 0x1000000000 0\n";
	char *in = write_temp_file(input, ".txt");
	char cmd[4096];
	FILE *p;
	char out[4096] = "";
	size_t n;
	int status;

	snprintf(cmd, sizeof(cmd), "%s shell < '%s' 2>&1", mmusim_command(), in);
	p = popen(cmd, "r");
	cr_assert(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	status = pclose(p);
	cr_expect_eq(WEXITSTATUS(status), 2, "%s", out);
	cr_expect_str_eq(out,
			 "0x400000 w user: pa 0x200000 (4K page, level 1) perms rw-u-\n"
			 "0x400000 w user: fault permission at level 1, #PF error code 0x7 (P W U): write, but R/W=0 in "
			 "an entry of the walk (user mode, or supervisor with CR0.WP=1); refused by the PDPTE (L3) at 0x2000\n"
			 /* the PDPTE still says R/W=0: the new PTE's RW does not help */
			 "0x400000 w user: fault permission at level 1, #PF error code 0x7 (P W U): write, but R/W=0 in "
			 "an entry of the walk (user mode, or supervisor with CR0.WP=1); refused by the PDPTE (L3) at 0x2000\n"
			 "mmusim: stdin:10: pte: unknown field 'zz' for a level-1 entry of x86_64 (fields: p rw us pwt pcd a "
			 "d pat g avl addr pfn pkey xd nx)\n"
			 "mmusim: stdin:11: poke: PA 0x1000000000 is outside memory [0x0, 0x1000000000)\n");
	remove_temp_file(in);
}

/*
 * README, "Authoring a case": the trace after "$ cat case.trace" is run with
 * each "$ mmusim ..." command shown, whose next line must be its output.
 */
Test(authoring, readme_worked_example)
{
	char *readme = read_text_file(MMUSIM_SOURCE_DIR "/README.md");
	const char *start, *end, *cmd;
	char *trace, *path;
	int commands = 0;

	cr_assert(readme);
	start = strstr(readme, "$ cat case.trace\n");
	cr_assert(start, "README has no case.trace example");
	start += strlen("$ cat case.trace\n");
	end = strstr(start, "$ mmusim");
	cr_assert(end);
	trace = strndup(start, (size_t)(end - start));
	path = write_temp_file(trace, ".trace");
	for (cmd = end; strncmp(cmd, "$ mmusim ", 9) == 0;) {
		const char *eol = strchr(cmd, '\n'), *out_end = strchr(eol + 1, '\n');
		char line[512], *argv[16], *save;
		int argc = 0;
		struct run_result r;

		snprintf(line, sizeof(line), "%.*s", (int)(eol - cmd - 9), cmd + 9);
		for (char *w = strtok_r(line, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
			argv[argc++] = strcmp(w, "case.trace") == 0 ? path : w;
		cr_assert_eq(run_mmusim_argv(&r, argc, (const char *const *)argv), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect_eq(strlen(r.out), (size_t)(out_end - eol), "%s", r.out);
		cr_expect(strncmp(r.out, eol + 1, (size_t)(out_end - eol)) == 0, "README says %.*s, mmusim %s",
			  (int)(out_end - eol), eol + 1, r.out);
		run_result_free(&r);
		commands++;
		cmd = out_end + 1;
	}
	cr_expect_eq(commands, 2);
	remove_temp_file(path);
	free(trace);
	free(readme);
}

/*
 * RISC-V privileged spec, Sv32/Sv39: "For non-leaf PTEs, the D, A, and U bits
 * are reserved for future standard use", as are N (Svnapot) and PBMT, bits
 * 62:61 (Svpbmt); step 3 raises a page fault when one is set.  The reason
 * names the bits this pointer sets, not the whole list.
 */
Test(authoring, riscv_pointer_reserved_bits_named)
{
	expect_out("sv39", "map 0x400000 0x80200000 4K rwu\npte 0x400000 2 a=1 d=1\n", "r", "0x400000",
		   "0x400000 r user: fault reserved-bit at level 2, scause 13 (load page fault): D and A are set in a "
		   "non-leaf PTE, where D, A, U, N and PBMT are reserved for future standard use\n");
	expect_out("sv39", "map 0x400000 0x80200000 4K rwu\npte 0x400000 3 pbmt=1\n", "w", "0x400000",
		   "0x400000 w user: fault reserved-bit at level 3, scause 15 (store/AMO page fault): PBMT is set in a "
		   "non-leaf PTE, where D, A, U, N and PBMT are reserved for future standard use\n");
	expect_out("sv48", "map 0x400000 0x80200000 4K rwu\npte 0x400000 2 u=1 n=1\n", "r", "0x400000",
		   "0x400000 r user: fault reserved-bit at level 2, scause 13 (load page fault): U and N are set in a "
		   "non-leaf PTE, where D, A, U, N and PBMT are reserved for future standard use\n");
	/* Sv32's 4-byte PTE has no N, PBMT or bits 60:54. */
	expect_out("sv32", "map 0x400000 0x80200000 4K rwu\npte 0x400000 2 u=1\n", "r", "0x400000",
		   "0x400000 r user: fault reserved-bit at level 2, scause 13 (load page fault): U is set in a "
		   "non-leaf PTE, where D, A and U are reserved for future standard use\n");
}

/* Sv39-57: bits 60:54 "are reserved for future standard use and ... must be zeroed": which ones are set. */
Test(authoring, riscv_reserved_bits_60_54_named)
{
	expect_out("sv39", "map 0x400000 0x80200000 4K rwu\npte 0x400000 1 rsvd=0x41\n", "r", "0x400000",
		   "0x400000 r user: fault reserved-bit at level 1, scause 13 (load page fault): reserved bits 60 and 54 "
		   "are set: bits 60:54 are reserved for future standard use and must be 0\n");
	expect_out("sv57", "map 0x400000 0x80200000 4K rwu\npte 0x400000 5 rsvd=0x4\n", "x", "0x400000",
		   "0x400000 x user: fault reserved-bit at level 5, scause 12 (instruction page fault): reserved bit 56 "
		   "is set: bits 60:54 are reserved for future standard use and must be 0\n");
}

/*
 * A pointer above the leaf to a table outside memory: the entry the walk
 * cannot read is named as the format names it at that level, as a
 * not-present one is (x86: PDE, PDPTE, PML4E; Arm: the L2 descriptor).
 */
Test(authoring, bus_error_names_the_entry)
{
	expect_out("x86_64", MAP_4K "pte 0x400000 4 addr=0x7000000000\n", "r", "0x400000",
		   "0x400000 r user: fault bus-error at level 3, no #PF: the PDPTE read fails (machine check on real "
		   "hardware): the PDPTE address lies outside physical memory\n");
	expect_out("x86_64_la57", MAP_4K "pte 0x400000 5 addr=0x7000000000\n", "r", "0x400000",
		   "0x400000 r user: fault bus-error at level 4, no #PF: the PML4E read fails (machine check on real "
		   "hardware): the PML4E address lies outside physical memory\n");
	expect_out("aarch64", "map 0x400000 0x80000000 4K rwu\npte 0x400000 3 addr=0x8000000000\n", "r", "0x400000",
		   "0x400000 r user: fault bus-error at level 2, ESR_EL1 0x92000016 (data abort from EL0, synchronous "
		   "external abort on table walk, level 2): the L2 descriptor address lies outside physical memory\n");
	/* RISC-V calls every level's entry a PTE. */
	expect_out("sv39", "map 0x400000 0x80200000 4K rwu\npte 0x400000 3 ppn=0x1\n", "r", "0x400000",
		   "0x400000 r user: fault bus-error at level 2, scause 5 (load access fault): the PTE address lies "
		   "outside physical memory\n");
}

/*
 * x86-64 reserved bits (SDM vol. 3 tables 4-15..4-20): the reason says which
 * are set, not only the rule: address bits 51:MAXPHYADDR of any entry, the
 * address bits below a 2M/1G page's size other than PAT (bit 12).  PDE
 * 0x2020e7 = 2M page at 0x200000 with bit 13 set; PDPTE 0x400020e7 likewise.
 */
Test(authoring, x86_reserved_bits_named)
{
	char *cfg = write_temp_file("extends: x86_64\nphys_addr_width: 46\n", ".yaml");

	expect_out(cfg, MAP_4K "pte 0x400000 1 addr=0xf00000200000\n", "r", "0x400000",
		   "0x400000 r user: fault reserved-bit at level 1, #PF error code 0xd (P U RSVD): address bits 47:46 are "
		   "set: bits 51:46 are reserved, at or above MAXPHYADDR (46)\n");
	remove_temp_file(cfg);
	expect_out("x86_64", "map 0x200000 0x200000 2M rwu\npoke 0x3008 0x2020e7\n", "r", "0x200000",
		   "0x200000 r user: fault reserved-bit at level 2, #PF error code 0xd (P U RSVD): bit 13 is set in a 2M "
		   "page's PDE: bits 20:13 are reserved (its address is 2M-aligned; bit 12 is PAT)\n");
	expect_out("x86_64", "map 0x40000000 0x40000000 1G rwu\npoke 0x2008 0x400060e7\n", "w", "0x40000000",
		   "0x40000000 w user: fault reserved-bit at level 3, #PF error code 0xf (P W U RSVD): bits 14:13 are set in "
		   "a 1G page's PDPTE: bits 29:13 are reserved (its address is 1G-aligned; bit 12 is PAT)\n");
}
