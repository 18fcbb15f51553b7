/*
 * End to end: explain, show and report --html.  The golden files under
 * tests/golden were written by hand from the specs (see their README) and are
 * compared to the byte; DOT is fed to Graphviz and the HTML page to headless
 * Chromium when they are installed (the tests say so and skip otherwise).
 */
#define _DEFAULT_SOURCE /* forkpty, mkstemp */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "time_limit.h"

#define GOLDEN MMUSIM_SOURCE_DIR "/tests/golden/"
#define EXAMPLE MMUSIM_SOURCE_DIR "/traces/example.trace"
#define TLB_DEMO MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * The golden setup of one preset (tests/golden/README.md): its maps (the 64-bit
 * presets a user and a kernel map, the 2-level teaching presets also a user
 * huge page) and the VAs explain walks; unused slots are empty strings.
 */
struct preset_case {
	char name[16];
	char map[3][64];
	char va[4][24];
};

static struct preset_case presets[] = {
	{ "x86_64", { "0x8080604000 0x5000000 12K rwu", "0xffff800000000000 0x0 2M rwg" }, { "0x8080604abc", "0x8080607abc" } },
	{ "x86_64_la57", { "0x10100c0805000 0x5000000 12K rwu", "0xff00000000000000 0x0 2M rwg" }, { "0x10100c0805abc" } },
	{ "sv39", { "0x40403000 0x85000000 12K rwu", "0xffffffc000000000 0x80000000 2M rwg" }, { "0x40403abc", "0x40406abc" } },
	{ "sv48", { "0x8080604000 0x85000000 12K rwu", "0xffff800000000000 0x80000000 2M rwg" }, { "0x8080604abc" } },
	{ "sv57", { "0x10100c0805000 0x85000000 12K rwu", "0xff00000000000000 0x80000000 2M rwg" }, { "0x10100c0805abc" } },
	{ "sv32", { "0x402000 0x85000000 12K rwu", "0x800000 0x300400000 4M rxu", "0x80000000 0x80000000 4M rwg" },
	  { "0x402abc", "0x812345", "0x405abc", "0x80000123" } },
	{ "x86_32", { "0x402000 0x5000000 12K rwu", "0x800000 0x12c0400000 4M ru", "0xc0000000 0x0 4M rwg" },
	  { "0x402abc", "0x812345", "0x405abc", "0xc0000123" } },
	{ "toy", { "0x880 0x1200 192 rwu", "0x1000 0x2800 2K rxu", "0x8000 0x0 2K rw" },
	  { "0x8a5", "0x1234", "0x945", "0x8123" } },
};

/* Runs `mmusim --config NAME COMMAND --map ... [extra...] [the VAs when with_vas]`. */
static void run_preset(struct run_result *r, const struct preset_case *p, const char *command,
		       const char *const *extra, bool with_vas)
{
	const char *argv[32];
	int argc = 0;

	argv[argc++] = "--config";
	argv[argc++] = p->name;
	argv[argc++] = command;
	for (size_t i = 0; i < sizeof(p->map) / sizeof(p->map[0]) && p->map[i][0]; i++) {
		argv[argc++] = "--map";
		argv[argc++] = p->map[i];
	}
	for (; extra && *extra; extra++)
		argv[argc++] = *extra;
	for (size_t i = 0; with_vas && i < sizeof(p->va) / sizeof(p->va[0]) && p->va[i][0]; i++)
		argv[argc++] = p->va[i];
	cr_assert_eq(run_mmusim_argv(r, argc, argv), 0);
}

ParameterizedTestParameters(golden, show)
{
	return cr_make_param_array(struct preset_case, presets, sizeof(presets) / sizeof(presets[0]));
}

ParameterizedTest(struct preset_case *p, golden, show)
{
	char path[4096];
	struct run_result r;

	snprintf(path, sizeof(path), GOLDEN "show_%s.txt", p->name);
	char *want = slurp(path);
	run_preset(&r, p, "show", NULL, false);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, want);
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	free(want);
}

ParameterizedTestParameters(golden, explain)
{
	return cr_make_param_array(struct preset_case, presets, sizeof(presets) / sizeof(presets[0]));
}

ParameterizedTest(struct preset_case *p, golden, explain)
{
	char path[4096];
	struct run_result r;

	snprintf(path, sizeof(path), GOLDEN "explain_%s.txt", p->name);
	char *want = slurp(path);
	run_preset(&r, p, "explain", NULL, true);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, want);
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	free(want);
}

