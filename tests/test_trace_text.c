/* trace_text: every command, flags, options, and every malformed line. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "formats/trace.h"
#include "formats/trace_text.h"
#include "pt/pte_fields.h"

static int parse(const char *text, struct trace_event *cmd, struct mm_error *err)
{
	char line[256];
	snprintf(line, sizeof(line), "%s", text);
	return trace_parse_line(line, cmd, err);
}

Test(trace_text, map_full)
{
	struct trace_event c;

	cr_assert_eq(parse("map 0x400000 0x10000000 2M rw-u- cache=wc  # heap", &c, NULL), 1);
	cr_expect_eq(c.op, TRACE_MAP);
	cr_expect_eq(c.va, 0x400000);
	cr_expect_eq(c.pa, 0x10000000);
	cr_expect_eq(c.len, 2 << 20);
	cr_expect_eq(c.prop.flags, PROP_R | PROP_W | PROP_U);
	cr_expect_eq(c.prop.cache, CACHE_WC);
}

Test(trace_text, map_decimal_and_all_flags)
{
	struct trace_event c;

	cr_assert_eq(parse("\tmap 4096 8192 4K rwxugad\r\n", &c, NULL), 1);
	cr_expect_eq(c.va, 4096);
	cr_expect_eq(c.pa, 8192);
	cr_expect_eq(c.len, 4096);
	cr_expect_eq(c.prop.flags, PROP_R | PROP_W | PROP_X | PROP_U | PROP_G | PROP_A | PROP_D);
	cr_expect_eq(c.prop.cache, CACHE_WB);
}

Test(trace_text, unmap_protect)
{
	struct trace_event c;

	cr_assert_eq(parse("unmap 0x1000 1G", &c, NULL), 1);
	cr_expect_eq(c.op, TRACE_UNMAP);
	cr_expect_eq(c.len, 1ull << 30);
	cr_assert_eq(parse("protect 0x1000 8K r cache=uc", &c, NULL), 1);
	cr_expect_eq(c.op, TRACE_PROTECT);
	cr_expect_eq(c.prop.flags, PROP_R);
	cr_expect_eq(c.prop.cache, CACHE_UC);
}

Test(trace_text, accesses_and_aliases)
{
	static const struct { const char *line; enum access_kind a; } cases[] = {
		{ "r 0x10", ACCESS_READ }, { "load 0x10", ACCESS_READ },
		{ "w 0x10", ACCESS_WRITE }, { "store 0x10", ACCESS_WRITE },
		{ "x 0x10", ACCESS_EXEC }, { "fetch 0x10", ACCESS_EXEC },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trace_event c;
		cr_assert_eq(parse(cases[i].line, &c, NULL), 1, "%s", cases[i].line);
		cr_expect_eq(c.op, TRACE_ACCESS);
		cr_expect_eq(c.access, cases[i].a, "%s", cases[i].line);
		cr_expect_eq(c.va, 0x10);
	}
}

Test(trace_text, stats_reset)
{
	struct trace_event c;

	cr_assert_eq(parse("  stats   reset  # warm-up done", &c, NULL), 1);
	cr_expect_eq(c.op, TRACE_STATS_RESET);
}

/* Every tlbi form: its scope, the modifiers its name implies, and its operands in either order. */
Test(trace_text, tlbi_forms)
{
	static const struct { const char *line; unsigned scope; uint64_t va; uint32_t asid; } cases[] = {
		{ "tlbi vmalle1", FLUSH_ALL, 0, 0 },
		{ "tlbi aside1 asid 7", FLUSH_ASID, 0, 7 },
		{ "tlbi vae1 va 0x400abc asid 65535", FLUSH_VA_ASID_GLOBAL, 0x400abc, 65535 },
		{ "tlbi vae1 asid 3 va 0x1000", FLUSH_VA_ASID_GLOBAL, 0x1000, 3 },
		{ "tlbi vaae1 va 0xffff000000001000", FLUSH_VA, 0xffff000000001000, 0 },
		{ "tlbi vale1 va 4096 asid 0x10", FLUSH_VA_ASID_GLOBAL | FLUSH_LAST_LEVEL, 4096, 16 },
		{ "tlbi vaale1 va 0x2000  # leaf only", FLUSH_VA | FLUSH_LAST_LEVEL, 0x2000, 0 },
		{ "tlbi vmalle1is", FLUSH_ALL | FLUSH_ALL_CPUS, 0, 0 },
		{ "tlbi aside1is asid 0", FLUSH_ASID | FLUSH_ALL_CPUS, 0, 0 },
		{ "tlbi vae1is va 0x1000 asid 2", FLUSH_VA_ASID_GLOBAL | FLUSH_ALL_CPUS, 0x1000, 2 },
		{ "tlbi vaae1is va 0x1000", FLUSH_VA | FLUSH_ALL_CPUS, 0x1000, 0 },
		{ "tlbi vale1is va 0x1000 asid 2", FLUSH_VA_ASID_GLOBAL | FLUSH_LAST_LEVEL | FLUSH_ALL_CPUS, 0x1000, 2 },
		{ "tlbi vaale1is va 0x1000", FLUSH_VA | FLUSH_LAST_LEVEL | FLUSH_ALL_CPUS, 0x1000, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trace_event c;
		struct mm_error err = { 0 };
		cr_assert_eq(parse(cases[i].line, &c, &err), 1, "%s: %s", cases[i].line, err.msg);
		cr_expect_eq(c.op, TRACE_FLUSH, "%s", cases[i].line);
		cr_expect_eq(c.scope, cases[i].scope, "%s: scope 0x%x", cases[i].line, c.scope);
		cr_expect_eq(c.va, cases[i].va, "%s", cases[i].line);
		cr_expect_eq(c.n, cases[i].asid, "%s", cases[i].line);
	}
}

Test(trace_text, blank_and_comment_lines)
{
	struct trace_event c;

	cr_expect_eq(parse("", &c, NULL), 0);
	cr_expect_eq(parse("   \t  ", &c, NULL), 0);
	cr_expect_eq(parse("# map 1 2 3 r", &c, NULL), 0);
}

struct bad_line {
	char line[64];
	char msg[160];
};

static const struct bad_line bad_lines[] = {
	{ "mop 0x1000 0x1000 4K r",
	  "unknown command 'mop' (expected map, unmap, protect, r, w, x, load, store, fetch, asid, priv, cpu, flush, tlbi, "
	  "stats, poke, set-pte or pte)" },
	{ "map 0x1000 0x1000 4K", "missing field: usage is 'map VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=PAGE_SIZE]'" },
	{ "map 0x1000 0x1000 4K r cache=wb size=4K extra",
	  "too many fields: usage is 'map VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=PAGE_SIZE]'" },
	{ "map 0x1000 0x1000 4K r cache=wb extra",
	  "bad option 'extra' (expected cache=wb|wt|uc|wc|wp or size=PAGE_SIZE)" },
	{ "map 0 0 4K r size=3K", "bad page size '3K' (expected a power of two, such as 4K or 2M)" },
	{ "map 0 0 4K r size=big", "bad page size 'big' (expected decimal or 0x-hex, optionally with K, M, G or T)" },
	{ "map 0 0 4K r size=4K size=4K",
	  "bad map option 'size=4K' (given twice): usage is 'map VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=PAGE_SIZE]'" },
	{ "map 0 0 4K r cache=wb cache=uc",
	  "bad map option 'cache=uc' (given twice): usage is 'map VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=PAGE_SIZE]'" },
	{ "poke 0x1000", "missing field: usage is 'poke PA VALUE [1|2|4|8]'" },
	{ "poke 0x1000 1 2 3", "too many fields: usage is 'poke PA VALUE [1|2|4|8]'" },
	{ "poke 0x1000 1 3", "bad poke size '3' (expected 1, 2, 4 or 8 bytes)" },
	{ "poke 0x1000 0x100 1", "poke value 0x100 does not fit in 1 byte" },
	{ "poke 0x1000 0x10000 2", "poke value 0x10000 does not fit in 2 bytes" },
	{ "poke zz 1", "bad PA 'zz' (expected decimal or 0x-hex)" },
	{ "set-pte 0x1000 1", "missing field: usage is 'set-pte VA LEVEL VALUE'" },
	{ "set-pte 0x1000 0 5", "level 0 is out of range (levels count from 1, the leaf, up to the root)" },
	{ "set-pte 0x1000 9 5", "level 9 is out of range (levels count from 1, the leaf, up to the root)" },
	{ "set-pte 0x1000 1 x", "bad value 'x' (expected decimal or 0x-hex)" },
	{ "pte 0x1000 1", "missing field: usage is 'pte VA LEVEL FIELD=VALUE...'" },
	{ "pte 0x1000 1 rw", "bad pte field 'rw' (expected NAME=VALUE, such as rw=0)" },
	{ "pte 0x1000 1 =1", "bad pte field '=1' (expected NAME=VALUE, such as rw=0)" },
	{ "pte 0x1000 1 verylongname=1", "bad pte field name 'verylongname' (names are at most 10 letters, digits or '_')" },
	{ "pte 0x1000 1 r-w=1", "bad pte field name 'r-w' (names are at most 10 letters, digits or '_')" },
	{ "pte 0x1000 1 rw=x", "bad field value 'x' (expected decimal or 0x-hex)" },
	{ "pte 0x1000 1 a=1 b=1 c=1 d=1 e=1 f=1 g=1 h=1 i=1 j=1", "too many fields: a pte line sets at most 9 (write a second line)" },
	{ "pte 0x1000 1 a=1 b=1", "a pte line with 2 fields is 2 events: read it as a trace (or one field a line)" },
	{ "map 0xzz 0x1000 4K r", "bad VA '0xzz' (expected decimal or 0x-hex)" },
	{ "map 0x1000 12q 4K r", "bad PA '12q' (expected decimal or 0x-hex)" },
	{ "map 0x1000 0x1000 4X r", "bad length '4X' (expected decimal or 0x-hex, optionally with K, M, G or T)" },
	{ "map 0x1000 0x1000 4K rq", "bad flag 'q' in 'rq' (flags are letters of r w x u g a d)" },
	{ "map 0x1000 0x1000 4K r cache=xx", "bad option 'cache=xx' (expected cache=wb|wt|uc|wc|wp)" },
	{ "map 0x10000000000000000 0 4K r", "VA '0x10000000000000000' does not fit in 64 bits" },
	{ "map 0 0 99999999999999999999 r", "length '99999999999999999999' does not fit in 64 bits" },
	{ "map 0 0 0x4000000000000000K r", "length '0x4000000000000000K' does not fit in 64 bits" },
	{ "unmap 0x1000", "missing field: usage is 'unmap VA LEN'" },
	{ "protect 0x1000 4K", "missing field: usage is 'protect VA LEN FLAGS [cache=...]'" },
	{ "r", "missing field: usage is 'r|w|x VA'" },
	{ "w 0x1000 0x2000", "too many fields: usage is 'r|w|x VA'" },
	{ "r -5", "bad VA '-5' (expected decimal or 0x-hex)" },
	{ "r 0x", "bad VA '0x' (expected decimal or 0x-hex)" },
	{ "r 0x1000K", "bad VA '0x1000K' (expected decimal or 0x-hex)" },
	{ "stats", "missing field: usage is 'stats reset'" },
	{ "stats reset now", "too many fields: usage is 'stats reset'" },
	{ "stats clear", "bad stats command 'clear' (expected 'stats reset')" },
	{ "tlbi", "missing field: usage is 'tlbi OP [va VA] [asid N]'" },
	{ "tlbi vmalle2", "unknown tlbi operation 'vmalle2' (expected vmalle1, aside1, vae1, vaae1, vale1 or vaale1, "
	  "optionally with 'is')" },
	{ "tlbi is", "unknown tlbi operation 'is' (expected vmalle1, aside1, vae1, vaae1, vale1 or vaale1, "
	  "optionally with 'is')" },
	{ "tlbi VAE1 va 0 asid 1", "unknown tlbi operation 'VAE1' (expected vmalle1, aside1, vae1, vaae1, vale1 or "
	  "vaale1, optionally with 'is')" },
	{ "tlbi vae1os va 0 asid 1", "unknown tlbi operation 'vae1os' (expected vmalle1, aside1, vae1, vaae1, vale1 or "
	  "vaale1, optionally with 'is')" },
	{ "tlbi vmalle1 va 0x1000", "bad tlbi vmalle1: usage is 'tlbi vmalle1'" },
	{ "tlbi aside1", "bad tlbi aside1: usage is 'tlbi aside1 asid N'" },
	{ "tlbi aside1is asid 1 asid 2", "bad tlbi aside1is: usage is 'tlbi aside1is asid N'" },
	{ "tlbi vae1 va 0x1000", "bad tlbi vae1: usage is 'tlbi vae1 va VA asid N'" },
	{ "tlbi vaae1 va 0x1000 asid 1", "bad tlbi vaae1: usage is 'tlbi vaae1 va VA'" },
	{ "tlbi vale1 va 0x1000 va 0x2000", "bad tlbi vale1 argument 'va': usage is 'tlbi vale1 va VA asid N'" },
	{ "tlbi vaale1is asid 3", "bad tlbi vaale1is argument 'asid': usage is 'tlbi vaale1is va VA'" },
	{ "tlbi vae1is va 0x1000 asid 65536", "asid 65536 is out of range (at most 65535)" },
	{ "tlbi vaae1is va 0xzz", "bad VA '0xzz' (expected decimal or 0x-hex)" },
	{ "tlbi aside1 asid x", "bad ASID 'x' (expected decimal or 0x-hex)" },
};

ParameterizedTestParameters(trace_text, bad)
{
	return cr_make_param_array(struct bad_line, bad_lines, sizeof(bad_lines) / sizeof(bad_lines[0]));
}

ParameterizedTest(const struct bad_line *b, trace_text, bad)
{
	struct trace_event c;
	struct mm_error err = { 0 };

	cr_assert_eq(parse(b->line, &c, &err), -1, "%s", b->line);
	cr_expect_str_eq(err.msg, b->msg);
	cr_expect_eq(err.code, MM_EINVAL);
}

/*
 * Reads text through the real trace reader, from a pipe that messages call
 * `name`: *events gets how many events came before the end or the error.
 */
static int read_text(const char *name, const char *text, size_t len, long *events, struct mm_error *err)
{
	struct trace_reader *r;
	struct trace_event ev[4];
	int fds[2], rc;
	long n;

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], text, len), (ssize_t)len);
	close(fds[1]);
	rc = trace_reader_open_fd(fds[0], name, TRACE_FORMAT_TEXT, &r, err);
	cr_assert_eq(rc, MM_OK);
	*events = 0;
	while ((n = trace_reader_next(r, ev, 4, err)) > 0)
		*events += n;
	rc = n < 0 ? err->code : MM_OK;
	trace_reader_close(r);
	close(fds[0]);
	return rc;
}

