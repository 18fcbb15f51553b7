/*
 * test_term_text: input-derived text on a terminal (tools/cli/term_text.c).
 *
 * The rule, from ECMA-48 and RFC 3629: C0 controls (0x00-0x1f), DEL (0x7f)
 * and the C1 controls (U+0080-U+009F) are acted on by terminals, and a byte
 * that is not part of well-formed UTF-8 may be taken as an 8-bit C1 control
 * (0x9b = CSI).  Each such byte is shown as \t \n \r or \xNN; everything else
 * passes unchanged.  Then end to end: an error quoting a trace line with
 * ESC[2J, a config name with ESC and newline in the sweep table and the
 * replay report, a path with control bytes in a message, and the JSON
 * report (RFC 8259 section 7: every byte below 0x20 as \u00XX), and the trace
 * name heading mrc's table.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "term_text.h"
#include "support.h"

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	term_write(f, s);
	fclose(f);
	return buf;
}

Test(term_text, every_c0_control_and_del_is_escaped)
{
	for (int c = 1; c < 0x80; c++) {
		char in[4] = { 'a', (char)c, 'b', 0 }, want[16];
		if (c == '\n')
			strcpy(want, "a\\nb");
		else if (c == '\r')
			strcpy(want, "a\\rb");
		else if (c == '\t')
			strcpy(want, "a\\tb");
		else if (c < 0x20 || c == 0x7f)
			snprintf(want, sizeof(want), "a\\x%02xb", c);
		else
			snprintf(want, sizeof(want), "a%cb", c);
		char *got = escaped(in);
		cr_expect_str_eq(got, want, "byte 0x%02x", c);
		cr_expect_eq(term_width(in), strlen(want), "byte 0x%02x", c);
		free(got);
	}
}

Test(term_text, utf8_passes_and_everything_else_is_bytes)
{
	static const struct {
		const char *in, *out;
		size_t width;
	} cases[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9", 4 },                       /* U+00E9: one column */
		{ "\xe2\x82\xac" "1", "\xe2\x82\xac" "1", 2 },             /* U+20AC */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", 1 },             /* U+1F600 */
		{ "\xc2\x9b" "2J", "\\xc2\\x9b2J", 10 },                   /* U+009B, the C1 CSI */
		{ "\x9b" "2J", "\\x9b2J", 6 },                             /* 8-bit CSI, not UTF-8 */
		{ "\xff", "\\xff", 4 },
		{ "\xc0\x80", "\\xc0\\x80", 8 },                           /* overlong NUL */
		{ "\xe0\x80\xaf", "\\xe0\\x80\\xaf", 12 },                 /* overlong '/' */
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80", 12 },                 /* a surrogate */
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", 16 },        /* above U+10FFFF */
		{ "a\xe2\x82", "a\\xe2\\x82", 9 },                         /* cut short at the end */
		{ "\xe2\x82" "b", "\\xe2\\x82b", 9 },                      /* cut short before ASCII */
		{ "\x1b[2J", "\\x1b[2J", 7 },
		{ "back\\slash", "back\\slash", 10 },                      /* not doubled */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = escaped(cases[i].in);
		cr_expect_str_eq(got, cases[i].out, "case %zu", i);
		cr_expect_eq(term_width(cases[i].in), cases[i].width, "case %zu", i);
		free(got);
	}
}

Test(term_text, padding_counts_the_escaped_columns)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	term_write_padded(f, "a\nb", 6);
	fputc('|', f);
	term_write_padded(f, "toolong", 3);
	fputc('|', f);
	fclose(f);
	cr_expect_str_eq(buf, "a\\nb  |toolong|");
	free(buf);
}

/* A long message is escaped whole, not cut at a buffer size. */
Test(term_text, printf_escapes_a_long_message_whole)
{
	char *buf = NULL, *name = malloc(3001);
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(name, 'x', 3000);
	name[3000] = 0;
	name[2999] = '\x1b';
	term_printf(f, "%s: %d", name, 7);
	fclose(f);
	cr_expect_eq(len, 2999 + 4 + 3);
	cr_expect_str_eq(buf + 2999, "\\x1b: 7");
	free(buf);
	free(name);
}