/* A write by the user to the supervisor-only kernel page: the rule and the bits quoted. */
Test(explain, permission_fault_quotes_the_bits)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "explain", "--map", "0xffff800000000000 0x0 2M rwg", "--access", "w",
				"0xffff800000000123", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "  L2  table 0x3000 + index 0 x 8 = PDE at 0x3000\n"
				"      raw    0x8000000000000183\n"
				"      bits   P RW PS G XD addr=0x0\n"), "%s", r.out);
	/* The pointers above are P|RW|US: the 2M PDE's U/S=0 refuses (SDM 4.6), and it is the entry quoted. */
	cr_expect(strstr(r.out, "fault permission at level 2: user-mode access, but U/S=0 in an entry of the walk\n"
				"  refused by the PDE (L2) at 0x3000: 0x8000000000000183 = P RW PS G XD addr=0x0\n"
				"  raised as #PF error code 0x7 (P W U)\n"), "%s", r.out);
	run_result_free(&r);
}

Test(explain, non_canonical_quotes_the_sign_bits)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "explain", "0x0000800000000000", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "  sign ext.  63:48  0x0    0b0000000000000000  not all equal to bit 47: NOT canonical\n"),
		  "%s", r.out);
	cr_expect(strstr(r.out, "fault non-canonical (no entry was read): "), "%s", r.out);
	cr_expect(strstr(r.out, "  the bits: VA bits 63:48 = 0x0 while bit 47 = 1\n  raised as #GP(0)\n"), "%s", r.out);
	run_result_free(&r);
}

/*
 * A narrow format has no bits above its VA: drawn only when a VA sets some,
 * which is its fault.  Sv32's (a 32-bit machine's) such VA is refused before
 * any walk: cli/va_beyond_a_32_bit_machine_is_refused.
 */
Test(explain, narrow_va_above_its_width)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "toy", "explain", "0x10045", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "VA 0x10045 as its bit fields:\n"
				"  field      bits   hex            binary\n"
				"  unused     63:16  0x1            0b000000000000000000000000000000000000000000000001"
				"  not 0: NOT a 16-bit VA\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  the bits: VA bits 63:16 = 0x1, above the 16 bits of a VA\n"
				"  raised as address outside the VA space\n"), "%s", r.out);
	run_result_free(&r);
}

/*
 * translate --explain is explain's text (one explainer): on narrow formats the
 * VA in its own width, PTEs in pte_size x 2 digits.
 */
