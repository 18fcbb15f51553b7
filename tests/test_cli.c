/*
 * End to end: the mmusim binary as users run it.  Outputs are checked to the
 * byte; addresses were worked out by hand: with the x86_64 preset memory
 * starts at 0, the kernel root is the first frame (0x0), the user root the
 * second (0x1000), and a first user map allocates its L3, L2, L1 nodes at
 * 0x2000, 0x3000, 0x4000.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include "support.h"
#include "temp_dir.h"
#include "time_limit.h"

#define EXAMPLE MMUSIM_SOURCE_DIR "/traces/example.trace"

static void expect_run(struct run_result *r, int status, const char *out, const char *err)
{
	cr_expect_eq(r->status, status, "exit status %d, stderr: %s", r->status, r->err);
	if (out)
		cr_expect_str_eq(r->out, out);
	if (err)
		cr_expect_str_eq(r->err, err);
}

Test(cli, translate_text)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--map", "0x400000 0x200000 8K rxu", "0x400123",
				"0x401fff", "0x402000", NULL), 0);
	expect_run(&r, 0,
		   "0x400123 r user: pa 0x200123 (4K page, level 1) perms r-xu-\n"
		   "0x401fff r user: pa 0x201fff (4K page, level 1) perms r-xu-\n"
		   "0x402000 r user: fault not-present at level 1, #PF error code 0x4 (U): "
		   "the PTE is not present (P/V bit clear)\n",
		   "");
	run_result_free(&r);
}

Test(cli, translate_json_contract)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "translate", "--map", "0x400000 0x200000 8K rxu",
				"0x400123", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x400123\",\"access\":\"r\",\"priv\":\"user\",\"pa\":\"0x200123\",\"level\":1,"
		   "\"page_size\":4096,\"perms\":\"r-xu-\",\"pte_addrs\":[\"0x1000\",\"0x2000\",\"0x3010\",\"0x4000\"]}\n",
		   "");
	run_result_free(&r);
}

/* A user write to a read-only page: #PF with P|W|U = 0x7 at the leaf level. */
Test(cli, translate_json_fault)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--json", "--access", "w", "--map",
				"0x400000 0x200000 8K rxu", "0x400123", "0x600000", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x400123\",\"access\":\"w\",\"priv\":\"user\",\"fault\":{\"kind\":\"permission\",\"level\":1,\"code\":\"0x7\","
		   /* the leaf's R/W=0 refused: the PTE at PT 0x4000 (nodes: kernel root 0x0, user root 0x1000, 0x2000, 0x3000, 0x4000) */
		   "\"refused_by\":{\"level\":1,\"pte_addr\":\"0x4000\"}}}\n"
		   "{\"va\":\"0x600000\",\"access\":\"w\",\"priv\":\"user\",\"fault\":{\"kind\":\"not-present\",\"level\":2,\"code\":\"0x6\"}}\n",
		   "");
	run_result_free(&r);
}

Test(cli, translate_non_canonical_is_gp)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "translate", "0x0000800000000000", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x800000000000\",\"access\":\"r\",\"priv\":\"user\",\"fault\":{\"kind\":\"non-canonical\",\"level\":4,\"code\":\"0x0\"}}\n",
		   "");
	run_result_free(&r);
}

/* Sv39: memory starts at 0x80000000; a load from an unmapped VA is scause 13. */
Test(cli, translate_sv39)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "--json", "translate", "--access", "x", "--map",
				"0x400000 0x80200000 4K rxu", "0x400010", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x400010\",\"access\":\"x\",\"priv\":\"user\",\"pa\":\"0x80200010\",\"level\":1,"
		   "\"page_size\":4096,\"perms\":\"r-xu-\",\"pte_addrs\":[\"0x80001000\",\"0x80002010\",\"0x80003000\"]}\n",
		   "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--json", "0x10000000", NULL), 0);
	expect_run(&r, 0,
		   "{\"va\":\"0x10000000\",\"access\":\"r\",\"priv\":\"user\",\"fault\":{\"kind\":\"not-present\",\"level\":3,\"code\":\"0xd\"}}\n",
		   "");
	run_result_free(&r);
}

struct preset_case {
	char config[16];
	char kernel_va[24];
};

/* The kernel half of every preset: sign-extended, supervisor-only, shared into the user table. */
static const struct preset_case preset_cases[] = {
	{ "x86_64", "0xffff800000000000" },
	{ "x86_64_la57", "0xff00000000000000" },
	{ "sv39", "0xffffffc000000000" },
	{ "sv48", "0xffff800000000000" },
	{ "sv57", "0xff00000000000000" },
};

ParameterizedTestParameters(cli, presets_kernel_half)
{
	return cr_make_param_array(struct preset_case, preset_cases,
				   sizeof(preset_cases) / sizeof(preset_cases[0]));
}

ParameterizedTest(const struct preset_case *c, cli, presets_kernel_half)
{
	struct run_result r;
	char map[96], expect[160];
	bool riscv = c->config[0] == 's';
	const char *pa = riscv ? "0x80000000" : "0x0";

	snprintf(map, sizeof(map), "%s %s 1G rwg", c->kernel_va, pa);
	cr_assert_eq(run_mmusim(&r, "--config", c->config, "translate", "--supervisor", "--access", "w",
				"--map", map, c->kernel_va, NULL), 0);
	snprintf(expect, sizeof(expect), "%s w supervisor: pa %s (1G page, level 3) perms rw--g\n",
		 c->kernel_va, pa);
	expect_run(&r, 0, expect, "");
	run_result_free(&r);
}

Test(cli, mappings_example)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "mappings", "--setup", EXAMPLE, NULL), 0);
	expect_run(&r, 0,
		   "0x400000 0x404000 0x10000000 r-xu-\n"
		   "0x404000 0x406000 0x10004000 r--u-\n"
		   "0x600000 0x603000 0x10006000 rw-u-\n"
		   "0x800000 0xa00000 0x10200000 rw-u-\n"
		   "0x7fffffffd000 0x7ffffffff000 0x10400000 rw-u-\n"
		   "0xffff888000000000 0xffff888040000000 0x0 rw--g\n"
		   "0xffffc90000000000 0xffffc90000001000 0xfee00000 rw--g\n",
		   "");
	run_result_free(&r);
}

/* Ranges merge only when VA and PA continue and perms match; the seed example is one range. */
Test(cli, mappings_merge_rules)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "mappings", "--map", "0x3fdff000 0x3fdff000 0x40203000 rwu",
				"--map", "0x100000000 0x200000 4K rwu",
				"--map", "0x100001000 0x300000 4K rwu",
				"--map", "0x100002000 0x301000 4K ru", NULL), 0);
	expect_run(&r, 0,
		   "0x3fdff000 0x80002000 0x3fdff000 rw-u-\n"
		   "0x100000000 0x100001000 0x200000 rw-u-\n"
		   "0x100001000 0x100002000 0x300000 rw-u-\n"
		   "0x100002000 0x100003000 0x301000 r--u-\n",
		   "");
	run_result_free(&r);
}

Test(cli, mappings_json)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "mappings", "--json", "--map", "0x1000 0x5000 4K rxu", NULL), 0);
	expect_run(&r, 0,
		   "{\"va_start\":\"0x1000\",\"va_end\":\"0x2000\",\"pa_start\":\"0x5000\",\"perms\":\"r-xu-\"}\n", "");
	run_result_free(&r);
}