static void expect_err(const struct run_result *r, int status, const char *err)
{
	cr_expect_eq(r->status, status, "status %d: %s", r->status, r->err);
	cr_expect_str_eq(r->err, err);
}

Test(term_text_cli, a_trace_line_with_esc_2j_is_quoted_escaped)
{
	char *path = write_temp_file("r 0x1000\n\x1b[2J\n", ".trace"), want[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", path, NULL), 0);
	snprintf(want, sizeof(want),
		 "mmusim: %s:2: unknown command '\\x1b[2J' (expected map, unmap, protect, r, w, x, load, store, "
		 "fetch, asid, priv, cpu, flush, tlbi, stats, poke, set-pte or pte)\n", path);
	expect_err(&r, 2, want);
	cr_expect(strchr(r.out, '\x1b') == NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(path);
}

/* The config's name in the sweep table (padded by what is shown) and in the replay report. */
Test(term_text_cli, a_config_name_with_esc_and_newline_is_escaped_in_tables)
{
	char *cfg = write_temp_file("extends: x86_64\nname: \"ev\\e[31mil\\nname\"\n", ".yaml");
	const char *trace = MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace";
	struct run_result r;
	char want[4096];   /* the table names the trace by its source path, twice */
	int tw = (int)strlen(trace);

	cr_assert_eq(run_mmusim(&r, "sweep", "--config", cfg, "--config", "sv39", trace, NULL), 0);
	/* "ev\x1b[31mil\nname" is 18 columns wide: the config column takes it. */
	snprintf(want, sizeof(want),
		 "%-*s  config                 accesses      walks  walks/1K pte/walk   faults cycles/access\n"
		 "%s  ev\\x1b[31mil\\nname            4          2    500.00     2.50        1        133.75\n"
		 "%s  sv39                          4          2    500.00     3.00        1        154.75\n",
		 tw, "trace", trace, trace);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, want);
	run_result_free(&r);

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", trace, NULL), 0);
	snprintf(want, sizeof(want), "replay of %s (text) on ev\\x1b[31mil\\nname\naccesses ", trace);
	cr_expect(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
	run_result_free(&r);

	/* show's header and explain's, the quiz's title. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", NULL), 0);
	static const char show_head[] = "root 0x1000 (cr3 0x1000): ev\\x1b[31mil\\nname, 4 levels of 512 8-byte entries\n";
	cr_expect(strncmp(r.out, show_head, strlen(show_head)) == 0, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--explain", "0x1000", NULL), 0);
	cr_expect(strstr(r.out, " mode; ev\\x1b[31mil\\nname: 4 levels") != NULL, "%s", r.out);  /* explain's text */
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "explain", "--color=never", "0x1000", NULL), 0);
	cr_expect(strstr(r.out, " mode; ev\\x1b[31mil\\nname: 4 levels") != NULL, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--config", cfg, "--count", "1", NULL), 0);
	static const char quiz_head[] = "mmusim quiz 1 on ev\\x1b[31mil\\nname (x86_64 paging";
	cr_expect(strncmp(r.out, quiz_head, strlen(quiz_head)) == 0, "%s", r.out);
	cr_expect(strchr(r.out, '\x1b') == NULL, "%s", r.out);
	run_result_free(&r);

	/* JSON keeps the name exact, escaped as RFC 8259 says. */
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect(strstr(r.out, ",\"config\":\"ev\\u001b[31mil\\u000aname\",") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* A TLB's name comes from the config too. */
Test(term_text_cli, a_tlb_name_is_escaped_in_the_report)
{
	char *cfg = write_temp_file("extends: x86_64\ntlb:\n  - { name: \"t\\e]0;x\\a\", level: 1, kind: unified, "
				    "entries: 4, ways: 4, page_sizes: [4K], replacement: lru, latency: 1 }\n",
				    ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", MMUSIM_SOURCE_DIR "/traces/tlb-demo.trace", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\n  t\\x1b]0;x\\x07   ") != NULL, "%s", r.out);
	cr_expect(strchr(r.out, '\x1b') == NULL && strchr(r.out, '\a') == NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* A path with every control byte: the error message shows each escaped, on one line. */
Test(term_text_cli, a_path_with_control_bytes_is_escaped_in_errors)
{
	char path[64] = "/nonexistent/", shown[256] = "/nonexistent/", want[512];
	size_t n = strlen(path), m = strlen(shown);

	for (int c = 1; c < 0x20; c++) {
		path[n++] = (char)c;
		if (c == '\n' || c == '\r' || c == '\t')
			m += (size_t)snprintf(shown + m, sizeof(shown) - m, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else
			m += (size_t)snprintf(shown + m, sizeof(shown) - m, "\\x%02x", c);
	}
	path[n++] = 0x7f;
	strcat(shown, "\\x7f");
	path[n] = 0;
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", path, NULL), 0);
	snprintf(want, sizeof(want), "mmusim: %s: cannot open: No such file or directory\n", shown);
	expect_err(&r, 2, want);
	run_result_free(&r);

	/* The usage errors quote arguments through the same printer. */
	cr_assert_eq(run_mmusim(&r, "replay", path, "second\x1b", NULL), 0);
	snprintf(want, sizeof(want), "mmusim: replay: more than one trace given ('%s' and 'second\\x1b')\n", shown);
	expect_err(&r, 2, want);
	run_result_free(&r);
}

/* The JSON report names the trace with every control byte as \u00XX (RFC 8259 section 7). */
Test(term_text_cli, json_escapes_every_control_byte)
{
	char dir[] = "/tmp/mmusim-esc-XXXXXX", path[128], want[512];
	size_t n;

	cr_assert(mkdtemp(dir));
	n = (size_t)snprintf(path, sizeof(path), "%s/", dir);
	for (int c = 1; c < 0x20; c++)
		path[n++] = (char)c;
	path[n++] = 0x7f;
	path[n++] = '"';
	path[n++] = '\\';
	path[n] = 0;
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("r 0x1000\n", f);
	fclose(f);
	struct run_result r;
	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--format", "text", path, NULL), 0);
	n = (size_t)snprintf(want, sizeof(want), "{\"trace\":\"%s/", dir);
	for (int c = 1; c < 0x20; c++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "\\u%04x", c);
	snprintf(want + n, sizeof(want) - n, "\\u007f\\\"\\\\\",\"format\":\"text\",");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, want, strlen(want)) == 0, "want %s\ngot  %s", want, r.out);
	run_result_free(&r);
	unlink(path);
	rmdir(dir);
}

/* mrc's table began with the trace's name raw: a file named "t\e[2J.trace" cleared the screen. */
Test(term_text_cli, a_trace_name_with_esc_is_escaped_in_the_mrc_table)
{
	char dir[] = "/tmp/mmusim-term-XXXXXX", path[96], shown[96], head[256];
	struct run_result r;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t\x1b[2J\x9b.trace", dir);
	snprintf(shown, sizeof(shown), "%s/t\\x1b[2J\\x9b.trace", dir);
	cr_assert(f = fopen(path, "w"));
	fputs("r 0x1000\nr 0x2000\n", f);
	cr_assert_eq(fclose(f), 0);
	const char *modes[][2] = { { "--page-size", "4K" }, { "--page-size", "mapped" } };
	const char *pages[] = { "4096-byte pages", "pages as mapped" };
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(run_mmusim(&r, "mrc", "--max-entries", "2", modes[i][0], modes[i][1], path, NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		snprintf(head, sizeof(head), "%s: 2 translations (data accesses, %s), LRU\n", shown, pages[i]);
		cr_expect(strncmp(r.out, head, strlen(head)) == 0, "%s", r.out);
		cr_expect(strchr(r.out, '\x1b') == NULL && strchr(r.out, '\x9b') == NULL, "%s", r.out);
		run_result_free(&r);
	}
	unlink(path);
	rmdir(dir);
}