Test(explain, translate_explain_narrow_widths)
{
	struct run_result r, e;

	cr_assert_eq(run_mmusim(&r, "--config", "toy", "translate", "--explain", "--map", "0x40 0x1240 64 rwu", "0x45",
				NULL), 0);
	cr_assert_eq(run_mmusim(&e, "--config", "toy", "explain", "--map", "0x40 0x1240 64 rwu", "0x45", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, e.out);
	cr_expect(strstr(r.out, "VA 0x0045 as its bit fields:\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  L1  table 0x80 + index 1 x 2 = PTE at 0x82\n"
				"      raw    0x1257\n"
				"      bits   V R W U frame=0x49\n"), "%s", r.out);
	cr_expect(strstr(r.out, "PA 0x1245 = frame 0x1240 | offset 0x5 (VA bits 5:0 in a 64-byte page)\n"
				"perms rw-u-\n"), "%s", r.out);
	run_result_free(&r);
	run_result_free(&e);
	cr_assert_eq(run_mmusim(&r, "--config", "x86_32", "translate", "--explain", "--map", "0x400000 0x12c0400000 4M rwu",
				"0x412345", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "VA 0x00412345 as its bit fields:\n"), "%s", r.out);
	cr_expect(strstr(r.out, "      raw    0xc0424087\n"
				"      bits   P RW US PS addr=0x12c0400000\n"), "%s", r.out);
	cr_expect(strstr(r.out, "      -> a leaf: maps a 4M page at frame 0x12c0400000\n"), "%s", r.out);
	run_result_free(&r);
}

Test(explain, colour_only_when_asked_or_on_a_terminal)
{
	struct run_result r;

	/* The tests' stdout is a file: auto means no colour. */
	cr_assert_eq(run_mmusim(&r, "explain", "--setup", EXAMPLE, "0x401234", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_null(strchr(r.out, '\033'));
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "explain", "--color=always", "--setup", EXAMPLE, "0x401234", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "\033[1;32mPA 0x10001234\033[0m = frame 0x10001000"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "explain", "--color", "never", "--setup", EXAMPLE, "0x401234", NULL), 0);
	cr_expect_null(strchr(r.out, '\033'));
	run_result_free(&r);
}

/* explain on a terminal (a pty): colour unless NO_COLOR is set. */
static char *explain_on_tty(const char *no_color)
{
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	ssize_t n;

	cr_assert(pid >= 0 && out);
	if (pid == 0) {
		if (no_color)
			setenv("NO_COLOR", no_color, 1);
		else
			unsetenv("NO_COLOR");
		exec_mmusim((const char *const[]){ MMUSIM_BIN, "explain", "--setup", EXAMPLE, "0x401234", NULL });
		_exit(127);
	}
	/* The pty reports EIO once the child has gone. */
	while ((n = read(master, out + len, cap - len - 1)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && (len += (size_t)n) + 1 >= cap)
			cr_assert(out = realloc(out, cap *= 2));
	out[len] = '\0';
	close(master);
	int status;
	waitpid(pid, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return out;
}

Test(explain, colour_on_a_terminal_unless_no_color)
{
	char *out = explain_on_tty(NULL);
	cr_expect(strstr(out, "\033[1;32mPA 0x10001234\033[0m"), "%s", out);
	free(out);
	out = explain_on_tty("1");
	cr_expect(strstr(out, "PA 0x10001234 = frame"), "%s", out);
	cr_expect_null(strchr(out, '\033'));
	free(out);
}

Test(explain, image_like_translate)
{
	struct run_result r;
	char *elf = write_temp_file("", ".elf");

	cr_assert_eq(run_mmusim(&r, "dump", "--elf", elf, "--setup", EXAMPLE, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "explain", "--image", elf, "--cr3", "0x1000", "0x401234", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "PA 0x10001234 = frame 0x10001000 | offset 0x234"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "show", "--image", elf, "--depth", "1", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\nL4[0] 0x0000000000002027 P RW US A addr=0x2000 -> L3 table 0x2000, "
				"va 0x0..0x7fffffffff (not expanded)\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(elf);
}

Test(show, depth_range_and_walk_marks)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "show", "--setup", EXAMPLE, "--depth", "2", "--range", "0x7f0000000000-0x800000000000",
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
			 "root 0x1000 (cr3 0x1000): x86_64, 4 levels of 512 8-byte entries\n"
			 "L4[255] 0x0000000000006027 P RW US A addr=0x6000 -> L3 table 0x6000, va 0x7f8000000000..0x7fffffffffff\n"
			 "  L3[511] 0x0000000000007027 P RW US A addr=0x7000 -> L2 table 0x7000, va 0x7fffc0000000..0x7fffffffffff"
			 " (not expanded)\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "show", "--setup", EXAMPLE, "--from", "0x600000", "--to", "0x601000", "--va",
				"0x600100", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
			 "root 0x1000 (cr3 0x1000): x86_64, 4 levels of 512 8-byte entries\n"
			 "L4[0] 0x0000000000002027 P RW US A addr=0x2000 -> L3 table 0x2000, va 0x0..0x7fffffffff <- walk of 0x600100\n"
			 "  L3[0] 0x0000000000003027 P RW US A addr=0x3000 -> L2 table 0x3000, va 0x0..0x3fffffff <- walk of 0x600100\n"
			 "    L2[3] 0x0000000000005027 P RW US A addr=0x5000 -> L1 table 0x5000, va 0x600000..0x7fffff"
			 " <- walk of 0x600100\n"
			 "      L1[0] 0x8000000010006067 P RW US A D XD addr=0x10006000 -> 4K page, va 0x600000 -> pa 0x10006000"
			 " <- walk of 0x600100\n");
	run_result_free(&r);
}

Test(show, empty_table)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv48", "show", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "root 0x80001000 (satp 0x9000000000080001): sv48, 4 levels of 512 8-byte entries\n"
				"(no present entries to show)\n");
	run_result_free(&r);
}

/*
 * --json is JSON Lines, one object per row: no rows is no lines (an empty
 * stream, as `jq -s .` reads []), not an object of another shape among them.
 */
Test(show, json_empty_table_is_no_lines)
{
	static const char *const configs[] = { "sv48", "x86_64", "aarch64", "x86_64_ept" };

	for (unsigned i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "--config", configs[i], "--json", "show", "--va", "0x1000", NULL), 0);
		cr_expect_eq(r.status, 0, "%s: %s", configs[i], r.err);
		cr_expect_str_eq(r.out, "", "%s", configs[i]);
		cr_expect_str_eq(r.err, "", "%s", configs[i]);
		run_result_free(&r);
	}
}