/* Setup accesses set A/D the way the hardware does; --explain shows the walk. */
Test(cli, explain_shows_every_level)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--explain", "--access", "w", "--map",
				"0x400000 0x200000 4K rwu", "0x400123", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "  L4 index   47:39  0x0    0b000000000         = 0\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  L2 index   29:21  0x2    0b000000010         = 2\n"), "%s", r.out);
	cr_expect(strstr(r.out, "walk from root 0x1000 (cr3 0x1000):\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  L2  table 0x3000 + index 2 x 8 = PDE at 0x3010\n"
			       "      raw    0x0000000000004007\n"
			       "      bits   P RW US addr=0x4000\n"), "%s", r.out);
	cr_expect(strstr(r.out, "      raw    0x8000000000200007\n      bits   P RW US XD addr=0x200000\n"), "%s", r.out);
	cr_expect(strstr(r.out, "PA 0x200123 = frame 0x200000 | offset 0x123 (VA bits 11:0 in a 4K page)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "perms rw-u-; the walk set A in every entry it read and D in the leaf\n"), "%s", r.out);
	run_result_free(&r);
}

/*
 * x86 sets A in every paging-structure entry it uses, D only in the leaf
 * (SDM vol. 3 4.8): explain says so, not "A in the leaf" alone.  A second
 * page under another PDE shares the PML4E and the PDPTE, whose A the first
 * walk set: the second walk sets A in the new PDE and leaf only, and names them.
 */
Test(cli, explain_names_the_entries_the_walk_set_a_in)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "explain", "--map", "0x400000 0x200000 4K rwu", "--map", "0x600000 0x300000 4K rwu",
				"0x400000", "0x600000", "0x400000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	const char *first = strstr(r.out, "perms rw-u-; the walk set A in every entry it read\n");
	cr_assert_not_null(first, "%s", r.out);
	const char *second = strstr(first + 1, "perms rw-u-; the walk set A in the PDE (L2) and the leaf\n");
	cr_assert_not_null(second, "%s", r.out);
	/* The third walk finds A set everywhere: it sets nothing and says nothing. */
	const char *third = strstr(second + 1, "perms rw-u-");
	cr_assert_not_null(third, "%s", r.out);
	cr_expect_str_eq(third, "perms rw-u-\n");
	run_result_free(&r);
}

Test(cli, explain_fault)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--explain", "--config", "sv39", "0x400000", NULL), 0);
	cr_expect(strstr(r.out, "fault not-present at level 3: the PTE is not present (P/V bit clear)\n"
			       "  the bits: the PTE (L3) at 0x80001000: 0x0000000000000000 = not-present ppn=0x0\n"
			       "  raised as scause 13 (load page fault)\n"), "%s", r.out);
	run_result_free(&r);
}