Test(trace_text, reader_prefixes_file_and_line)
{
	const char text[] = "# header\nmap 0 0 4K r\n\nr 0x10\nbogus 1\nr 0x20\n";
	struct mm_error err = { 0 };
	long n;

	cr_assert_eq(read_text("t.trace", text, sizeof(text) - 1, &n, &err), MM_EINVAL);
	cr_expect_eq(n, 2, "commands before the bad line came out");
	cr_expect_str_eq(err.msg, "t.trace:5: unknown command 'bogus' (expected map, unmap, protect, r, w, x, load, store, fetch, asid, priv, cpu, flush, tlbi, stats, poke, set-pte or pte)");
}

Test(trace_text, long_line_without_newline_at_end)
{
	char text[5000];
	struct mm_error err = { 0 };
	long n;

	memset(text, ' ', sizeof(text));
	memcpy(text + 4000, "r 0x10", 6);
	cr_assert_eq(read_text("long", text, sizeof(text), &n, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(n, 1);
}

/* ---- authoring: poke, set-pte, pte, map size= ---- */

Test(trace_text, poke_set_pte_and_map_size)
{
	struct trace_event c;

	cr_assert_eq(parse("poke 0x3008 0x8000000000000003", &c, NULL), 1);
	cr_expect_eq(c.op, TRACE_POKE);
	cr_expect_eq(c.pa, 0x3008);
	cr_expect_eq(c.len, 0x8000000000000003ull);
	cr_expect_eq(c.size, 0, "no size: the config's PTE size");
	cr_assert_eq(parse("poke 0x3001 0xff 1", &c, NULL), 1);
	cr_expect_eq(c.size, 1);
	cr_assert_eq(parse("set-pte 0x400000 3 0x2007  # a PDPTE", &c, NULL), 1);
	cr_expect_eq(c.op, TRACE_SET_PTE);
	cr_expect_eq(c.va, 0x400000);
	cr_expect_eq(c.n, 3);
	cr_expect_eq(c.len, 0x2007);
	cr_assert_eq(parse("map 0x200000 0x200000 2M rwu size=4K cache=uc", &c, NULL), 1);
	cr_expect_eq(c.op, TRACE_MAP);
	cr_expect_eq(c.size, 12, "log2 of 4K");
	cr_expect_eq(c.prop.cache, CACHE_UC);
	cr_assert_eq(parse("map 0 0 1G rw size=2M", &c, NULL), 1);
	cr_expect_eq(c.size, 21);
	cr_assert_eq(parse("map 0 0 1G rw", &c, NULL), 1);
	cr_expect_eq(c.size, 0, "no size=: the largest pages alignment allows");
}

Test(trace_text, pte_one_event_per_field)
{
	struct trace_event ev[TRACE_TEXT_LINE_EVENTS];
	struct mm_error err = { 0 };
	char line[] = "pte 0x400000 3 rw=0 US=1 addr=0x5000 # three fields";
	char name[PTE_FIELD_NAME_MAX + 1];
	uint64_t packed;

	cr_assert_eq(trace_parse_line_events(line, ev, &err), 3, "%s", err.msg);
	for (int i = 0; i < 3; i++) {
		cr_expect_eq(ev[i].op, TRACE_PTE_FIELD);
		cr_expect_eq(ev[i].va, 0x400000);
		cr_expect_eq(ev[i].n, 3);
	}
	pte_field_name_unpack(ev[0].pa, name);
	cr_expect_str_eq(name, "rw");
	cr_expect_eq(ev[0].len, 0);
	pte_field_name_unpack(ev[1].pa, name);
	cr_expect_str_eq(name, "us", "names fold to lower case");
	pte_field_name_unpack(ev[2].pa, name);
	cr_expect_str_eq(name, "addr");
	cr_expect_eq(ev[2].len, 0x5000);
	/* Packing: 'a' = 1 in the lowest six bits, then 'b' = 2. */
	cr_assert(pte_field_name_pack("ab", &packed));
	cr_expect_eq(packed, 1 | (2 << 6));
	cr_assert(pte_field_name_pack("contiguous", &packed));
	pte_field_name_unpack(packed, name);
	cr_expect_str_eq(name, "contiguous");
}

Test(trace_text, reader_spreads_a_pte_line_over_calls)
{
	/* Six fields, read four events at a time: the line's events come whole, in order, over two calls. */
	const char text[] = "r 0x10\npte 0x1000 1 p=1 rw=1 us=0 a=1 d=1 g=1\nr 0x20\n";
	struct trace_reader *r;
	struct trace_event ev[4];
	struct mm_error err = { 0 };
	int fds[2];
	long n, total = 0;
	unsigned fields = 0, last_line = 0;

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fds[1]);
	cr_assert_eq(trace_reader_open_fd(fds[0], "t", TRACE_FORMAT_TEXT, &r, &err), MM_OK);
	while ((n = trace_reader_next(r, ev, 4, &err)) > 0) {
		for (long i = 0; i < n; i++, total++) {
			if (ev[i].op == TRACE_PTE_FIELD) {
				fields++;
				cr_expect_eq(ev[i].line, 2);
			}
			cr_expect_geq(ev[i].line, last_line, "in order");
			last_line = (unsigned)ev[i].line;
		}
	}
	cr_expect_eq(n, 0, "%s", err.msg);
	cr_expect_eq(total, 8);
	cr_expect_eq(fields, 6);
	cr_expect_eq(last_line, 3);
	trace_reader_close(r);
	close(fds[0]);
}