Test(show, json_one_object_per_row)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "--json", "show", "--map", "0x40403000 0x85000000 12K rwu",
				"--va", "0x40404000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
		"{\"level\":3,\"table\":\"0x80001000\",\"index\":1,\"count\":1,\"pte\":\"0x20000801\",\"bits\":\"V ppn=0x80002\","
		"\"kind\":\"table\",\"addr\":\"0x80002000\",\"va\":\"0x40000000\",\"va_last\":\"0x7fffffff\",\"page_size\":1073741824,"
		"\"parent\":-1,\"expanded\":true,\"readable\":true,\"walks\":[\"0x40404000\"]}\n"
		"{\"level\":2,\"table\":\"0x80002000\",\"index\":2,\"count\":1,\"pte\":\"0x20000c01\",\"bits\":\"V ppn=0x80003\","
		"\"kind\":\"table\",\"addr\":\"0x80003000\",\"va\":\"0x40400000\",\"va_last\":\"0x405fffff\",\"page_size\":2097152,"
		"\"parent\":0,\"expanded\":true,\"readable\":true,\"walks\":[\"0x40404000\"]}\n"
		"{\"level\":1,\"table\":\"0x80003000\",\"index\":3,\"count\":3,\"pte\":\"0x21400017\",\"bits\":\"V R W U ppn=0x85000\","
		"\"kind\":\"leaf\",\"addr\":\"0x85000000\",\"va\":\"0x40403000\",\"va_last\":\"0x40405fff\",\"page_size\":4096,"
		"\"parent\":1,\"walks\":[\"0x40404000\"]}\n");
	run_result_free(&r);
}

/* Leaves with the same bits but not contiguous frames, or different bits, are not one run. */
Test(show, runs_need_same_bits_and_contiguous_frames)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "show", "--map", "0x400000 0x5000000 8K rwu", "--map", "0x402000 0x6000000 4K rwu",
				"--map", "0x403000 0x6001000 4K ru", "--depth", "4", "--range", "0x400000-0x404000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out,
			 "      L1[0..1] x2 0x8000000005000007 P RW US XD addr=0x5000000 -> 2 x 4K pages, va 0x400000..0x401fff"
			 " -> pa 0x5000000..0x5001fff\n"
			 "      L1[2] 0x8000000006000007 P RW US XD addr=0x6000000 -> 4K page, va 0x402000 -> pa 0x6000000\n"
			 "      L1[3] 0x8000000006001005 P US XD addr=0x6001000 -> 4K page, va 0x403000 -> pa 0x6001000\n"),
		  "%s", r.out);
	run_result_free(&r);
}

static bool have_program(const char *name)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

Test(show, dot_highlights_the_walk)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "show", "--setup", EXAMPLE, "--dot", "--va", "0x401234", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "digraph page_table {\n", 21) == 0);
	cr_expect(strstr(r.out, "  reg -> root [color=\"#d00000\", penwidth=2.5];\n"), "%s", r.out);
	/* The L1 entry the walk reads, and its edge to the page. */
	cr_expect(strstr(r.out, "BGCOLOR=\"#ffd6d6\">L1[1] 0x0000000010001025 P US A addr=0x10001000</TD>"), "%s", r.out);
	cr_expect(strstr(r.out, " [shape=box, label=\"4K page\\npa 0x10001000\", color=\"#d00000\", penwidth=2.5];\n"),
		  "%s", r.out);
	cr_expect(strstr(r.out, "label=\"walks highlighted: 0x401234\""));
	run_result_free(&r);
}

ParameterizedTestParameters(show, dot_accepted_by_graphviz)
{
	return cr_make_param_array(struct preset_case, presets, sizeof(presets) / sizeof(presets[0]));
}

ParameterizedTest(struct preset_case *p, show, dot_accepted_by_graphviz)
{
	struct run_result r;
	char cmd[512];

	if (!have_program("dot"))
		cr_skip_test("Graphviz 'dot' is not installed (apt-get install graphviz)");
	const char *const dot_args[] = { "--dot", "--va", p->va[0], NULL };

	run_preset(&r, p, "show", dot_args, false);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *dot = write_temp_file(r.out, ".dot");
	snprintf(cmd, sizeof(cmd), "dot -Tsvg %s -o /dev/null 2>&1", dot);
	FILE *f = popen(cmd, "r");
	char complaint[512] = "";
	size_t n = fread(complaint, 1, sizeof(complaint) - 1, f);
	complaint[n] = '\0';
	cr_expect_eq(pclose(f), 0, "dot refused the DOT: %s", complaint);
	cr_expect_str_eq(complaint, "", "dot warned: %s", complaint);
	remove_temp_file(dot);
	run_result_free(&r);
}