/* A setup read sets A; a later write through the same leaf then sets D. */
Test(cli, setup_accesses_set_accessed)
{
	struct run_result r;
	char *trace = write_temp_file("map 0x400000 0x200000 4K rwu\nr 0x400000\n", ".trace");

	cr_assert_eq(run_mmusim(&r, "translate", "--explain", "--setup", trace, "0x400000", NULL), 0);
	cr_expect(strstr(r.out, "      raw    0x8000000000200027\n      bits   P RW US A XD addr=0x200000\n"), "%s", r.out);
	cr_expect(strstr(r.out, "perms rw-u-\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}

Test(cli, help)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--help", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strncmp(r.out, "usage: mmusim [--config NAME|FILE] [--json] COMMAND", 51) == 0, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "translate", "--help", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "--explain") != NULL);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "mappings", "--help", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "VA_START VA_END PA_START PERMS") != NULL);
	run_result_free(&r);
}

struct bad_cli {
	char args[6][64];
	char err[256];
};

/* translate, mappings, replay and convert: each usage or input error. */
static const struct bad_cli bad_clis[] = {
	{ { "frob" }, "mmusim: unknown command 'frob' (expected translate, mappings, replay, convert, dump, explain, show, report, sweep, merge, mrc, run, quiz or shell; see mmusim --help)\n" },
	{ { "--frob", "translate" }, "mmusim: unknown option '--frob' (see mmusim --help)\n" },
	{ { "translate" }, "mmusim: translate: no VA given (see mmusim translate --help)\n" },
	{ { "translate", "--bogus", "0x1" }, "mmusim: translate: unknown option '--bogus' (see mmusim translate --help)\n" },
	{ { "translate", "hello" }, "mmusim: bad VA 'hello' (expected decimal or 0x-hex)\n" },
	{ { "translate", "0x10000000000000000" }, "mmusim: VA '0x10000000000000000' does not fit in 64 bits\n" },
	{ { "translate", "--access", "q", "0x1" }, "mmusim: bad --access 'q' (expected r, w or x)\n" },
	{ { "translate", "0x1", "--setup" }, "mmusim: option --setup needs a value (see mmusim --help)\n" },
	{ { "translate", "--map", "0xzz 0 4K r", "0x1" },
	  "mmusim: --map:1: bad VA '0xzz' (expected decimal or 0x-hex)\n" },
	{ { "translate", "--map", "0x1000 0 4K r", "--map", "0x2000 0 4K", "0x1" },
	  "mmusim: --map:2: missing field: usage is 'map VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=PAGE_SIZE]'\n" },
	{ { "translate", "--map", "0x201000 0x201000 4K r size=2M", "0x1" },
	  "mmusim: --map:1: map size=2M: VA 0x201000, PA 0x201000 and length 0x1000 must be multiples of the page size\n" },
	{ { "translate", "--map", "0 0 4K r size=16K", "0x1" },
	  "mmusim: --map:1: map size=16K: not a page size of x86_64 (4K, 2M, 1G)\n" },
	{ { "translate", "--map", "0x1001 0 4K r", "0x1" },
	  "mmusim: --map:1: VA 0x1001 is not aligned to the 4096-byte page\n" },
	{ { "translate", "--map", "0x1000 0x1800 4K r", "0x1" },
	  "mmusim: --map:1: PA 0x1800 is not aligned to the 4096-byte page\n" },
	{ { "translate", "--map", "0x1000 0 6K r", "0x1" },
	  "mmusim: --map:1: length 0x1800 is not a multiple of the 4096-byte page\n" },
	{ { "translate", "--map", "0x900000000000 0 4K r", "0x1" },
	  "mmusim: --map:1: VA 0x900000000000 is not canonical for 48-bit addresses\n" },
	{ { "translate", "--map", "0x7ffffffff000 0 8K r", "0x1" },
	  "mmusim: --map:1: VA range 0x7ffffffff000 + 0x2000 leaves the 48-bit address space\n" },
	{ { "--config", "sv39", "translate", "--map", "0x1000 0x80000000 4K w", "0x1" },
	  "mmusim: --map:1: RISC-V reserves W without R: add r\n" },
	{ { "--config", "sv39", "translate", "--map", "0x1000 0x80000000 4K r cache=wt", "0x1" },
	  "mmusim: --map:1: cache=wt has no RISC-V PBMT encoding (use wb, wc or uc)\n" },
	{ { "mappings", "--setup", "/nonexistent/x.trace" },
	  "mmusim: /nonexistent/x.trace: cannot open: No such file or directory\n" },
	{ { "mappings", "extra" }, "mmusim: mappings: unexpected argument 'extra' (see mmusim mappings --help)\n" },
	{ { "replay" }, "mmusim: replay: no trace given (see mmusim replay --help)\n" },
	{ { "replay", "/nonexistent/t.trace" }, "mmusim: /nonexistent/t.trace: cannot open: No such file or directory\n" },
	{ { "replay", "--format", "csv", "x" }, "mmusim: bad --format 'csv' (expected auto, text, lackey, binary, champsim, din, pinatrace or drmemtrace)\n" },
	{ { "replay", "--demand-paging=3K", "x" }, "mmusim: bad --demand-paging size '3K' (expected 4K, 2M or 1G)\n" },
	{ { "replay", "--interval", "10", "x" }, "mmusim: replay: --interval needs --csv FILE for the time series\n" },
	{ { "replay", "--interval", "0", "x" }, "mmusim: bad --interval '0' (expected a positive number of accesses)\n" },
	{ { "replay", "--bogus", "x" }, "mmusim: replay: unknown option '--bogus' (see mmusim replay --help)\n" },
	{ { "replay", "--warmup", "ten", "x" }, "mmusim: bad --warmup 'ten' (expected a number of accesses)\n" },
	{ { "replay", "--warmup" }, "mmusim: option --warmup needs a value (see mmusim --help)\n" },
	{ { "sweep", "--warmup", "-1", "x" }, "mmusim: bad --warmup '-1' (expected a number of accesses)\n" },
	{ { "replay", "a", "b" }, "mmusim: replay: more than one trace given ('a' and 'b')\n" },
	{ { "convert", "a" }, "mmusim: convert: needs INPUT and OUTPUT (see mmusim convert --help)\n" },
	{ { "convert", "--format", "csv", "a", "b" },
	  "mmusim: bad --format 'csv' (expected auto, text, lackey, binary, champsim, din, pinatrace or drmemtrace)\n" },
	/* A name that is neither a file nor a preset (a typo of x86_64): name the presets. */
	{ { "--config", "x86-64", "translate", "0x1000" },
	  "mmusim: --config x86-64: no such file or preset (presets: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, x86_64, x86_64_ept, x86_64_la57, x86_64_npt)\n" },
	{ { "--config", "x86-64", "replay", "x" },
	  "mmusim: --config x86-64: no such file or preset (presets: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, x86_64, x86_64_ept, x86_64_la57, x86_64_npt)\n" },
	{ { "quiz", "--seed", "1", "--config", "sv64" },
	  "mmusim: --config sv64: no such file or preset (presets: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, x86_64, x86_64_ept, x86_64_la57, x86_64_npt)\n" },
	{ { "--config", "/nonexistent/m.yaml", "translate", "0x1000" },
	  "mmusim: --config /nonexistent/m.yaml: no such file or preset (presets: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, x86_64, x86_64_ept, x86_64_la57, x86_64_npt)\n" },
	{ { "--config", "/", "translate", "0x1000" }, "mmusim: /: cannot read: Is a directory\n" },
};

ParameterizedTestParameters(cli, bad_input)
{
	return cr_make_param_array(struct bad_cli, bad_clis, sizeof(bad_clis) / sizeof(bad_clis[0]));
}

/* Every bad input: exit 2, one line on stderr, nothing on stdout (and no crash or leak). */
ParameterizedTest(const struct bad_cli *c, cli, bad_input)
{
	const char *argv[6];
	int argc = 0;
	struct run_result r;

	while (argc < 6 && c->args[argc][0])
		argv[argc] = c->args[argc], argc++;
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	expect_run(&r, 2, "", c->err);
	run_result_free(&r);
}

Test(cli, setup_errors_name_file_and_line)
{
	struct run_result r;
	char *trace = write_temp_file("# text\nmap 0x400000 0x10000000 4K rxu\nmap 0x401001 0x1000 4K r\n", ".trace");
	char expect[256];

	cr_assert_eq(run_mmusim(&r, "mappings", "--setup", trace, NULL), 0);
	snprintf(expect, sizeof(expect), "mmusim: %s:3: VA 0x401001 is not aligned to the 4096-byte page\n", trace);
	expect_run(&r, 2, "", expect);
	run_result_free(&r);
	remove_temp_file(trace);

	trace = write_temp_file("r 0x1000\njump 0x2000\n", ".trace");
	cr_assert_eq(run_mmusim(&r, "mappings", "--setup", trace, NULL), 0);
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:2: unknown command 'jump' (expected map, unmap, protect, r, w, x, load, store, fetch, asid, priv, cpu, flush, tlbi, stats, poke, set-pte or pte)\n",
		 trace);
	expect_run(&r, 2, "", expect);
	run_result_free(&r);
	remove_temp_file(trace);
}

/*
 * tlbi on the x86_64 preset (the commands act on the TLB model, whatever the
 * arch), read as text and as the binary `convert` writes.  Walks: 4 PTE reads;
 * after vaale1 the PDE cache (kept) leaves 1; after vae1 (which drops ASID 0's
 * walk-cache entries too) 4 again.
 */
Test(cli, tlbi_replays_as_text_and_binary)
{
	struct run_result r;
	char *trace = write_temp_file("map 0x400000 0x10000000 4K rwu\nr 0x400000\ntlbi vaale1 va 0x400000\n"
				      "r 0x400000\ntlbi vae1is va 0x400000 asid 0\nr 0x400000\n", ".trace");
	char *bin = write_temp_file("", ".mtrace"), expect[256];

	cr_assert_eq(run_mmusim(&r, "convert", trace, bin, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(run_mmusim(&r, "--json", "replay", i ? bin : trace, NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "\"walks\":3,"), "%s", r.out);
		cr_expect(strstr(r.out, "\"pte_reads\":9,"), "%s", r.out);
		run_result_free(&r);
	}
	remove_temp_file(bin);
	remove_temp_file(trace);

	trace = write_temp_file("r 0x1000\ntlbi vae1 va 0x1000\n", ".trace");
	cr_assert_eq(run_mmusim(&r, "replay", trace, NULL), 0);
	snprintf(expect, sizeof(expect), "mmusim: %s:2: bad tlbi vae1: usage is 'tlbi vae1 va VA asid N'\n", trace);
	expect_run(&r, 2, NULL, expect); /* stdout: the statistics up to the bad line */
	run_result_free(&r);
	remove_temp_file(trace);
}

/*
 * On the aarch64 preset, a global kernel page (TTBR1, nG = 0) read in ASID 1:
 * walk 1 reads 4 PTEs.  `flush va VA asid 2` keeps the global entry (a hit);
 * `tlbi vae1 ... asid 2` drops it whatever the ASID, but not ASID 1's
 * walk-cache entries: walk 2 starts at the level-2 PWC (1 PTE); vaale1is
 * keeps the PWCs too: walk 3, 1 PTE.
 */
Test(cli, tlbi_on_aarch64_drops_a_global_entry)
{
	struct run_result r;
	char *trace = write_temp_file("map 0xffff000000200000 0x40200000 4K rwg\npriv supervisor\nasid 1\n"
				      "r 0xffff000000200000\nflush va 0xffff000000200000 asid 2\n"
				      "r 0xffff000000200000\ntlbi vae1 va 0xffff000000200abc asid 2\n"
				      "r 0xffff000000200000\ntlbi vaale1is va 0xffff000000200000\n"
				      "r 0xffff000000200000\n", ".trace");

	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"l1d\":{\"hits\":1,\"misses\":3,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"walks\":3,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"pte_reads\":6,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}

/* Running out of simulated memory is a clean error, not a crash. */
Test(cli, out_of_physical_memory)
{
	struct run_result r;
	char *cfg = write_temp_file("extends: x86_64\nmemory: { base: 0, size: 16K }\n", ".yaml");

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--map", "0x400000 0 4K r", "0x400000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: --map:1: out of physical memory: needs 3 page-table nodes, 2 frames free\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * replay on the x86_64 preset (l1i, l1d, stlb; PWCs for levels 4, 3, 2; memory
 * 100 cycles).  By hand: r 0x400000 misses l1d and stlb, probes PWC 2, 3, 4
 * (all miss) and reads 4 PTEs; r 0x400008 hits l1d; w 0x401000 misses both
 * TLBs, hits PWC level 2 and reads 1 PTE; x 0x400000 misses l1i, hits the
 * unified stlb, and faults: the page has XD set.  Cycles: (1+9+3+400) + 1 +
 * (1+9+1+100) + (1+9) = 535.
 */
Test(cli, replay_json_counts)
{
	struct run_result r;
	char *trace = write_temp_file("map 0x400000 0x10000000 8K rwu\nr 0x400000\nr 0x400008\n"
				      "w 0x401000\nx 0x400000\n", ".trace");

	cr_assert_eq(run_mmusim(&r, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"accesses\":{\"total\":4,\"read\":2,\"write\":1,\"exec\":1}"), "%s", r.out);
	cr_expect(strstr(r.out, "\"l1d\":{\"hits\":1,\"misses\":2,\"evictions\":0"), "%s", r.out);
	cr_expect(strstr(r.out, "\"stlb\":{\"hits\":1,\"misses\":2,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"pwc\":{\"4\":{\"hits\":0,\"misses\":1},\"3\":{\"hits\":0,\"misses\":1},"
			       "\"2\":{\"hits\":1,\"misses\":1}}"), "%s", r.out);
	cr_expect(strstr(r.out, "\"walks\":2,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"pte_reads\":5,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"permission\":1,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"cycles\":535,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"page_table\":{\"nodes\":5,\"bytes\":20480}"), "%s", r.out);
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	remove_temp_file(trace);
}

/* Lackey: I, L, a page-crossing S (two accesses) and M (a load then a store). */
Test(cli, replay_lackey_and_binary_agree)
{
	struct run_result r1, r2, rc;
	char *lk = write_temp_file("==1== Lackey\nI  00400000,4\n L 00400010,8\n S 00400ffc,8\n M 00401000,4\n", ".txt");
	char bin[64];

	snprintf(bin, sizeof(bin), "%s.bin", lk);
	cr_assert_eq(run_mmusim(&r1, "--json", "replay", "--demand-paging", lk, NULL), 0);
	cr_expect_eq(r1.status, 0, "%s", r1.err);
	cr_expect(strstr(r1.out, "\"format\":\"lackey\""), "%s", r1.out);
	cr_expect(strstr(r1.out, "\"accesses\":{\"total\":6,\"read\":2,\"write\":3,\"exec\":1}"), "%s", r1.out);
	cr_expect(strstr(r1.out, "\"demand_paged\":2,"), "%s", r1.out);
	cr_assert_eq(run_mmusim(&rc, "convert", lk, bin, NULL), 0);
	cr_expect_eq(rc.status, 0, "%s", rc.err);
	cr_assert_eq(run_mmusim(&r2, "--json", "replay", "--demand-paging", bin, NULL), 0);
	/* the same statistics, apart from the name and format */
	cr_expect_str_eq(strstr(r1.out, "\"config\""), strstr(r2.out, "\"config\""));
	run_result_free(&r1);
	run_result_free(&r2);
	run_result_free(&rc);
	unlink(bin);
	remove_temp_file(lk);
}

/* A bad line ends the replay with file:line, after the statistics so far, exit 2. */
Test(cli, replay_bad_trace_prints_stats_then_error)
{
	struct run_result r;
	char *trace = write_temp_file("map 0x400000 0x10000000 4K rwu\nr 0x400000\nr 0x4000zz\n", ".trace");
	char expect[256];

	cr_assert_eq(run_mmusim(&r, "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.out, "accesses        1  (read 1, write 0, exec 0)\n"), "%s", r.out);
	snprintf(expect, sizeof(expect), "mmusim: %s:3: bad VA '0x4000zz' (expected decimal or 0x-hex)\n", trace);
	cr_expect_str_eq(r.err, expect);
	run_result_free(&r);
	remove_temp_file(trace);
}

Test(cli, replay_interval_csv)
{
	struct run_result r;
	char *trace = write_temp_file("map 0x400000 0x10000000 4K rwu\nr 0x400000\nr 0x400000\nr 0x400000\n", ".trace");
	char csv[64];
	char buf[512] = "";
	FILE *f;

	snprintf(csv, sizeof(csv), "%s.csv", trace);
	cr_assert_eq(run_mmusim(&r, "replay", "--interval", "2", "--csv", csv, trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	f = fopen(csv, "r");
	cr_assert_not_null(f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	/*
	 * Columns in the preset's order.  l1i is never looked up; stlb only on the
	 * first access, which missed.  The 2M and 1G arrays are probed with the 4K
	 * ones, but the level's miss counts in the array of the page's size (4K):
	 * they count nothing.
	 */
	cr_expect_str_eq(buf, "accesses,l1i_miss_rate,l1d_miss_rate,l1i_2m_miss_rate,l1d_2m_miss_rate,"
			      "l1d_1g_miss_rate,stlb_miss_rate,stlb_1g_miss_rate,walks,faults,pte_reads,cycles\n"
			      /* l1d 1 + stlb 9 + three PWC probes 3 + 4 PTE reads of 100, then a hit (1): 414 */
			      "2,0.000000,0.500000,0.000000,0.000000,0.000000,1.000000,0.000000,1,0,4,414\n"
			      "3,0.000000,0.000000,0.000000,0.000000,0.000000,0.000000,0.000000,0,0,0,1\n");
	unlink(csv);
	run_result_free(&r);
	remove_temp_file(trace);
}

/* x86_64 with one small level-1 TLB of each kind, so that hits and misses are worked out by hand. */
static const char demand_x86[] =
	"extends: x86_64\n"
	"tlb:\n"
	"  - {name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G]}\n"
	"  - {name: l1i, level: 1, kind: instruction, entries: 4, page_sizes: [4K]}\n";

/*
 * A page read, written, then executed (4K demand pages), and code and data in
 * one 2M region (2M demand pages): the demand-mapped page allows all of it.
 * 4K: r misses l1d, its walk ends not-present (the faulted walk), the page is
 * mapped; w hits l1d and re-walks to set D (4K walk); x misses l1i (4K walk);
 * x hits.  2M: x misses l1i, faulted walk, one 2M page; r misses l1d (2M
 * walk); w hits and re-walks for D (2M walk); x hits l1i's 4K piece.
 */
Test(cli, replay_demand_paging_never_refuses_the_program)
{
	static const struct { const char *size, *trace, *walks; } cases[] = {
		{ "--demand-paging=4K", "r 0x400000\nw 0x400008\nx 0x400010\nx 0x400014\n",
		  "\"walks\":3,\"walks_by_page_size\":{\"4K\":2,\"fault\":1}," },
		{ "--demand-paging=2M", "x 0x400000\nr 0x5ff000\nw 0x5ff008\nx 0x400004\n",
		  "\"walks\":3,\"walks_by_page_size\":{\"2M\":2,\"fault\":1}," },
	};
	char *cfg = write_temp_file(demand_x86, ".yaml");

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_result r;
		char *trace = write_temp_file(cases[i].trace, ".trace");
		cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", cases[i].size, trace, NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "\"tlb\":{\"l1d\":{\"hits\":1,\"misses\":1,"), "%s: %s", cases[i].size, r.out);
		cr_expect(strstr(r.out, "\"l1i\":{\"hits\":1,\"misses\":1,"), "%s: %s", cases[i].size, r.out);
		cr_expect(strstr(r.out, cases[i].walks), "%s: %s", cases[i].size, r.out);
		cr_expect(strstr(r.out, "\"faults\":{\"non-canonical\":0,\"not-present\":0,\"reserved-bit\":0,"
				      "\"permission\":0,"), "%s: %s", cases[i].size, r.out);
		cr_expect(strstr(r.out, "\"demand_paged\":1,"), "%s: %s", cases[i].size, r.out);
		run_result_free(&r);
		remove_temp_file(trace);
	}
	remove_temp_file(cfg);
}

/* The table's walk breakdown adds up too: 3 walks = 4K 2 + 1 that ended in a fault. */
Test(cli, replay_walk_breakdown_counts_faulted_walks)
{
	struct run_result r;
	char *cfg = write_temp_file(demand_x86, ".yaml");
	char *trace = write_temp_file("r 0x400000\nw 0x400008\nx 0x400010\n", ".trace");

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", "--demand-paging", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\nwalks           3  (4K 2, fault 1)\n"), "%s", r.out);
	run_result_free(&r);
	/* without demand paging all three walks fault: nothing else in the breakdown */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect(strstr(r.out, "\"walks\":3,\"walks_by_page_size\":{\"fault\":3},"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/*
 * A warm-up of 2 accesses, given as --warmup or as a `stats reset` line, and
 * in the lackey format: both 4K pages were touched (demand paged) in the
 * warm-up, so the two reads after it hit l1d and nothing else happens.
 */
Test(cli, replay_warmup_and_stats_reset)
{
	static const char *const expect[] = {
		"\"accesses\":{\"total\":2,\"read\":2,\"write\":0,\"exec\":0}",
		"\"tlb\":{\"l1d\":{\"hits\":2,\"misses\":0,\"evictions\":0,",
		"\"walks\":0,\"walks_by_page_size\":{\"fault\":0},",
		"\"demand_paged\":0,",
	};
	char *cfg = write_temp_file(demand_x86, ".yaml");
	char *text = write_temp_file("r 0x400000\nr 0x401000\nr 0x400008\nr 0x401008\n", ".trace");
	char *reset = write_temp_file("r 0x400000\nr 0x401000\nstats reset\nr 0x400008\nr 0x401008\n", ".trace");
	char *lackey = write_temp_file("==1== Lackey\n L 00400000,4\n L 00401000,4\n L 00400008,4\n L 00401008,4\n",
				       ".txt");
	struct run_result r[4];

	cr_assert_eq(run_mmusim(&r[0], "--config", cfg, "--json", "replay", "--demand-paging", "--warmup", "2", text,
				NULL), 0);
	cr_assert_eq(run_mmusim(&r[1], "--config", cfg, "--json", "replay", "--demand-paging", reset, NULL), 0);
	cr_assert_eq(run_mmusim(&r[2], "--config", cfg, "--json", "replay", "--demand-paging", "--warmup", "2", lackey,
				NULL), 0);
	cr_assert_eq(run_mmusim(&r[3], "--json", "sweep", "--config", cfg, "--demand-paging", "--warmup", "2", lackey,
				NULL), 0);
	for (unsigned i = 0; i < 4; i++) {
		cr_expect_eq(r[i].status, 0, "run %u: %s", i, r[i].err);
		for (unsigned k = 0; k < sizeof(expect) / sizeof(expect[0]); k++)
			cr_expect(strstr(r[i].out, expect[k]), "run %u: %s not in %s", i, expect[k], r[i].out);
		run_result_free(&r[i]);
	}
	remove_temp_file(lackey);
	remove_temp_file(reset);
	remove_temp_file(text);
	remove_temp_file(cfg);
}

/*
 * --warmup N with N at least the trace's accesses: the report was of the
 * whole trace (N more: nothing reset) or empty (N equal: the reset came after
 * the last access), with no word of it; a researcher read the warm-up's
 * accesses as the measured ones.  Now a note on stderr and, in --json,
 * "warmup" {"accesses", "ended"}; replay, sweep and report alike.
 */
Test(cli, replay_warmup_at_least_the_trace_is_noted)
{
	char *trace = write_temp_file("map 0x400000 0x10000000 8K rwu\nr 0x400000\nr 0x400008\nw 0x401000\n"
				      "x 0x400000\n", ".trace");
	char never[512], whole[512], *dir = temp_dir_create(), *html = temp_dir_path(dir, "r.html");
	struct run_result r;

	snprintf(never, sizeof(never),
		 "mmusim: %s: warning: the warm-up (--warmup 5) never ended: the trace has only 4 accesses, so nothing "
		 "was reset and these statistics include the warm-up\n", trace);
	snprintf(whole, sizeof(whole),
		 "mmusim: %s: warning: the warm-up (--warmup 4) took the whole trace: no access is left after it, "
		 "these statistics are empty\n", trace);
	cr_assert_eq(run_mmusim(&r, "replay", "--warmup", "5", trace, NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, never);
	cr_expect(strstr(r.out, "accesses        4  (read 2, write 1, exec 1)\n"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--warmup", "5", trace, NULL), 0);
	cr_expect_str_eq(r.err, never);
	cr_expect(strstr(r.out, "\"accesses\":{\"total\":4,"), "%s", r.out);
	cr_expect(strstr(r.out, ",\"warmup\":{\"accesses\":5,\"ended\":false}}\n"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--warmup", "4", trace, NULL), 0);
	cr_expect_str_eq(r.err, whole);
	cr_expect(strstr(r.out, "\"accesses\":{\"total\":0,"), "%s", r.out);
	cr_expect(strstr(r.out, ",\"warmup\":{\"accesses\":4,\"ended\":true}}\n"), "%s", r.out);
	run_result_free(&r);
	/* A warm-up that ends inside the trace: no note. */
	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--warmup", "3", trace, NULL), 0);
	cr_expect_str_eq(r.err, "");
	cr_expect(strstr(r.out, "\"accesses\":{\"total\":1,"), "%s", r.out);
	cr_expect(strstr(r.out, ",\"warmup\":{\"accesses\":3,\"ended\":true}}\n"), "%s", r.out);
	run_result_free(&r);
	/* Without --warmup, no "warmup" key. */
	cr_assert_eq(run_mmusim(&r, "--json", "replay", trace, NULL), 0);
	cr_expect_null(strstr(r.out, "warmup"), "%s", r.out);
	run_result_free(&r);
	/* sweep: once for the trace when every config agrees. */
	cr_assert_eq(run_mmusim(&r, "sweep", "--config", "x86_64", "--config", "sv39", "--warmup", "5", trace, NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, never);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "report", "--html", html, "--replay", trace, "--warmup", "5", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.err, never);
	run_result_free(&r);
	free(html);
	temp_dir_remove(dir);
	remove_temp_file(trace);
}

/*
 * A lackey line that crosses a page is one access per page, so two configs
 * can count the same trace differently: a sweep names each config in its
 * note when they disagree.
 */
Test(cli, sweep_warmup_note_names_configs_that_disagree)
{
	char *lackey = write_temp_file("==1== Lackey\n L 00400ffe,4\n L 00400000,4\n", ".txt");
	struct run_result r;
	char want[1024];

	cr_assert_eq(run_mmusim(&r, "sweep", "--demand-paging", "--config", "x86_64", "--config", "aarch64_16k",
				"--warmup", "5", lackey, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want),
		 "mmusim: %s: warning: x86_64: the warm-up (--warmup 5) never ended: the trace has only 3 accesses, so "
		 "nothing was reset and these statistics include the warm-up\n"
		 "mmusim: %s: warning: aarch64_16k: the warm-up (--warmup 5) never ended: the trace has only 2 "
		 "accesses, so nothing was reset and these statistics include the warm-up\n", lackey, lackey);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(lackey);
}

/*
 * --warmup 3 over a trace with a `stats reset` line after its second access:
 * the warm-up is the trace's first 3 accesses, so the report counts the 4
 * after them.  The reset line restarted the warm-up's count: it ended 3
 * accesses after the line, and the report counted 2.
 */
Test(cli, replay_warmup_counts_through_a_stats_reset)
{
	char *trace = write_temp_file("map 0x400000 0x10000000 8K rwu\nr 0x400000\nr 0x400008\nstats reset\n"
				      "w 0x401000\nx 0x400000\nr 0x400000\nr 0x400000\nr 0x401000\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--warmup", "3", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"accesses\":{\"total\":4,\"read\":3,\"write\":0,\"exec\":1}"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}

/* --demand-paging=2M on sv39 is a megapage; 64K is not a leaf size there. */
Test(cli, replay_demand_paging_size_checked)
{
	struct run_result r;
	char *trace = write_temp_file("r 0x400000\n", ".trace");

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "replay", "--demand-paging=64K", trace, NULL), 0);
	expect_run(&r, 2, "", "mmusim: --demand-paging size 65536 is not a page size of sv39\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "--json", "replay", "--demand-paging=2M", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"demand_paged\":1,"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
}

/*
 * dump -> image: for every preset, the page tables read back from the ELF dump
 * give the same mappings and the same translations as the machine that wrote them.
 */
ParameterizedTestParameters(cli, dump_image_round_trip)
{
	return cr_make_param_array(struct preset_case, preset_cases,
				   sizeof(preset_cases) / sizeof(preset_cases[0]));
}

ParameterizedTest(const struct preset_case *c, cli, dump_image_round_trip)
{
	struct run_result built, read_back, dump, t1, t2;
	bool riscv = c->config[0] == 's';
	char trace_text[512], elf[64];
	char *trace;

	snprintf(trace_text, sizeof(trace_text),
		 "map 0x400000 %s 8K rxu\nmap 0x600000 %s 2M rwu\nmap %s %s 1G rwg\nw 0x600010\n",
		 riscv ? "0x80200000" : "0x200000", riscv ? "0x80400000" : "0x400000", c->kernel_va,
		 riscv ? "0xc0000000" : "0x40000000");
	trace = write_temp_file(trace_text, ".trace");
	snprintf(elf, sizeof(elf), "%s.elf", trace);

	cr_assert_eq(run_mmusim(&dump, "--config", c->config, "--json", "dump", "--elf", elf, "--setup", trace, NULL), 0);
	cr_expect_eq(dump.status, 0, "%s", dump.err);
	cr_expect(strstr(dump.out, riscv ? "\"satp\":\"0x" : "\"cr3\":\"0x"), "%s", dump.out);
	cr_assert_eq(run_mmusim(&built, "--config", c->config, "mappings", "--setup", trace, NULL), 0);
	cr_assert_eq(run_mmusim(&read_back, "--config", c->config, "mappings", "--image", elf, NULL), 0);
	cr_expect_eq(read_back.status, 0, "%s", read_back.err);
	cr_expect_str_eq(read_back.out, built.out);
	cr_expect_neq(strlen(built.out), 0);

	cr_assert_eq(run_mmusim(&t1, "--config", c->config, "--json", "translate", "--access", "x", "--setup", trace,
				"0x401234", "0x7ff000", c->kernel_va, NULL), 0);
	cr_assert_eq(run_mmusim(&t2, "--config", c->config, "--json", "translate", "--access", "x", "--image", elf,
				"0x401234", "0x7ff000", c->kernel_va, NULL), 0);
	cr_expect_str_eq(t2.out, t1.out);
	run_result_free(&built);
	run_result_free(&read_back);
	run_result_free(&dump);
	run_result_free(&t1);
	run_result_free(&t2);
	unlink(elf);
	remove_temp_file(trace);
}

/* --cr3 / --satp select the root; a satp of another mode is refused with a reason. */
Test(cli, image_root_registers)
{
	struct run_result r;
	char *trace = write_temp_file("map 0x400000 0x80200000 4K rxu\n", ".trace");
	char elf[64];

	snprintf(elf, sizeof(elf), "%s.elf", trace);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "dump", "--elf", elf, "--setup", trace, NULL), 0);
	/* root 0x80001000 (ASID 0): satp = MODE 8 << 60 | PPN 0x80001 */
	cr_expect(strstr(r.out, "root 0x80001000, satp 0x8000000000080001"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--image", elf, "--satp",
				"0x8000000000080001", "0x400010", NULL), 0);
	expect_run(&r, 0, "0x400010 r user: pa 0x80200010 (4K page, level 1) perms r-xu-\n", "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--image", elf, "--satp",
				"0x9000000000080001", "0x400010", NULL), 0);
	expect_run(&r, 2, "", "mmusim: satp MODE 9 (Sv48) does not match the config's Sv39 (MODE 8)\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--image", elf, "--cr3", "0x1000", "0x400010", NULL), 0);
	expect_run(&r, 2, "", "mmusim: --cr3 is not a register of riscv64: use --satp\n");
	run_result_free(&r);
	/* --root at a frame that is not a table: the walk faults, it does not crash */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "--json", "translate", "--image", elf, "--root", "0x70000000",
				"0x400010", NULL), 0);
	expect_run(&r, 0, "{\"va\":\"0x400010\",\"access\":\"r\",\"priv\":\"user\",\"fault\":{\"kind\":\"bus-error\",\"level\":3,\"code\":\"0x5\"}}\n", "");
	run_result_free(&r);
	unlink(elf);
	remove_temp_file(trace);
}

/*
 * --root must be an address the root register can hold: x86 CR3 bits 11:0
 * are flags and PCID (SDM vol. 3 4.5), satp holds a PPN (privileged spec
 * 10.1.11), so the root table is 4K-aligned on both.  Every command that takes
 * --image refuses another root with exit 2, before any walk.
 */
Test(cli, image_unaligned_root_is_refused)
{
	static const struct {
		const char *config, *map, *root, *err;
	} cases[] = {
		{ "x86_64", "0x400000 0x200000 8K rxu", "0x1001",
		  "mmusim: root 0x1001 is not a table address cr3 can hold (it would point at 0x1000): a root table is "
		  "aligned, and the bits below are not address bits\n" },
		{ "x86_64", "0x400000 0x200000 8K rxu", "0x1ff8",
		  "mmusim: root 0x1ff8 is not a table address cr3 can hold (it would point at 0x1000): a root table is "
		  "aligned, and the bits below are not address bits\n" },
		{ "sv39", "0x400000 0x80200000 8K rxu", "0x80001010",
		  "mmusim: root 0x80001010 is not a table address satp can hold (it would point at 0x80001000): a root "
		  "table is aligned, and the bits below are not address bits\n" },
	};
	char *trace = write_temp_file("r 0x400000\n", ".trace"), elf[64];

	snprintf(elf, sizeof(elf), "%s.elf", trace);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_result r;
		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "dump", "--elf", elf, "--map", cases[i].map,
					NULL), 0);
		cr_assert_eq(r.status, 0, "%s", r.err);
		run_result_free(&r);
		const char *const cmds[][8] = {
			{ "--config", cases[i].config, "translate", "--image", elf, "--root", cases[i].root, "0x400000" },
			{ "--config", cases[i].config, "mappings", "--image", elf, "--root", cases[i].root },
			{ "--config", cases[i].config, "show", "--image", elf, "--root", cases[i].root },
			{ "--config", cases[i].config, "replay", "--image", elf, "--root", cases[i].root, trace },
		};
		for (size_t c = 0; c < 4; c++) {
			int argc = cmds[c][7] ? 8 : 7;
			cr_assert_eq(run_mmusim_argv(&r, argc, cmds[c]), 0);
			cr_expect_eq(r.status, 2, "%s %s", cmds[c][2], cases[i].root);
			cr_expect_str_eq(r.out, "", "%s", cmds[c][2]);
			cr_expect_str_eq(r.err, cases[i].err, "%s", cmds[c][2]);
			run_result_free(&r);
		}
		/* The aligned root reads the same tables. */
		char aligned[32];
		snprintf(aligned, sizeof(aligned), "%s", cases[i].config[0] == 's' ? "0x80001000" : "0x1000");
		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "mappings", "--image", elf, "--root", aligned,
					NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect_neq(strlen(r.out), 0);
		run_result_free(&r);
		unlink(elf);
	}
	remove_temp_file(trace);
}

/*
 * A hand-built raw image (16 KiB at PA 0) with a self-referencing root entry,
 * an all-ones entry and a pointer out of the image: every walk ends in an
 * answer, never a crash.  Entry 0 = 0x7 (P RW US, address 0: the root itself),
 * so VA 0 walks root -> root -> root -> root and maps PA 0 as a 4K page.
 */
Test(cli, image_with_cycles_garbage_and_escapes)
{
	static uint64_t mem[2048];
	char path[] = "/tmp/mmusim-raw-XXXXXX";
	struct run_result r;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	memset(mem, 0, sizeof(mem));
	mem[0] = 0x7;                    /* -> the root itself */
	mem[1] = ~0ull;                  /* PS in a PML4E: reserved */
	mem[2] = 0x100000 | 0x7;         /* -> a table at 1 MiB, outside the image */
	cr_assert_eq(write(fd, mem, sizeof(mem)), (ssize_t)sizeof(mem));
	close(fd);
	cr_assert_eq(run_mmusim(&r, "translate", "--image", path, "--image-base", "0", "--root", "0",
				"0x0", "0x8000000000", "0x10000000000", NULL), 0);
	expect_run(&r, 0,
		   "0x0 r user: pa 0x0 (4K page, level 1) perms rwxu-\n"
		   "0x8000000000 r user: fault reserved-bit at level 4, #PF error code 0xd (P U RSVD): "
		   "PS is set at a level that cannot map a page\n"
		   "0x10000000000 r user: fault bus-error at level 3, no #PF: the PDPTE read fails "
		   "(machine check on real hardware): the PDPTE address lies outside physical memory\n",
		   "");
	run_result_free(&r);
	/* mappings over the same image: the cycle maps VA 0 (and its aliases), the rest is skipped */
	cr_assert_eq(run_mmusim(&r, "mappings", "--image", path, "--root", "0", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "0x0 0x1000 0x0 rwxu-\n", 21) == 0, "%s", r.out);
	run_result_free(&r);
	/* the file itself is untouched: the walk set A in a private copy */
	FILE *f = fopen(path, "rb");
	uint64_t first = 0;
	cr_assert_eq(fread(&first, 8, 1, f), 1);
	fclose(f);
	cr_expect_eq(first, 0x7);
	unlink(path);
}

/* Writes the 4K nodes (index i at PA 0x1000 * (i + 1)) as a raw image from PA 0; returns its path. */
static char *shared_nodes_image(const uint64_t (*nodes)[512], unsigned nr)
{
	static const uint64_t zero[512];
	char *path = write_temp_bytes(zero, sizeof(zero));
	FILE *f = fopen(path, "ab");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(nodes, sizeof(nodes[0]), nr, f), nr);
	fclose(f);
	return path;
}

/*
 * Linux's espfix area, as every x86-64 Linux kernel maps it: one PMD page
 * under 4 PUD entries, one PTE page under all 512 of its entries, 2050
 * re-entries of nodes that are not ancestors of the entry (sharing, not a
 * loop). mappings listed 62 of them, then stopped ("leads back into its own
 * nodes more than 64 times"), before the kernel text and fixmap that follow;
 * it lists all 2048 leaves and what follows, as the hardware translates them.
 */
Test(cli, mappings_lists_nodes_shared_under_many_entries, .init = time_limit_30s)
{
	static uint64_t nodes[6][512];   /* PAs 0x1000 (root) ... 0x6000 */
	struct run_result r;

	nodes[0][0] = 0x2000 | 0x7;                  /* root -> PUD */
	for (int i = 0; i < 4; i++)
		nodes[1][i] = 0x3000 | 0x7;          /* 4 PUD entries -> one PMD */
	for (int i = 0; i < 512; i++)
		nodes[2][i] = 0x4000 | 0x7;          /* 512 PMD entries -> one PT */
	nodes[3][0] = 0x9000 | 0x7;                  /* the PT: one 4K leaf */
	nodes[0][1] = 0x5000 | 0x7;                  /* then a table of its own at 512G */
	nodes[4][0] = 0x6000 | 0x7;
	nodes[5][0] = 0x200000 | 0x87;               /* a 2M leaf */
	char *path = shared_nodes_image(nodes, 6);
	cr_assert_eq(run_mmusim(&r, "mappings", "--image", path, "--root", "0x1000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	size_t lines = 0;
	for (const char *p = r.out; (p = strchr(p, '\n')); p++)
		lines++;
	cr_expect_eq(lines, 4 * 512 + 1);
	cr_expect(strncmp(r.out, "0x0 0x1000 0x9000 rwxu-\n0x200000 0x201000 0x9000 rwxu-\n", 52) == 0, "%.200s", r.out);
	cr_expect(strstr(r.out, "\n0xffe00000 0xffe01000 0x9000 rwxu-\n0x8000000000 0x8000200000 0x200000 rwxu-\n") != NULL,
		  "%s", r.out + (strlen(r.out) > 200 ? strlen(r.out) - 200 : 0));
	run_result_free(&r);

	/* Shared past 4096 re-entries (every root entry -> the PUD, every PUD entry -> the PMD): it stops and says so. */
	for (int i = 0; i < 512; i++)
		nodes[0][i] = 0x2000 | 0x7, nodes[1][i] = 0x3000 | 0x7;
	remove_temp_file(path);
	path = shared_nodes_image(nodes, 4);
	cr_assert_eq(run_mmusim(&r, "mappings", "--image", path, "--root", "0x1000", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: mappings: stopped: page-table nodes are reached again through more than 4096 "
				"other entries (nodes shared under many entries repeat their mappings each time)\n");
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * A root whose 512 entries all point at itself (P RW US, address 0) is a tree
 * of 512^4 leaves.  The walk re-enters a node at most 64 times
 * (MMUSIM_FOR_EACH_MAX_REENTRIES): the root as L3 and as L2 are re-entries 1
 * and 2, then 62 re-entries as L1 list 512 4K leaves each, all at PA 0 (so
 * none merge): 31744 lines from VA 0 up to 0x7c00000, then the error.
 */
Test(cli, mappings_over_a_self_referencing_image_stops, .init = time_limit_30s)
{
	static uint64_t root[512];
	char path[] = "/tmp/mmusim-raw-XXXXXX";
	struct run_result r;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	for (int i = 0; i < 512; i++)
		root[i] = 0x7;
	cr_assert_eq(write(fd, root, sizeof(root)), (ssize_t)sizeof(root));
	close(fd);
	cr_assert_eq(run_mmusim(&r, "mappings", "--image", path, "--image-base", "0", "--root", "0", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: mappings: stopped: the page table leads back into its own nodes more than 64 "
				"times (entries that point back into the table)\n");
	size_t lines = 0;
	for (const char *p = r.out; (p = strchr(p, '\n')); p++)
		lines++;
	cr_expect_eq(lines, 62 * 512);
	cr_expect(strncmp(r.out, "0x0 0x1000 0x0 rwxu-\n0x1000 0x2000 0x0 rwxu-\n", 44) == 0, "%.200s", r.out);
	static const char last[] = "\n0x7bff000 0x7c00000 0x0 rwxu-\n";
	cr_expect(strlen(r.out) > sizeof(last) && strcmp(r.out + strlen(r.out) - strlen(last), last) == 0);
	run_result_free(&r);
	unlink(path);
}

/*
 * An image holds anything: entries that look like leaves but fault lists no
 * mapping (SDM vol. 3 4.5, table 4-14ff: PS is reserved in a PML4E, and a
 * 2M PDE's bits 20:13 are reserved).  Raw image at 0: PML4[0] -> 0x1000
 * (PDPT), PML4[1] = PS (reserved); PDPT[0] -> 0x2000 (PD); PD[0] a 2M page
 * at 0x200000, PD[1] a 2M page with bit 13 set.
 */
Test(cli, mappings_skip_entries_the_walk_refuses)
{
	static uint64_t img[3 * 512];
	char path[] = "/tmp/mmusim-raw-XXXXXX";
	struct run_result r;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	img[0] = 0x1000 | 0x7;
	img[1] = 0x40000000 | 0x80 | 0x7;
	img[512] = 0x2000 | 0x7;
	img[1024] = 0x200000 | 0x80 | 0x7;
	img[1025] = 0x400000 | 0x2000 | 0x80 | 0x7;
	cr_assert_eq(write(fd, img, sizeof(img)), (ssize_t)sizeof(img));
	close(fd);
	cr_assert_eq(run_mmusim(&r, "mappings", "--image", path, "--image-base", "0", "--root", "0", NULL), 0);
	expect_run(&r, 0, "0x0 0x200000 0x200000 rwxu-\n", "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "translate", "--image", path, "--image-base", "0", "--root", "0", "0x8000000000",
				"0x200000", NULL), 0);
	cr_expect(strstr(r.out, "0x8000000000 r user: fault reserved-bit at level 4"), "%s", r.out);
	cr_expect(strstr(r.out, "0x200000 r user: fault reserved-bit at level 2"), "%s", r.out);
	run_result_free(&r);
	/* A root outside the image lists nothing and says so, as show does. */
	cr_assert_eq(run_mmusim(&r, "mappings", "--image", path, "--image-base", "0", "--root", "0x100000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: mappings: cannot read the root table at 0x100000: outside physical memory\n");
	run_result_free(&r);
	unlink(path);
}

/* The exclusive end of a range that reaches the top of the 64-bit space is 2^64, with its 17th digit. */
Test(cli, mappings_end_at_the_top_of_the_space)
{
	struct run_result r;

	/* The last 4K page of the kernel half, and a 2M page plus the 4K pages after it, contiguous in PA. */
	cr_assert_eq(run_mmusim(&r, "mappings", "--map", "0xfffffffffffff000 0x5000 4K rw", NULL), 0);
	expect_run(&r, 0, "0xfffffffffffff000 0x10000000000000000 0x5000 rw---\n", "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--json", "mappings", "--map", "0xffffffffffc00000 0x40000000 2M rw", "--map",
				"0xffffffffffe00000 0x40200000 2M rw", NULL), 0);
	expect_run(&r, 0, "{\"va_start\":\"0xffffffffffc00000\",\"va_end\":\"0x10000000000000000\","
			  "\"pa_start\":\"0x40000000\",\"perms\":\"rw---\"}\n", "");
	run_result_free(&r);
	/* Sv39: the top 1G page, 0xffffffffc0000000 (sign-extended VPN[2] = 511). */
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "mappings", "--map", "0xffffffffc0000000 0xc0000000 1G rw",
				NULL), 0);
	expect_run(&r, 0, "0xffffffffc0000000 0x10000000000000000 0xc0000000 rw---\n", "");
	run_result_free(&r);
}

/* replay --dump-elf leaves the demand-paged address space for mappings --image. */
Test(cli, replay_dump_elf_then_image)
{
	struct run_result r;
	char *trace = write_temp_file("r 0x400000\nw 0x600000\n", ".trace");
	char elf[64];

	snprintf(elf, sizeof(elf), "%s.elf", trace);
	cr_assert_eq(run_mmusim(&r, "replay", "--demand-paging", "--dump-elf", elf, trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "mappings", "--image", elf, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "0x400000 0x401000 0x", 20) == 0, "%s", r.out);
	cr_expect(strstr(r.out, " rwxu-\n0x600000 0x601000 0x"), "%s", r.out);
	run_result_free(&r);
	unlink(elf);
	remove_temp_file(trace);
}

/* Replaying over a dump's page tables gives the same TLB and walk statistics as over the built tables. */
Test(cli, replay_over_image_matches_built_tables)
{
	struct run_result built, dumped, over_image;
	char *setup = write_temp_file("map 0x400000 0x10000000 16K rxu\nmap 0x600000 0x10200000 2M rwu\n", ".trace");
	char *trace = write_temp_file("x 0x400000\nr 0x401008\nw 0x600010\nw 0x7ff000\nr 0x900000\nx 0x400004\n", ".trace");
	char elf[64];

	snprintf(elf, sizeof(elf), "%s.elf", setup);
	cr_assert_eq(run_mmusim(&dumped, "dump", "--elf", elf, "--setup", setup, NULL), 0);
	cr_assert_eq(run_mmusim(&built, "--json", "replay", "--setup", setup, trace, NULL), 0);
	cr_assert_eq(run_mmusim(&over_image, "--json", "replay", "--image", elf, trace, NULL), 0);
	cr_expect_eq(over_image.status, 0, "%s", over_image.err);
	/* everything from "accesses" to "page_table" must agree (the image's nodes are not counted) */
	char *a = strstr(built.out, "\"accesses\""), *b = strstr(over_image.out, "\"accesses\"");
	char *ae = strstr(built.out, "\"page_table\""), *be = strstr(over_image.out, "\"page_table\"");
	cr_assert(a && b && ae && be);
	cr_expect_eq(ae - a, be - b);
	cr_expect(strncmp(a, b, (size_t)(ae - a)) == 0, "built: %s\nimage: %s", built.out, over_image.out);
	cr_expect(strstr(built.out, "\"not-present\":1,"), "%s", built.out);
	run_result_free(&built);
	run_result_free(&dumped);
	run_result_free(&over_image);
	/* The text names the image's tables as not counted: "0 nodes" read as a result. */
	cr_assert_eq(run_mmusim(&over_image, "replay", "--image", elf, trace, NULL), 0);
	cr_expect_eq(over_image.status, 0, "%s", over_image.err);
	cr_expect(strstr(over_image.out, "\npage table      the image's (its nodes are not counted)\n"), "%s",
		  over_image.out);
	run_result_free(&over_image);
	cr_assert_eq(run_mmusim(&over_image, "replay", "--image", elf, "--demand-paging", trace, NULL), 0);
	expect_run(&over_image, 2, "", "mmusim: replay: --demand-paging needs simulated memory, not an --image\n");
	run_result_free(&over_image);
	/* The message names the option given, not both. */
	cr_assert_eq(run_mmusim(&over_image, "replay", "--image", elf, "--dump-elf", "/tmp/mmusim-never.elf", trace, NULL), 0);
	expect_run(&over_image, 2, "", "mmusim: replay: --dump-elf needs simulated memory, not an --image\n");
	cr_expect_eq(access("/tmp/mmusim-never.elf", F_OK), -1);
	run_result_free(&over_image);
	/* an edit in the trace cannot allocate in an image: a clean error with the line */
	char *edit = write_temp_file("r 0x400000\nmap 0x900000 0x1000 4K r\n", ".trace");
	char expect[256];
	cr_assert_eq(run_mmusim(&over_image, "replay", "--image", elf, edit, NULL), 0);
	cr_expect_eq(over_image.status, 2);
	snprintf(expect, sizeof(expect), "mmusim: %s:2: an image's page tables are read-only: map needs simulated memory\n", edit);
	cr_expect_str_eq(over_image.err, expect);
	run_result_free(&over_image);
	remove_temp_file(edit);
	unlink(elf);
	remove_temp_file(setup);
	remove_temp_file(trace);
}

/* Every CPU has its own caches: a trace that would need absurd host memory for them is refused. */
Test(cli, replay_refuses_absurd_cache_memory)
{
	struct run_result r;
	char *cfg = write_temp_file("extends: x86_64\ntlb: [{name: big, level: 2, kind: unified, entries: 1048576, "
				    "ways: 16, page_sizes: [4K]}]\npwc: []\n", ".yaml");
	char text[2048] = "", expect[256];
	char *trace;

	for (int i = 1; i <= 100; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "cpu %d\n", i * 10);
	trace = write_temp_file(text, ".trace");
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 2);
	/* 1 Mi entries of 48 bytes per CPU: the 86th CPU would pass 4 GiB */
	snprintf(expect, sizeof(expect),
		 "mmusim: %s:85: cpu 850: 86 CPUs with 1048576 cache entries each would need more than 4096 MiB\n", trace);
	cr_expect_str_eq(r.err, expect);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/*
 * --ac is x86's EFLAGS.AC, which lifts SMAP (SDM vol. 3 4.6.1): a config
 * whose format has no SMAP refuses it, naming its arch, as --tcr or --cr3
 * are refused where they are not registers; an x86 config takes it.
 */
Test(cli, ac_is_refused_without_smap)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "translate", "--ac", "0x1000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: --ac sets x86 EFLAGS.AC, which lifts SMAP: riscv64 has no SMAP\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "aarch64", "explain", "--ac", "0x1000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: --ac sets x86 EFLAGS.AC, which lifts SMAP: aarch64 has no SMAP\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "translate", "--map", "0x400000 0x200000 4K rwu", "--supervisor",
				"--ac", "0x400000", NULL), 0);
	expect_run(&r, 0, "0x400000 r supervisor: pa 0x200000 (4K page, level 1) perms rwxu-\n", "");
	run_result_free(&r);
}

/*
 * A 32-bit machine cannot form a VA wider than 32 bits: x86 32-bit paging
 * translates 32-bit linear addresses (SDM vol. 3 4.3; the canonical rule and
 * its #GP belong to 64-bit mode, 3.3.7.1), Sv32 a 32-bit VA on an SXLEN=32
 * hart (privileged spec, Sv32).  translate and explain refuse it as out of
 * range (exit 2, nothing on stdout), the top 32-bit address still walks, and
 * a toy format's VA wider than its own width stays the fault OSTEP's key
 * expects (its addresses are not register-sized).
 */
Test(cli, va_beyond_a_32_bit_machine_is_refused)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "translate", "0x100000000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: VA '0x100000000' is out of range: x86_32 addresses are 32 bits\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "explain", "0x1000", "0xffffffff00000000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: VA '0xffffffff00000000' is out of range: x86_32 addresses are 32 bits\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "translate", "0x100000000", NULL), 0);
	expect_run(&r, 2, "", "mmusim: VA '0x100000000' is out of range: riscv32 addresses are 32 bits\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "translate", "0xffffffff", NULL), 0);
	expect_run(&r, 0, "0xffffffff r user: fault not-present at level 2, #PF error code 0x4 (U): the PDE is not "
		   "present (P/V bit clear)\n", "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "toy", "translate", "0x10045", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0x10045 r user: fault non-canonical"), "%s", r.out);
	run_result_free(&r);
}

/*
 * The same VA in a trace (a 64-bit program's, replayed on a 32-bit machine)
 * stops the replay at its line, as any input error does: it was counted as a
 * non-canonical fault, a #GP that 32-bit paging has no notion of.  A map
 * there is refused in the same words (it said "not canonical").
 */
Test(cli, trace_va_beyond_a_32_bit_machine_stops_the_replay)
{
	char *trace = write_temp_file("r 0x1000\nr 0x7ff0001000\nr 0x2000\n", ".trace");
	char *setup = write_temp_file("map 0x100001000 0x1000 4K rw\n", ".trace");
	char want[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "replay", "--demand-paging", trace, NULL), 0);
	snprintf(want, sizeof(want), "mmusim: %s:2: VA 0x7ff0001000 is out of range: x86_32 addresses are 32 bits\n",
		 trace);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect_str_eq(r.err, want);
	cr_expect(!strstr(r.out, "non-canonical"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv32", "replay", "--demand-paging", trace, NULL), 0);
	snprintf(want, sizeof(want), "mmusim: %s:2: VA 0x7ff0001000 is out of range: riscv32 addresses are 32 bits\n",
		 trace);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "translate", "--setup", setup, "0x1000", NULL), 0);
	snprintf(want, sizeof(want), "mmusim: %s:1: VA 0x100001000 is out of range: x86_32 addresses are 32 bits\n",
		 setup);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	/* The toy's narrow VAs keep their fault (see above). */
	cr_assert_eq(run_mmusim(&r, "--config", "toy", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "non-canonical 1"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(setup);
}