Test(show, svg_rendered_by_graphviz)
{
	struct run_result r;

	if (!have_program("dot"))
		cr_skip_test("Graphviz 'dot' is not installed (apt-get install graphviz)");
	char *svg = write_temp_file("", ".svg");
	cr_assert_eq(run_mmusim(&r, "show", "--setup", EXAMPLE, "--svg", svg, "--va", "0x401234", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "");
	char *text = slurp(svg);
	cr_expect(strstr(text, "<svg"), "not an SVG: %.200s", text);
	cr_expect(strstr(text, "L1[1] 0x0000000010001025 P US A addr=0x10001000"));
	free(text);
	remove_temp_file(svg);
	run_result_free(&r);
}

static void expect_bad_input(struct run_result *r, const char *err)
{
	cr_expect_eq(r->status, 2, "exit status %d", r->status);
	cr_expect_str_eq(r->out, "");
	cr_expect_str_eq(r->err, err);
}

/* show --svg SVG with PATH set to search_path alone: refused, as no Graphviz is found there. */
static void expect_no_graphviz_on(const char *search_path, const char *svg)
{
	struct run_result r;
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

	setenv("PATH", search_path, 1);
	cr_assert_eq(run_mmusim(&r, "show", "--svg", svg, NULL), 0);
	if (path)
		setenv("PATH", path, 1);
	free(path);
	expect_bad_input(&r, "mmusim: show: --svg needs Graphviz's 'dot' on PATH (apt-get install graphviz), "
			     "or use --dot and render it elsewhere\n");
	run_result_free(&r);
}

Test(show, svg_without_graphviz_is_a_clear_error)
{
	expect_no_graphviz_on("/nonexistent", "/tmp/mmusim-never.svg");
}

/* Criterion copies the parameters, so they hold text, not pointers; "@/x" stands for the
 * source tree's x (a checkout's path may be long). */
struct bad_case {
	char args[8][64];
	char err[200];
};

static struct bad_case bad_cases[] = {
	{ { "explain", "0x12zz" }, "mmusim: bad VA '0x12zz' (expected decimal or 0x-hex)\n" },
	{ { "explain", "0x1ffffffffffffffff" }, "mmusim: VA '0x1ffffffffffffffff' does not fit in 64 bits\n" },
	{ { "explain" }, "mmusim: explain: no VA given (see mmusim explain --help)\n" },
	{ { "explain", "--color=sometimes", "0x1000" }, "mmusim: bad --color 'sometimes' (expected always, never or auto)\n" },
	{ { "explain", "--access", "q", "0x1000" }, "mmusim: bad --access 'q' (expected r, w or x)\n" },
	{ { "explain", "--bogus", "0x1000" }, "mmusim: explain: unknown option '--bogus' (see mmusim explain --help)\n" },
	{ { "explain", "--setup", "/nonexistent/x.trace", "0x1000" },
	  "mmusim: /nonexistent/x.trace: cannot open: No such file or directory\n" },
	{ { "explain", "--image", "/nonexistent/x.elf", "0x1000" }, "" },
	{ { "show", "--depth", "0" }, "mmusim: bad --depth '0' (expected a number of levels from 1 to 5)\n" },
	{ { "show", "--depth", "two" }, "mmusim: bad --depth 'two' (expected a number of levels from 1 to 5)\n" },
	{ { "show", "--depth", "5" }, "mmusim: bad --depth '5': x86_64 has 4 levels\n" },
	{ { "--config", "sv39", "show", "--depth", "4" }, "mmusim: bad --depth '4': sv39 has 3 levels\n" },
	{ { "show", "--range", "0x5000-0x1000" }, "mmusim: bad --range '0x5000-0x1000': END must be above START\n" },
	{ { "show", "--range", "0x5000" }, "mmusim: bad --range '0x5000' (expected START-END, e.g. 0x400000-0x600000)\n" },
	{ { "show", "--range", "0x5000-zz" }, "mmusim: bad --range '0x5000-zz' (expected START-END, e.g. 0x400000-0x600000)\n" },
	{ { "show", "--from", "0x9000", "--to", "0x1000" }, "mmusim: bad range: --to 0x1000 is not above --from 0x9000\n" },
	{ { "show", "--to", "0" }, "mmusim: bad --to '0': the range would be empty\n" },
	{ { "show", "--from", "nope" }, "mmusim: --from: bad VA 'nope' (expected decimal or 0x-hex)\n" },
	{ { "show", "--va", "0xg" }, "mmusim: --va: bad VA '0xg' (expected decimal or 0x-hex)\n" },
	{ { "show", "--dot", "--svg", "x.svg" }, "mmusim: show: give one of --json, --dot and --svg FILE\n" },
	{ { "--json", "show", "--dot" }, "mmusim: show: give one of --json, --dot and --svg FILE\n" },
	{ { "--json", "explain", "0x1000" },
	  "mmusim: explain: no JSON form; 'mmusim --json translate --explain VA' gives the walk's steps\n" },
	{ { "--json", "report", "--html", "/tmp/mmusim-never.html" },
	  "mmusim: report: writes HTML only; --json is for replay, translate, mappings and show\n" },
	{ { "show", "0x1000" }, "mmusim: show: unexpected argument '0x1000' (see mmusim show --help)\n" },
	{ { "show", "--setup", "/nonexistent/x.trace" }, "mmusim: /nonexistent/x.trace: cannot open: No such file or directory\n" },
	{ { "show", "--depth" }, "mmusim: option --depth needs a value (see mmusim --help)\n" },
	{ { "report" }, "mmusim: report: --html FILE is required (see mmusim report --help)\n" },
	{ { "report", "--html", "/nonexistent/dir/r.html" }, "mmusim: /nonexistent/dir/r.html: cannot create: No such file or directory\n" },
	{ { "report", "--html", "/tmp/mmusim-never.html", "--replay", "/nonexistent/t.trace" }, "" },
	{ { "report", "--html", "/tmp/mmusim-never.html", "--interval", "10" },
	  "mmusim: report: --interval, --format, --demand-paging, --no-auto-flush, --check-stale, --warmup, --resident-pages and --replacement need --replay TRACE\n" },
	{ { "report", "--html", "/tmp/mmusim-never.html", "--warmup", "10" },
	  "mmusim: report: --interval, --format, --demand-paging, --no-auto-flush, --check-stale, --warmup, --resident-pages and --replacement need --replay TRACE\n" },
	{ { "report", "--html", "/tmp/mmusim-never.html", "--replay", "@/traces/tlb-demo.trace", "--interval", "0" },
	  "mmusim: bad --interval '0' (expected a positive number of accesses)\n" },
	{ { "report", "--html", "/tmp/mmusim-never.html", "--replay", "@/traces/tlb-demo.trace", "--demand-paging=8K" },
	  "mmusim: --demand-paging size 8192 is not a page size of x86_64\n" },
	{ { "report", "--html", "/tmp/mmusim-never.html", "--va", "bad" }, "mmusim: --va: bad VA 'bad' (expected decimal or 0x-hex)\n" },
	{ { "report", "--html", "/tmp/mmusim-never.html", "--depth", "9" },
	  "mmusim: bad --depth '9' (expected a number of levels from 1 to 5)\n" },
	{ { "report", "--html", "/tmp/mmusim-never.html", "extra" },
	  "mmusim: report: unexpected argument 'extra' (see mmusim report --help)\n" },
};

ParameterizedTestParameters(bad_input, one_line_exit_2)
{
	return cr_make_param_array(struct bad_case, bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

ParameterizedTest(struct bad_case *c, bad_input, one_line_exit_2)
{
	const char *argv[8];
	int argc = 0;
	struct run_result r;
	char *expanded[8] = { 0 };

	while (argc < 8 && c->args[argc][0]) {
		argv[argc] = c->args[argc];
		if (c->args[argc][0] == '@') {
			size_t n = strlen(MMUSIM_SOURCE_DIR) + strlen(c->args[argc]);

			cr_assert(expanded[argc] = malloc(n));
			snprintf(expanded[argc], n, "%s%s", MMUSIM_SOURCE_DIR, c->args[argc] + 1);
			argv[argc] = expanded[argc];
		}
		argc++;
	}
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_expect_eq(r.status, 2, "%s: exit status %d, stderr %s", argv[0], r.status, r.err);
	cr_expect_str_eq(r.out, "");
	if (c->err[0]) {
		cr_expect_str_eq(r.err, c->err);
	} else {
		/* The message names the file; exactly one line. */
		cr_expect(strncmp(r.err, "mmusim: ", 8) == 0, "%s", r.err);
		cr_expect(strchr(r.err, '\n') && strchr(r.err, '\n')[1] == '\0', "not one line: %s", r.err);
		cr_expect(strstr(r.err, "/nonexistent/"), "%s", r.err);
	}
	run_result_free(&r);
	for (int i = 0; i < 8; i++)
		free(expanded[i]);
}

/* A report over the example with two walks and a replay; the page path is returned. */
static char *make_report(void)
{
	struct run_result r;
	char *html = write_temp_file("", ".html");

	cr_assert_eq(run_mmusim(&r, "report", "--html", html, "--setup", EXAMPLE, "--va", "0x401234", "--va",
				"0xffff888000001000", "--replay", TLB_DEMO, "--interval", "1", NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "");
	run_result_free(&r);
	return html;
}

Test(report, self_contained_html)
{
	char *html = make_report();
	char *text = slurp(html);

	cr_expect_null(strstr(text, "http://"), "the page references the network");
	cr_expect_null(strstr(text, "https://"), "the page references the network");
	cr_expect_null(strstr(text, "<script src"), "the page loads no script");
	cr_expect(strncmp(text, "<!DOCTYPE html>\n", 16) == 0);
	cr_expect(strstr(text, "<section id=\"config\">"));
	cr_expect(strstr(text, "<svg id=\"tree-svg\" class=\"tree\""));
	cr_expect(strstr(text, "<article class=\"walk\" id=\"walk-1\">\n<h3>0x401234 (r, user)</h3>"));
	/* The walks see the tables as the replay left them: tlb-demo remaps 0x400000 rw. */
	cr_expect(strstr(text, "<p class=\"result ok\">pa 0x10001234 (4K page, level 1) perms rw-u-</p>"));
	cr_expect(strstr(text, "<p class=\"result fault\">fault permission at level 3, #PF error code 0x5 (P U): "));
	cr_expect(strstr(text, "<svg id=\"chart-miss-rate\" class=\"chart\""));
	cr_expect(strstr(text, "<svg id=\"chart-walks\" class=\"chart\""));
	cr_expect(strstr(text, "<svg id=\"chart-faults\" class=\"chart\""));
	free(text);
	remove_temp_file(html);
}

/*
 * The OS layer's timeline: with --resident-pages the charts gain the resident
 * set and the paging counters (Belady's string, FIFO, 3 frames); without the
 * OS layer there is no such chart.  Its options need --replay.
 */
Test(report, paging_timeline)
{
	char *html = write_temp_file("", ".html");
	const char *belady = MMUSIM_SOURCE_DIR "/traces/os/belady.trace";
	struct run_result r;
	char *text;

	cr_assert_eq(run_mmusim(&r, "report", "--html", html, "--replay", belady, "--resident-pages", "3",
				"--interval", "2", NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	text = slurp(html);
	cr_expect(strstr(text, "<svg id=\"chart-paging\" class=\"chart\""), "no paging chart");
	cr_expect(strstr(text, ">resident</text>") && strstr(text, ">page_faults</text>") &&
		  strstr(text, ">evictions</text>"), "the chart's legend");
	cr_expect(strstr(text, "<svg id=\"chart-walks\" class=\"chart\""));
	free(text);

	cr_assert_eq(run_mmusim(&r, "report", "--html", html, "--replay", belady, "--interval", "2", NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	text = slurp(html);
	cr_expect_null(strstr(text, "chart-paging"));
	free(text);

	cr_assert_eq(run_mmusim(&r, "report", "--html", html, "--resident-pages", "3", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "mmusim: report: --interval, --format, --demand-paging, --no-auto-flush, --check-stale, "
				"--warmup, --resident-pages and --replacement need --replay TRACE\n");
	run_result_free(&r);
	remove_temp_file(html);
}

/* Headless Chromium loads the page and builds the expected elements. */
Test(report, renders_in_headless_chromium, .init = time_limit_180s)
{
	char cmd[1024], *html, *dom;
	size_t len = 0, cap = 1 << 16;
	FILE *f;

	if (!have_program("chromium"))
		cr_skip_test("chromium is not installed (apt-get install chromium): the HTML was not rendered");
	html = make_report();
	snprintf(cmd, sizeof(cmd),
		 "HOME=/tmp timeout 150 chromium --headless --no-sandbox --disable-gpu --no-first-run "
		 "--user-data-dir=/tmp/mmusim-chromium-$$ --dump-dom file://%s 2>/dev/null; rm -rf /tmp/mmusim-chromium-$$",
		 html);
	f = popen(cmd, "r");
	cr_assert(f);
	dom = malloc(cap);
	for (size_t n; (n = fread(dom + len, 1, cap - len - 1, f)) > 0;) {
		len += n;
		if (cap - len < 2)
			dom = realloc(dom, cap *= 2);
	}
	dom[len] = '\0';
	pclose(f);
	cr_assert(len > 0, "chromium produced no DOM");
	/* Chromium serialises what it parsed: the SVG elements really are SVG in the DOM. */
	cr_expect(strstr(dom, "id=\"config\""), "%.300s", dom);
	cr_expect(strstr(dom, "<svg id=\"tree-svg\""));
	cr_expect(strstr(dom, "class=\"entry pointer walk w1\""));
	cr_expect(strstr(dom, "id=\"walk-2\""));
	cr_expect(strstr(dom, "<svg id=\"chart-miss-rate\""));
	cr_expect(strstr(dom, "<polyline class=\"series\""));
	cr_expect(strstr(dom, "</html>"));
	free(dom);
	remove_temp_file(html);
}

/* A raw image whose L4[0] points outside memory: the rest of the tree is shown, the walk explained. */
Test(show, garbage_image_pointer_outside_memory)
{
	static const uint64_t root[2] = { 0x7000000007ull, 0x1007 };
	static const uint64_t l3[1] = { 0x80000000000000e7ull };
	char path[] = "/tmp/mmusim-view-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "wb");
	struct run_result r;

	cr_assert(f);
	cr_assert_eq(fwrite(root, 8, 2, f), 2);
	fseek(f, 0x1000, SEEK_SET);
	cr_assert_eq(fwrite(l3, 8, 1, f), 1);
	fseek(f, 0x1fff, SEEK_SET);
	fputc(0, f);
	fclose(f);
	cr_assert_eq(run_mmusim(&r, "show", "--image", path, "--root", "0", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
			 "root 0x0 (cr3 0x0): x86_64, 4 levels of 512 8-byte entries\n"
			 "L4[0] 0x0000007000000007 P RW US addr=0x7000000000 -> L3 table 0x7000000000, va 0x0..0x7fffffffff"
			 " (outside physical memory)\n"
			 "L4[1] 0x0000000000001007 P RW US addr=0x1000 -> L3 table 0x1000, va 0x8000000000..0xffffffffff\n"
			 "  L3[0] 0x80000000000000e7 P RW US A D PS XD addr=0x0 -> 1G page, va 0x8000000000 -> pa 0x0\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "explain", "--image", path, "--root", "0", "0x1000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "  L3  table 0x7000000000 + index 0 x 8 = PDPTE at 0x7000000000\n"
				"      the PDPTE address is outside physical memory: nothing to read\n"
				"fault bus-error at level 3: the PDPTE address lies outside physical memory\n"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "show", "--image", path, "--root", "0x5000", NULL), 0);
	expect_bad_input(&r, "mmusim: cannot read the root table at 0x5000: outside physical memory\n");
	run_result_free(&r);
	unlink(path);
}

/*
 * PS in a PML4E is reserved (SDM vol. 3 table 4-15): x86-64 has no 512G page.
 * show draws such an entry as a leaf (the walk stops there, faulting
 * reserved-bit at level 4), but as "no page", not as a "512G page" at a PA
 * the entry does not hold (its address field has no bits: explain's "addr
 * none"); --dot likewise.
 */
Test(view, show_ps_in_pml4e_is_no_page)
{
	char *setup = write_temp_file("map 0x8000000000 0x300000 4K rwu\npte 0x8000000000 4 ps=1\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "show", "--setup", setup, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "root 0x1000 (cr3 0x1000): x86_64, 4 levels of 512 8-byte entries\n"
				"L4[1] 0x0000000000002087 P RW US PS addr=0x2000 -> no page (no page can be mapped at "
				"level 4), va 0x8000000000..0xffffffffff (not mapped: the walk faults reserved-bit at level 4)\n");
	cr_expect(strstr(r.out, "512G") == NULL, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "show", "--setup", setup, "--dot", NULL), 0);
	cr_expect(strstr(r.out, "label=\"no page at L4\\n(not mapped: faults reserved-bit at L4)\""), "%s", r.out);
	cr_expect(strstr(r.out, "512G") == NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(setup);
}

/* A folder named dot on PATH is no Graphviz: the command failed after the fact, "dot -Tsvg failed (exit status 127)", exit 1. */
Test(show, a_folder_named_dot_is_not_graphviz)
{
	char dir[] = "/tmp/mmusim-dot-XXXXXX", sub[64], svg[64];

	cr_assert(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/dot", dir);
	snprintf(svg, sizeof(svg), "%s/t.svg", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	expect_no_graphviz_on(dir, svg);
	rmdir(sub);
	rmdir(dir);
}
