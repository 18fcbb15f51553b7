/*
 * trace readers: lackey, text and binary through trace_reader_*, the binary
 * writer, auto-detection, error messages with their exact place, and long
 * traces read from a file (mmap) and from a pipe (read buffer) in batches
 * that cross buffer boundaries.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt/walk.h"
#include "formats/trace.h"
#include "support.h"
#include "time_limit.h"

/* ---- helpers ---- */

static char *temp_bytes(const void *data, size_t len)
{
	char *path = malloc(64);
	const char *p = data;
	int fd;

	snprintf(path, 64, "/tmp/mmusim-test-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	while (len > 0) {
		ssize_t k = write(fd, p, len);
		cr_assert_gt(k, 0);
		p += k;
		len -= (size_t)k;
	}
	close(fd);
	return path;
}

struct collected {
	struct trace_event *ev;
	size_t n;
	long last;            /* 0 at the end, -1 on error */
	struct mm_error err;
	size_t calls_before_error;
};

/* Reads everything in batches of `batch`; stops at the end or the first error. */
static void collect(struct trace_reader *r, size_t batch, struct collected *c)
{
	size_t cap = 64;

	memset(c, 0, sizeof(*c));
	c->ev = malloc(cap * sizeof(*c->ev));
	for (;;) {
		long k;
		if (c->n + batch > cap) {
			while (c->n + batch > cap)
				cap *= 2;
			c->ev = realloc(c->ev, cap * sizeof(*c->ev));
		}
		k = trace_reader_next(r, c->ev + c->n, batch, &c->err);
		if (k <= 0) {
			c->last = k;
			break;
		}
		cr_assert_leq((size_t)k, batch);
		c->n += (size_t)k;
		c->calls_before_error++;
	}
}

static void read_path(const char *path, enum trace_format fmt, size_t batch, struct collected *c,
		      enum trace_format *detected)
{
	struct trace_reader *r;
	struct mm_error err = { 0 };

	cr_assert_eq(trace_reader_open(path, fmt, &r, &err), MM_OK, "%s", err.msg);
	if (detected)
		*detected = trace_reader_format(r);
	collect(r, batch, c);
	if (c->last < 0) {
		/* sticky: asking again repeats the error */
		struct trace_event e;
		struct mm_error again = { 0 };
		cr_expect_eq(trace_reader_next(r, &e, 1, &again), -1);
		cr_expect_str_eq(again.msg, c->err.msg);
	}
	trace_reader_close(r);
}

/* Same through stdin, fed by a pipe. */
static void read_pipe(const void *data, size_t len, size_t chunk, enum trace_format fmt, size_t batch,
		      struct collected *c, enum trace_format *detected)
{
	pid_t pid = feed_stdin(data, len, chunk);
	struct trace_reader *r;
	struct mm_error err = { 0 };

	cr_assert_eq(trace_reader_open("-", fmt, &r, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(trace_reader_size(r), 0);
	if (detected)
		*detected = trace_reader_format(r);
	collect(r, batch, c);
	trace_reader_close(r);
	feed_stdin_end(pid);
}

static void expect_same_event(const struct trace_event *got, const struct trace_event *want, size_t i)
{
	cr_expect_eq(got->op, want->op, "event %zu: op", i);
	cr_expect_eq(got->access, want->access, "event %zu: access", i);
	cr_expect_eq(got->scope, want->scope, "event %zu: scope", i);
	cr_expect_eq(got->size, want->size, "event %zu: size", i);
	cr_expect_eq(got->n, want->n, "event %zu: n", i);
	cr_expect_eq(got->va, want->va, "event %zu: va %llx != %llx", i, (unsigned long long)got->va,
		     (unsigned long long)want->va);
	cr_expect_eq(got->pa, want->pa, "event %zu: pa", i);
	cr_expect_eq(got->len, want->len, "event %zu: len", i);
	cr_expect_eq(got->prop.flags, want->prop.flags, "event %zu: flags", i);
	cr_expect_eq(got->prop.cache, want->prop.cache, "event %zu: cache", i);
}

static bool same_event(const struct trace_event *a, const struct trace_event *b)
{
	return a->op == b->op && a->access == b->access && a->scope == b->scope && a->size == b->size &&
	       a->n == b->n && a->va == b->va && a->pa == b->pa && a->len == b->len &&
	       a->prop.flags == b->prop.flags && a->prop.cache == b->prop.cache;
}

static void expect_access(const struct trace_event *e, unsigned kind, uint64_t va, unsigned size,
			  uint64_t line)
{
	cr_expect_eq(e->op, TRACE_ACCESS);
	cr_expect_eq(e->access, kind, "line %llu: access %u != %u", (unsigned long long)line, e->access, kind);
	cr_expect_eq(e->va, va, "line %llu: va %llx", (unsigned long long)line, (unsigned long long)e->va);
	cr_expect_eq(e->size, size, "line %llu: size %u", (unsigned long long)line, e->size);
	cr_expect_eq(e->line, line, "line %llu != %llu", (unsigned long long)e->line, (unsigned long long)line);
}

/* ---- format names ---- */

Test(trace_format, names_round_trip)
{
	static const char *const names[] = { "auto", "text", "lackey", "binary" };
	enum trace_format f;

	for (int i = 0; i < 4; i++) {
		cr_assert_eq(trace_format_parse(names[i], &f), MM_OK);
		cr_expect_eq(f, (enum trace_format)i);
		cr_expect_str_eq(trace_format_name(f), names[i]);
	}
	cr_expect_eq(trace_format_parse("Lackey", &f), MM_EINVAL);
	cr_expect_eq(trace_format_parse("", &f), MM_EINVAL);
}

/* ---- lackey ---- */

static const char lackey_kinds[] =
	"==12345== Lackey, an example Valgrind tool\n"
	"==12345== Command: ./a.out\n"
	"==12345== \n"
	"I  0400d7d4,8\n"
	" L 1ffefffb28,8\n"
	" S 1ffefffb20,4\n"
	"\n"
	" M 0421c7f0,4\n"
	"I  04010000,3\n"
	"==12345== \n"
	"==12345== Counted 1 call to main()\n";

static void check_lackey_kinds(const struct collected *c)
{
	cr_assert_eq(c->last, 0, "%s", c->err.msg);
	cr_assert_eq(c->n, 6);
	expect_access(&c->ev[0], ACCESS_EXEC, 0x400d7d4, 8, 4);
	expect_access(&c->ev[1], ACCESS_READ, 0x1ffefffb28, 8, 5);
	expect_access(&c->ev[2], ACCESS_WRITE, 0x1ffefffb20, 4, 6);
	expect_access(&c->ev[3], ACCESS_READ, 0x421c7f0, 4, 8);
	expect_access(&c->ev[4], ACCESS_WRITE, 0x421c7f0, 4, 8);
	expect_access(&c->ev[5], ACCESS_EXEC, 0x4010000, 3, 9);
}

Test(lackey, every_record_kind)
{
	char *path = write_temp_file(lackey_kinds, ".txt");
	enum trace_format f;
	struct collected c;

	read_path(path, TRACE_FORMAT_AUTO, 100, &c, &f);
	cr_expect_eq(f, TRACE_FORMAT_LACKEY);
	check_lackey_kinds(&c);
	free(c.ev);
	remove_temp_file(path);
}

Test(lackey, modify_split_across_batches)
{
	char *path = write_temp_file(lackey_kinds, ".txt");
	struct collected c;

	read_path(path, TRACE_FORMAT_LACKEY, 1, &c, NULL);
	check_lackey_kinds(&c);
	free(c.ev);
	read_path(path, TRACE_FORMAT_LACKEY, 4, &c, NULL); /* M at the 4th/5th slot */
	check_lackey_kinds(&c);
	free(c.ev);
	remove_temp_file(path);
}

Test(lackey, through_a_pipe)
{
	struct collected c;
	enum trace_format f;

	read_pipe(lackey_kinds, sizeof(lackey_kinds) - 1, 7, TRACE_FORMAT_AUTO, 3, &c, &f);
	cr_expect_eq(f, TRACE_FORMAT_LACKEY);
	check_lackey_kinds(&c);
	free(c.ev);
}

/* Uncommon but valid spellings, each both at the end of the file (slow path) and in the middle. */
Test(lackey, odd_but_valid_lines)
{
	static const char text[] =
		"I  FFFFFFFFFFFFFFFF,15\r\n"
		" L 0000000000000000001,255\n"     /* leading zeros beyond 16 digits */
		" S 0,1   \n"                      /* trailing blanks */
		" M aBcDeF,0016\n"                 /* mixed case, 4-digit size */
		"   \t\n"
		"==1==\n"
		"I  00000000,1";                   /* no final newline */
	char padded[512];
	struct collected c;

	for (int pad = 0; pad < 2; pad++) {
		char *path;
		snprintf(padded, sizeof(padded), "%s%s", pad ? "==0== padding so that the lines below take the fast path\n" : "",
			 text);
		path = write_temp_file(padded, ".txt");
		read_path(path, TRACE_FORMAT_LACKEY, 100, &c, NULL);
		cr_assert_eq(c.last, 0, "%s", c.err.msg);
		cr_assert_eq(c.n, 6);
		expect_access(&c.ev[0], ACCESS_EXEC, UINT64_MAX, 15, 1 + pad);
		expect_access(&c.ev[1], ACCESS_READ, 1, 255, 2 + pad);
		expect_access(&c.ev[2], ACCESS_WRITE, 0, 1, 3 + pad);
		expect_access(&c.ev[3], ACCESS_READ, 0xabcdef, 16, 4 + pad);
		expect_access(&c.ev[4], ACCESS_WRITE, 0xabcdef, 16, 4 + pad);
		expect_access(&c.ev[5], ACCESS_EXEC, 0, 1, 7 + pad);
		free(c.ev);
		remove_temp_file(path);
	}
}

/*
 * Lackey prints sizes up to its MAX_DSIZE, 512 (an FXSAVE area is one record):
 * they were refused as "out of range (expected 1 to 255)".  Both paths.
 */
Test(lackey, sizes_up_to_lackeys_512)
{
	static const char text[] = " M 400f00,512\n S 1000,256\n";
	char padded[256];
	struct collected c;

	for (int pad = 0; pad < 2; pad++) {
		char *path;
		snprintf(padded, sizeof(padded), "%s%s", pad ? "==0== padding so that the lines below take the fast path\n" : "",
			 text);
		path = write_temp_file(padded, ".txt");
		read_path(path, TRACE_FORMAT_LACKEY, 100, &c, NULL);
		cr_assert_eq(c.last, 0, "%s", c.err.msg);
		cr_assert_eq(c.n, 3);
		expect_access(&c.ev[0], ACCESS_READ, 0x400f00, 512, 1 + pad);
		expect_access(&c.ev[1], ACCESS_WRITE, 0x400f00, 512, 1 + pad);
		expect_access(&c.ev[2], ACCESS_WRITE, 0x1000, 256, 2 + pad);
		free(c.ev);
		remove_temp_file(path);
	}
}

/*
 * Valgrind prefixes its messages by kind (m_libcprint.c): ==PID== for the
 * user's, --PID-- for debug and warning ones (-v, "WARNING: unhandled
 * amd64-linux syscall: 999" in the middle of any trace), **PID** for the
 * client's.  All three are skipped, first in the file too (auto-detection).
 */
Test(lackey, valgrind_debug_and_client_message_lines)
{
	static const char text[] =
		"--28785-- Command line\n"
		"==28785== Lackey, an example Valgrind tool\n"
		"I  0400d7d4,8\n"
		"--28785-- WARNING: unhandled amd64-linux syscall: 999\n"
		"--28785-- You may be able to write your own handler.\n"
		" L 1ffefffb28,8\n"
		"**28785** client message\n"
		" S 1ffefffb20,4\n";
	char *path = write_temp_file(text, ".txt");
	enum trace_format f;
	struct collected c;

	read_path(path, TRACE_FORMAT_AUTO, 100, &c, &f);
	cr_expect_eq(f, TRACE_FORMAT_LACKEY);
	cr_assert_eq(c.last, 0, "%s", c.err.msg);
	cr_assert_eq(c.n, 3);
	expect_access(&c.ev[0], ACCESS_EXEC, 0x400d7d4, 8, 3);
	expect_access(&c.ev[1], ACCESS_READ, 0x1ffefffb28, 8, 6);
	expect_access(&c.ev[2], ACCESS_WRITE, 0x1ffefffb20, 4, 8);
	free(c.ev);
	remove_temp_file(path);
}

/*
 * lackey --trace-superblocks=yes writes "SB ADDR" (lk_main.c: "SB %08lx\n")
 * before each superblock's records: a superblock entered, no memory access.
 * Such a trace was read as text (its first line after valgrind's is "SB ...")
 * and stopped at line 1 with "unknown command '==12727=='"; with --format
 * lackey, at the first "SB" line.  Those lines are skipped, first in the file
 * too; "SB" followed by anything but hex digits stays an error.
 */
Test(lackey, superblock_lines_are_skipped)
{
	static const char text[] =
		"==12727== Lackey, an example Valgrind tool\n"
		"SB 0401ab70\n"
		"I  0401ab70,3\n"
		" S 1ffefffb20,8\n"
		"SB 0401b7e7\r\n"
		"I  0401b7e7,4\n";
	char *path = write_temp_file(text, ".txt");
	enum trace_format f;
	struct collected c;

	read_path(path, TRACE_FORMAT_AUTO, 100, &c, &f);
	cr_expect_eq(f, TRACE_FORMAT_LACKEY);
	cr_assert_eq(c.last, 0, "%s", c.err.msg);
	cr_assert_eq(c.n, 3);
	expect_access(&c.ev[0], ACCESS_EXEC, 0x401ab70, 3, 3);
	expect_access(&c.ev[1], ACCESS_WRITE, 0x1ffefffb20, 8, 4);
	expect_access(&c.ev[2], ACCESS_EXEC, 0x401b7e7, 4, 6);
	free(c.ev);
	remove_temp_file(path);

	path = write_temp_file("I  0401ab70,3\nSB 0401zz\n", ".txt");
	read_path(path, TRACE_FORMAT_LACKEY, 100, &c, NULL);
	cr_expect_eq(c.n, 1);
	cr_expect_neq(c.last, 0);
	cr_expect(strstr(c.err.msg, ":2: not a lackey line"), "%s", c.err.msg);
	free(c.ev);
	remove_temp_file(path);
}

Test(lackey, sample_trace)
{
	struct collected c;
	enum trace_format f;
	size_t counts[3] = { 0 };

	read_path(MMUSIM_SOURCE_DIR "/traces/lackey-sample.txt", TRACE_FORMAT_AUTO, 16, &c, &f);
	cr_expect_eq(f, TRACE_FORMAT_LACKEY);
	cr_assert_eq(c.last, 0, "%s", c.err.msg);
	cr_expect_eq(c.n, 41);
	for (size_t i = 0; i < c.n; i++)
		counts[c.ev[i].access]++;
	cr_expect_eq(counts[ACCESS_EXEC], 26);
	cr_expect_eq(counts[ACCESS_READ], 3);
	cr_expect_eq(counts[ACCESS_WRITE], 12);
	expect_access(&c.ev[0], ACCESS_EXEC, 0x401ab70, 3, 6);
	expect_access(&c.ev[c.n - 1], ACCESS_READ, 0x1fff000660, 32, 45);
	free(c.ev);
}

struct bad_lackey {
	char text[96];
	unsigned line;
	unsigned events;    /* decoded before the error */
	char msg[128];
};

#define UNKNOWN_TYPE(c) "unknown record type '" c "' (expected 'I  ADDR,SIZE' or ' L|S|M ADDR,SIZE')"
#define NOT_LACKEY "not a lackey line (expected 'I  ADDR,SIZE', ' L|S|M ADDR,SIZE' or '==PID== ...')"

static const struct bad_lackey bad_lackey_lines[] = {
	{ " X 0400d7d4,4\n", 1, 0, UNKNOWN_TYPE("X") },
	{ " I 0400d7d4,4\n", 1, 0, UNKNOWN_TYPE("I") },
	{ "Q  0400d7d4,4\n", 1, 0, UNKNOWN_TYPE("Q") },
	{ "I 0400d7d4,4\n", 1, 0, NOT_LACKEY },
	{ "L  0400d7d4,4\n", 1, 0, UNKNOWN_TYPE("L") },
	{ "r 0x1000\n", 1, 0, NOT_LACKEY },
	{ "I\n", 1, 0, NOT_LACKEY },
	{ "I  zz00d7d4,4\n", 1, 0, "bad address 'zz00d7d4' (expected hex digits without 0x)" },
	{ "I  0x400d7d4,4\n", 1, 0, "bad address '0x400d7d4' (expected hex digits without 0x)" },
	{ "I   0400d7d4,4\n", 1, 0, "bad address ' 0400d7d4' (expected hex digits without 0x)" },
	{ "I  ,4\n", 1, 0, "missing address (expected hex digits without 0x)" },
	{ "I  \n", 1, 0, NOT_LACKEY },
	{ "I  0400d7d4\n", 1, 0, "missing ',SIZE' after the address" },
	{ "I  0400d7d4,\n", 1, 0, "missing size after ','" },
	{ "I  0400d7d4,x\n", 1, 0, "bad size 'x' (expected a decimal number)" },
	{ "I  0400d7d4,-4\n", 1, 0, "bad size '-4' (expected a decimal number)" },
	{ "I  0400d7d4,4 junk\n", 1, 0, "bad size '4 junk' (expected a decimal number)" },
	{ "I  0400d7d4,0\n", 1, 0, "size 0 is out of range (expected 1 to 512)" },
	{ "I  0400d7d4,513\n", 1, 0, "size 513 is out of range (expected 1 to 512)" },
	{ "I  0400d7d4,99999999999999999999999\n", 1, 0,
	  "size 99999999999999999999999 is out of range (expected 1 to 512)" },
	{ "I  10000000000000000,4\n", 1, 0, "address '10000000000000000' does not fit in 64 bits" },
	{ "==1== Lackey\nI  0400d7d4,4\n M 1ffefffb28,8\n L 12,x\nI  0400d7d8,4\n", 4, 3,
	  "bad size 'x' (expected a decimal number)" },
	{ "I  0400d7d4,4\n\n\n#comment\n", 4, 1, NOT_LACKEY },
	{ "-- 0400d7d4,4\n", 1, 0, NOT_LACKEY },   /* not a valgrind message: no PID after -- */
	{ "**\n", 1, 0, NOT_LACKEY },
};

ParameterizedTestParameters(lackey, bad)
{
	return cr_make_param_array(struct bad_lackey, bad_lackey_lines,
				   sizeof(bad_lackey_lines) / sizeof(bad_lackey_lines[0]));
}

/* Each case three ways: alone (slow path), followed by more lines (fast path first), from a pipe. */
ParameterizedTest(const struct bad_lackey *b, lackey, bad)
{
	char text[256], want[512];

	for (int mode = 0; mode < 3; mode++) {
		struct collected c;
		char *path = NULL;

		snprintf(text, sizeof(text), "%s%s", b->text,
			 mode == 1 ? "==0== more lines so that the bad one is not near the end of the file\n" : "");
		if (mode < 2) {
			path = write_temp_file(text, ".txt");
			read_path(path, TRACE_FORMAT_LACKEY, 64, &c, NULL);
		} else {
			read_pipe(text, strlen(text), 5, TRACE_FORMAT_LACKEY, 64, &c, NULL);
		}
		snprintf(want, sizeof(want), "%s:%u: %s", path ? path : "<stdin>", b->line, b->msg);
		cr_expect_eq(c.n, b->events, "mode %d: %zu events before the error", mode, c.n);
		cr_expect_eq(c.last, -1, "mode %d", mode);
		cr_expect_str_eq(c.err.msg, want, "mode %d", mode);
		cr_expect_eq(c.err.code, MM_EINVAL);
		for (size_t i = 0; i < c.n; i++)
			cr_expect_lt(c.ev[i].line, b->line);
		free(c.ev);
		remove_temp_file(path);
	}
}

/* ---- text ---- */

static const char text_all[] =
	"# a text trace\n"
	"map 0x400000 0x10000000 2M rw-u- cache=wc\n"
	"protect 0x400000 4K rx\n"
	"unmap 0x401000 4K\n"
	"\n"
	"r 0x400010   # read\n"
	"w 0x400018\n"
	"x 0x400000\n"
	"asid 7\n"
	"priv supervisor\n"
	"cpu 3\n"
	"flush\n"
	"flush va 0x400000\n"
	"flush asid 7\n"
	"flush va 0x1000 asid 65535\n"
	"priv user";

static void check_text_all(const struct collected *c)
{
	static const struct trace_event want[] = {
		{ .line = 2, .op = TRACE_MAP, .va = 0x400000, .pa = 0x10000000, .len = 2 << 20,
		  .prop = { PROP_R | PROP_W | PROP_U, CACHE_WC } },
		{ .line = 3, .op = TRACE_PROTECT, .va = 0x400000, .len = 4096, .prop = { PROP_R | PROP_X, CACHE_WB } },
		{ .line = 4, .op = TRACE_UNMAP, .va = 0x401000, .len = 4096 },
		{ .line = 6, .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x400010 },
		{ .line = 7, .op = TRACE_ACCESS, .access = ACCESS_WRITE, .va = 0x400018 },
		{ .line = 8, .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = 0x400000 },
		{ .line = 9, .op = TRACE_ASID, .n = 7 },
		{ .line = 10, .op = TRACE_PRIV, .n = PRIV_SUPERVISOR },
		{ .line = 11, .op = TRACE_CPU, .n = 3 },
		{ .line = 12, .op = TRACE_FLUSH, .scope = FLUSH_ALL },
		{ .line = 13, .op = TRACE_FLUSH, .scope = FLUSH_VA, .va = 0x400000 },
		{ .line = 14, .op = TRACE_FLUSH, .scope = FLUSH_ASID, .n = 7 },
		{ .line = 15, .op = TRACE_FLUSH, .scope = FLUSH_VA_ASID, .va = 0x1000, .n = 65535 },
		{ .line = 16, .op = TRACE_PRIV, .n = PRIV_USER },
	};
	size_t nwant = sizeof(want) / sizeof(want[0]);

	cr_assert_eq(c->last, 0, "%s", c->err.msg);
	cr_assert_eq(c->n, nwant);
	for (size_t i = 0; i < nwant; i++) {
		expect_same_event(&c->ev[i], &want[i], i);
		cr_expect_eq(c->ev[i].line, want[i].line, "event %zu: line", i);
	}
}

Test(text, every_command_through_the_reader)
{
	char *path = write_temp_file(text_all, ".trace");
	struct collected c;
	enum trace_format f;
	struct trace_reader *r;

	read_path(path, TRACE_FORMAT_AUTO, 5, &c, &f);
	cr_expect_eq(f, TRACE_FORMAT_TEXT);
	check_text_all(&c);
	free(c.ev);
	read_pipe(text_all, sizeof(text_all) - 1, 3, TRACE_FORMAT_TEXT, 1, &c, NULL);
	check_text_all(&c);
	free(c.ev);

	cr_assert_eq(trace_reader_open(path, TRACE_FORMAT_TEXT, &r, NULL), MM_OK);
	cr_expect_eq(trace_reader_offset(r), 0);
	cr_expect_eq(trace_reader_size(r), sizeof(text_all) - 1);
	collect(r, 1000, &c);
	cr_expect_eq(trace_reader_offset(r), sizeof(text_all) - 1);
	free(c.ev);
	trace_reader_close(r);
	remove_temp_file(path);
}

Test(text, error_comes_after_the_events_before_it)
{
	static const char text[] = "r 0x10\n\nw 0x20\nbogus 1\nr 0x30\n";
	char *path = write_temp_file(text, ".trace");
	char want[512];
	struct collected c;

	for (size_t batch = 1; batch <= 3; batch++) {
		read_path(path, TRACE_FORMAT_AUTO, batch, &c, NULL);
		snprintf(want, sizeof(want),
			 "%s:4: unknown command 'bogus' (expected map, unmap, protect, r, w, x, load, store, fetch, "
			 "asid, priv, cpu, flush, tlbi, stats, poke, set-pte or pte)", path);
		cr_expect_eq(c.n, 2, "batch %zu", batch);
		cr_expect_eq(c.last, -1);
		cr_expect_str_eq(c.err.msg, want);
		free(c.ev);
	}
	read_pipe(text, sizeof(text) - 1, 2, TRACE_FORMAT_TEXT, 10, &c, NULL);
	cr_expect_eq(c.n, 2);
	cr_expect_eq(c.last, -1);
	cr_expect(strncmp(c.err.msg, "<stdin>:4: unknown command 'bogus'", 34) == 0, "%s", c.err.msg);
	free(c.ev);
	remove_temp_file(path);
}

/* A line over the limit (here 3 MiB, longer than the read buffer) stops the trace where it starts. */
Test(text, lines_longer_than_the_limit_are_an_error)
{
	size_t big = 3u << 20;
	char *text = malloc(big + 64);
	char *path, want[128];
	struct collected c;

	strcpy(text, "r 0x8\n#");
	memset(text + 7, 'x', big - 7);
	strcpy(text + big, "\nr 0x10\n  w 0x20");
	path = temp_bytes(text, strlen(text));
	for (int mode = 0; mode < 2; mode++) {
		if (mode == 0)
			read_path(path, TRACE_FORMAT_AUTO, 10, &c, NULL);
		else
			read_pipe(text, strlen(text), 65536, TRACE_FORMAT_AUTO, 10, &c, NULL);
		cr_assert_eq(c.last, -1);
		cr_assert_eq(c.n, 1);
		expect_access(&c.ev[0], ACCESS_READ, 0x8, 0, 1);
		snprintf(want, sizeof(want), "%s:2: line longer than 65536 bytes", mode == 0 ? path : "<stdin>");
		cr_expect_str_eq(c.err.msg, want);
		free(c.ev);
	}
	remove_temp_file(path);
	free(text);
}

/* ---- auto-detection ---- */

struct detect_case {
	char text[96];
	enum trace_format fmt;
	unsigned events;
};

static const struct detect_case detect_cases[] = {
	{ "# comment first\nr 0x10\n", TRACE_FORMAT_TEXT, 1 },
	{ "\n\n \t\nmap 0 0 4K r\n", TRACE_FORMAT_TEXT, 1 },
	{ "   # indented comment\n\nx 0x400000", TRACE_FORMAT_TEXT, 1 },
	{ "", TRACE_FORMAT_TEXT, 0 },
	{ "# nothing but comments\n\n", TRACE_FORMAT_TEXT, 0 },
	{ "==4242== Lackey, an example Valgrind tool\n==4242== \nI  04000000,3\n", TRACE_FORMAT_LACKEY, 1 },
	{ " L 1ffefffb28,8\nI  04000000,3\n", TRACE_FORMAT_LACKEY, 2 },
	{ "\n M 0421c7f0,4\r\n", TRACE_FORMAT_LACKEY, 2 },
	{ "==4242== only valgrind noise\n==4242== \n", TRACE_FORMAT_LACKEY, 0 },
	{ "I  0400d7d4,8", TRACE_FORMAT_LACKEY, 1 },
};

ParameterizedTestParameters(detect, formats)
{
	return cr_make_param_array(struct detect_case, detect_cases, sizeof(detect_cases) / sizeof(detect_cases[0]));
}

ParameterizedTest(const struct detect_case *d, detect, formats)
{
	char *path = write_temp_file(d->text, ".trace");
	struct collected c;
	enum trace_format f;

	read_path(path, TRACE_FORMAT_AUTO, 8, &c, &f);
	cr_expect_eq(f, d->fmt, "%s: detected %s", d->text, trace_format_name(f));
	cr_expect_eq(c.last, 0, "%s", c.err.msg);
	cr_expect_eq(c.n, d->events);
	free(c.ev);
	remove_temp_file(path);

	/* from a pipe, one byte at a time: the peeked bytes must not be lost */
	read_pipe(d->text, strlen(d->text), 1, TRACE_FORMAT_AUTO, 8, &c, &f);
	cr_expect_eq(f, d->fmt, "pipe: %s: detected %s", d->text, trace_format_name(f));
	cr_expect_eq(c.last, 0, "%s", c.err.msg);
	cr_expect_eq(c.n, d->events);
	free(c.ev);
}

Test(detect, valgrind_header_longer_than_the_buffer)
{
	size_t big = 2u << 20;
	char *text = malloc(big + 64);
	struct collected c;
	enum trace_format f;

	memcpy(text, "==1== ", 6);
	memset(text + 6, 'v', big - 6);
	strcpy(text + big, "\nI  0400d7d4,8\n");
	read_pipe(text, strlen(text), 65536, TRACE_FORMAT_AUTO, 8, &c, &f);
	cr_expect_eq(f, TRACE_FORMAT_LACKEY);
	/* detected on the full buffer; the line itself is then over the limit */
	cr_assert_eq(c.last, -1);
	cr_assert_eq(c.n, 0);
	cr_expect_str_eq(c.err.msg, "<stdin>:1: line longer than 65536 bytes");
	free(c.ev);
	free(text);
}

Test(detect, binary_from_file_and_pipe)
{
	static const unsigned char bin[] = { 0x89, 'M', 'M', 'U', 'T', 'R', 'C', '\n', 1, 0, 0, 0, 0, 0, 0, 0,
					     0x44 /* exec, delta follows, size 4 */, 0x80, 0x80, 0x80, 0x04 };
	char *path = temp_bytes(bin, sizeof(bin));
	struct collected c;
	enum trace_format f;

	read_path(path, TRACE_FORMAT_AUTO, 8, &c, &f);
	cr_expect_eq(f, TRACE_FORMAT_BINARY);
	cr_assert_eq(c.last, 0, "%s", c.err.msg);
	cr_assert_eq(c.n, 1);
	expect_access(&c.ev[0], ACCESS_EXEC, 0x400000, 4, 1);
	free(c.ev);
	read_pipe(bin, sizeof(bin), 3, TRACE_FORMAT_AUTO, 8, &c, &f);
	cr_expect_eq(f, TRACE_FORMAT_BINARY);
	cr_assert_eq(c.n, 1);
	expect_access(&c.ev[0], ACCESS_EXEC, 0x400000, 4, 1);
	free(c.ev);
	remove_temp_file(path);
}

Test(reader, open_errors)
{
	struct trace_reader *r = (void *)1;
	struct mm_error err = { 0 };

	cr_expect_eq(trace_reader_open("/nonexistent/t.trace", TRACE_FORMAT_AUTO, &r, &err), MM_EIO);
	cr_expect_null(r);
	cr_expect_str_eq(err.msg, "/nonexistent/t.trace: cannot open: No such file or directory");
	cr_expect_eq(trace_reader_open("/tmp", TRACE_FORMAT_TEXT, &r, &err), MM_EIO);
	cr_expect_str_eq(err.msg, "/tmp: cannot read: Is a directory");
	cr_expect_eq(trace_reader_open("/dev/null", (enum trace_format)9, &r, &err), MM_EINVAL);
	cr_expect_eq(trace_reader_open("/dev/null", TRACE_FORMAT_AUTO, &r, &err), MM_OK);
	cr_expect_eq(trace_reader_format(r), TRACE_FORMAT_TEXT);
	trace_reader_close(r);
	trace_reader_close(NULL);
}

/* ---- binary ---- */

#define U64MAX UINT64_MAX
static const struct trace_event every_op[] = {
	{ .op = TRACE_MAP, .va = 0, .pa = 0, .len = 0, .prop = { 0, CACHE_WB } },
	{ .op = TRACE_MAP, .va = U64MAX, .pa = U64MAX, .len = U64MAX, .prop = { 0x1ff, CACHE_WP } },
	{ .op = TRACE_MAP, .va = 0xffff888000000000, .pa = 0xfee00000, .len = 1ull << 30,
	  .prop = { PROP_R | PROP_W | PROP_G, CACHE_UC } },
	{ .op = TRACE_PROTECT, .va = 0x400000, .len = 4096, .prop = { PROP_R | PROP_X | PROP_U, CACHE_WT } },
	{ .op = TRACE_PROTECT, .va = U64MAX, .len = U64MAX, .prop = { PROP_AVAIL2, CACHE_WC } },
	{ .op = TRACE_UNMAP, .va = 0x7fffffffe000, .len = 8192 },
	{ .op = TRACE_UNMAP, .va = U64MAX, .len = U64MAX },
	{ .op = TRACE_ASID, .n = 0 },
	{ .op = TRACE_ASID, .n = 65535 },
	{ .op = TRACE_PRIV, .n = PRIV_SUPERVISOR },
	{ .op = TRACE_PRIV, .n = PRIV_USER },
	{ .op = TRACE_CPU, .n = 1023 },
	{ .op = TRACE_CPU, .n = 0 },
	{ .op = TRACE_FLUSH, .scope = FLUSH_ALL },
	{ .op = TRACE_FLUSH, .scope = FLUSH_VA, .va = U64MAX },
	{ .op = TRACE_FLUSH, .scope = FLUSH_ASID, .n = 65535 },
	{ .op = TRACE_FLUSH, .scope = FLUSH_VA_ASID, .va = 0, .n = 0 },
	/* the tlbi scopes: record 0x91 and a scope byte */
	{ .op = TRACE_FLUSH, .scope = FLUSH_VA_ASID_GLOBAL, .va = 0x400000, .n = 7 },
	{ .op = TRACE_FLUSH, .scope = FLUSH_VA_ASID_GLOBAL | FLUSH_LAST_LEVEL | FLUSH_ALL_CPUS, .va = U64MAX,
	  .n = 65535 },
	{ .op = TRACE_FLUSH, .scope = FLUSH_VA | FLUSH_LAST_LEVEL, .va = 0x1000 },
	{ .op = TRACE_FLUSH, .scope = FLUSH_ALL | FLUSH_ALL_CPUS },
	{ .op = TRACE_FLUSH, .scope = FLUSH_ASID | FLUSH_ALL_CPUS, .n = 3 },
	{ .op = TRACE_STATS_RESET },
	/* accesses: every size code, extreme VAs and deltas, both predictors */
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0, .size = 0 },           /* == prediction */
	{ .op = TRACE_ACCESS, .access = ACCESS_WRITE, .va = U64MAX, .size = 1 },     /* delta -1 */
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0, .size = 8 },           /* delta +1, wrapping */
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x8000000000000000, .size = 12 },
	{ .op = TRACE_ACCESS, .access = ACCESS_WRITE, .va = 0x7fffffffffffffff, .size = 13 },
	{ .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = U64MAX, .size = 15 },
	{ .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = 0, .size = 4 },           /* prediction 14 */
	{ .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = 4, .size = 3 },           /* sequential */
	{ .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = 7, .size = 0 },
	{ .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = 7, .size = 255 },
	{ .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = 0x8000000000000000, .size = 16 },
	{ .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = 0x7fffffffffffffff, .size = 32 },
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x1000, .size = 32 },     /* read+write = modify */
	{ .op = TRACE_ACCESS, .access = ACCESS_WRITE, .va = 0x1000, .size = 32 },
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x2000, .size = 64 },     /* different size: not merged */
	{ .op = TRACE_ACCESS, .access = ACCESS_WRITE, .va = 0x2000, .size = 8 },
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x10, .size = 16 },       /* read, read, write */
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x10, .size = 16 },
	{ .op = TRACE_ACCESS, .access = ACCESS_WRITE, .va = 0x10, .size = 16 },
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x20, .size = 2 },        /* read, then another op */
	{ .op = TRACE_ASID, .n = 1 },
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0x1ffefffb28, .size = 200 },
	{ .op = TRACE_ACCESS, .access = ACCESS_WRITE, .va = 0x1ffefffb28, .size = 200 },
	{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 0xdead, .size = 4 },      /* held back until close */
};
#define N_EVERY_OP (sizeof(every_op) / sizeof(every_op[0]))

static char *write_binary(const struct trace_event *ev, size_t n, size_t chunk)
{
	char *path = temp_bytes("", 0);
	struct trace_writer *w;
	struct mm_error err = { 0 };

	cr_assert_eq(trace_writer_open(path, &w, &err), MM_OK, "%s", err.msg);
	for (size_t i = 0; i < n; i += chunk)
		cr_assert_eq(trace_writer_put(w, ev + i, n - i < chunk ? n - i : chunk, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(trace_writer_close(w, &err), MM_OK, "%s", err.msg);
	return path;
}

static void check_every_op(const struct collected *c)
{
	uint64_t prev_line = 0;

	cr_assert_eq(c->last, 0, "%s", c->err.msg);
	cr_assert_eq(c->n, N_EVERY_OP);
	for (size_t i = 0; i < c->n; i++) {
		expect_same_event(&c->ev[i], &every_op[i], i);
		/* record numbers: a modify's two events share one */
		bool second_of_modify = i > 0 && c->ev[i].access == ACCESS_WRITE && c->ev[i - 1].op == TRACE_ACCESS &&
					c->ev[i - 1].access == ACCESS_READ && c->ev[i - 1].va == c->ev[i].va &&
					c->ev[i - 1].size == c->ev[i].size && c->ev[i].op == TRACE_ACCESS;
		cr_expect_eq(c->ev[i].line, second_of_modify ? prev_line : prev_line + 1, "event %zu: line %llu", i,
			     (unsigned long long)c->ev[i].line);
		prev_line = c->ev[i].line;
	}
}

static size_t file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return (size_t)n;
}

Test(binary, round_trip_every_op)
{
	char *path = write_binary(every_op, N_EVERY_OP, N_EVERY_OP), *path1 = write_binary(every_op, N_EVERY_OP, 1);
	struct collected c;
	FILE *a = fopen(path, "rb"), *b = fopen(path1, "rb");
	int ca, cb;

	/* the bytes do not depend on how the events were batched into put() */
	do {
		ca = fgetc(a);
		cb = fgetc(b);
		cr_assert_eq(ca, cb);
	} while (ca != EOF);
	fclose(a);
	fclose(b);

	for (size_t batch = 1; batch <= 64; batch *= 4) {
		read_path(path, TRACE_FORMAT_BINARY, batch, &c, NULL);
		check_every_op(&c);
		free(c.ev);
	}
	{
		size_t len = file_size(path);
		unsigned char *bytes = malloc(len);
		FILE *f = fopen(path, "rb");
		cr_assert_eq(fread(bytes, 1, len, f), len);
		fclose(f);
		read_pipe(bytes, len, 5, TRACE_FORMAT_AUTO, 3, &c, NULL);
		check_every_op(&c);
		free(c.ev);
		free(bytes);
	}
	remove_temp_file(path);
	remove_temp_file(path1);
}

Test(binary, compact_accesses)
{
	enum { N = 1000 };
	struct trace_event *ev = calloc(2 * N, sizeof(*ev));
	char *path;

	/* sequential 4-byte fetches: 5 bytes for the first (delta 0x400000), then 1 byte each */
	for (int i = 0; i < N; i++)
		ev[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = 0x400000 + 4u * i, .size = 4 };
	path = write_binary(ev, N, 100);
	/* + the end record: tag 0x8f and the record count 1000 as a 2-byte varint */
	cr_expect_eq(file_size(path), 16 + 5 + (N - 1) + 3);
	remove_temp_file(path);

	/* a modify (read + write of the same bytes) is one record; nearby stack accesses 2 bytes */
	for (int i = 0; i < N; i++) {
		uint64_t va = 0x1ffefffb00 - 8u * (i % 8);
		ev[2 * i] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = va, .size = 8 };
		ev[2 * i + 1] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_WRITE, .va = va, .size = 8 };
	}
	path = write_binary(ev, 2 * N, 333);
	cr_expect_leq(file_size(path), 16 + 7 + 2 * (N - 1) + 3);
	remove_temp_file(path);
	free(ev);
}

struct bad_binary {
	unsigned char bytes[64];
	size_t len;
	unsigned events;     /* decoded before the error */
	bool pad;            /* valid records may follow: the same error from the unchecked decoder */
	enum trace_format fmt;
	char msg[96];        /* after "PATH: " */
};

#define HDR 0x89, 'M', 'M', 'U', 'T', 'R', 'C', '\n', 1, 0, 0, 0, 0, 0, 0, 0
#define HDR_END 0x89, 'M', 'M', 'U', 'T', 'R', 'C', '\n', 1, 0, 0, 0, 1, 0, 0, 0
#define B TRACE_FORMAT_BINARY
static const struct bad_binary bad_binaries[] = {
	{ { 0 }, 0, 0, false, B, "byte 0: truncated header (0 of 16 bytes)" },
	{ { 'M', 'M', 'U', 'T', 'R', 'C', 0, 1, 1, 0, 0, 0, 0, 0, 0, 0 }, 16, 0, true, B,
	  "byte 0: bad magic (not an mmusim binary trace)" },
	{ { 'r', ' ', '0', 'x', '1', '0', '\n' }, 7, 0, false, B, "byte 0: bad magic (not an mmusim binary trace)" },
	{ { 0x89, 'M', 'M', 'U' }, 4, 0, false, TRACE_FORMAT_AUTO, "byte 0: truncated header (4 of 16 bytes)" },
	{ { 0x89, 'M', 'M', 'U', 'T', 'R', 'C', '\n', 1, 0, 0 }, 11, 0, false, B,
	  "byte 0: truncated header (11 of 16 bytes)" },
	{ { 0x89, 'M', 'M', 'U', 'T', 'R', 'C', '\n', 2, 0, 0, 0, 0, 0, 0, 0 }, 16, 0, true, TRACE_FORMAT_AUTO,
	  "byte 8: unsupported version 2 (this build reads version 1)" },
	{ { 0x89, 'M', 'M', 'U', 'T', 'R', 'C', '\n', 1, 0, 0, 0, 2, 0, 0, 0 }, 16, 0, true, B,
	  "byte 12: unsupported flags 0x00000002 (expected 0 or 0x00000001)" },
	/* flags bit 0: the file must end with an end record (0x8f, the record count) */
	{ { HDR_END }, 16, 0, false, B, "byte 16: truncated: no end record after 0 records" },
	{ { HDR_END, 0x51, 0x12 }, 18, 2, false, B, "byte 18: truncated: no end record after 2 records" },
	{ { HDR_END, 0x71, 0x8f }, 18, 2, false, B, "byte 17: truncated record (tag 0x8f)" },
	{ { HDR_END, 0x51, 0x8f, 0x02 }, 19, 1, true, B,
	  "byte 17: end record counts 2 records, the file has 1 (records are missing)" },
	{ { HDR_END, 0x51, 0x8f, 0x00 }, 19, 1, true, B,
	  "byte 17: end record counts 0 records, the file has 1 (records are missing)" },
	{ { HDR_END, 0x51, 0x8f, 0x01, 0x51 }, 20, 1, true, B, "byte 19: data after the end record (tag 0x51)" },
	{ { HDR, 0x8f, 0x00, 0x8f, 0x00 }, 20, 0, true, B, "byte 18: data after the end record (tag 0x8f)" },
	/* two good accesses, then an unknown tag */
	{ { HDR, 0x51, 0x12, 0x8a }, 19, 2, true, B, "byte 18: unknown record tag 0x8a" },
	{ { HDR, 0xff }, 17, 0, true, B, "byte 16: unknown record tag 0xff" },
	/* a modify (two events), then a varint cut off */
	{ { HDR, 0x71, 0x00, 0x80 }, 19, 2, false, B, "byte 17: truncated record (tag 0x00)" },
	{ { HDR, 0x1f }, 17, 0, false, B, "byte 16: truncated record (tag 0x1f)" },
	{ { HDR, 0x51, 0x80, 1, 2, 3 }, 21, 1, false, B, "byte 17: truncated record (tag 0x80)" },
	{ { HDR, 0x82, 1, 2, 3 }, 20, 0, false, B, "byte 16: truncated record (tag 0x82)" },
	{ { HDR, 0x89, 0x05 }, 18, 0, false, B, "byte 16: truncated record (tag 0x89)" },
	{ { HDR, 0x84 }, 17, 0, false, B, "byte 16: truncated record (tag 0x84)" },
	{ { HDR, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, 28, 0, true, B,
	  "byte 16: varint longer than 10 bytes (record tag 0x00)" },
	{ { HDR, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 }, 27, 0, true, B,
	  "byte 16: varint overflows 64 bits (record tag 0x00)" },
	{ { HDR, 0x83, 0x80, 0x80, 0x04 }, 20, 0, true, B, "byte 16: asid 65536 is out of range (at most 65535)" },
	{ { HDR, 0x88, 0x80, 0x80, 0x04 }, 20, 0, true, B, "byte 16: asid 65536 is out of range (at most 65535)" },
	{ { HDR, 0x85, 0x80, 0x08 }, 19, 0, true, B, "byte 16: cpu 1024 is out of range (at most 1023)" },
	{ { HDR, 0x84, 2 }, 18, 0, true, B, "byte 16: bad privilege 2 (expected 0 user or 1 supervisor)" },
	{ { HDR, 0x80, 0, 0, 0, 0x80, 0x04, 0 }, 23, 0, true, B, "byte 16: bad page flags 0x200 (at most 0x1ff)" },
	{ { HDR, 0x80, 0, 0, 0, 0x07, 5 }, 22, 0, true, B, "byte 16: bad cache policy 5 (at most 4)" },
	{ { HDR, 0x86, 0x86, 0x82, 1, 1, 0x07, 9 }, 23, 2, true, B, "byte 18: bad cache policy 9 (at most 4)" },
	/* 0x91: a scope byte, then the operands it calls for */
	{ { HDR, 0x91 }, 17, 0, false, B, "byte 16: truncated record (tag 0x91)" },
	{ { HDR, 0x91, 0x24, 0x80 }, 19, 0, false, B, "byte 16: truncated record (tag 0x91)" },
	{ { HDR, 0x91, 0x05 }, 18, 0, true, B, "byte 16: bad flush scope 0x05" },
	{ { HDR, 0x91, 0x40 }, 18, 0, true, B, "byte 16: bad flush scope 0x40" },
	{ { HDR, 0x91, 0x24, 0x00, 0x80, 0x80, 0x04 }, 23, 0, true, B,
	  "byte 16: asid 65536 is out of range (at most 65535)" },
};

ParameterizedTestParameters(binary, bad)
{
	return cr_make_param_array(struct bad_binary, bad_binaries, sizeof(bad_binaries) / sizeof(bad_binaries[0]));
}

ParameterizedTest(const struct bad_binary *b, binary, bad)
{
	for (int mode = 0; mode < 3; mode++) {
		unsigned char bytes[256];
		size_t len = b->len;
		char *path = NULL, want[512];
		struct collected c;

		if (mode == 1 && !b->pad)
			continue;
		memcpy(bytes, b->bytes, len);
		if (mode == 1) { /* 96 single-byte records after the damage */
			memset(bytes + len, 0x51, 96);
			len += 96;
		}
		if (mode < 2) {
			path = temp_bytes(bytes, len);
			read_path(path, b->fmt, 64, &c, NULL);
		} else {
			read_pipe(bytes, len, 3, b->fmt, 64, &c, NULL);
		}
		snprintf(want, sizeof(want), "%s: %s", path ? path : "<stdin>", b->msg);
		cr_expect_eq(c.n, b->events, "mode %d: %zu events", mode, c.n);
		cr_expect_eq(c.last, -1, "mode %d", mode);
		cr_expect_str_eq(c.err.msg, want, "mode %d", mode);
		cr_expect_eq(c.err.code, MM_EINVAL);
		free(c.ev);
		remove_temp_file(path);
	}
}

Test(binary, writer_to_stdout)
{
	char *path = temp_bytes("", 0);
	int fd = open(path, O_WRONLY | O_TRUNC), saved = dup(STDOUT_FILENO);
	struct trace_writer *w;
	struct collected c;

	cr_assert_geq(fd, 0);
	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	cr_assert_eq(trace_writer_open("-", &w, NULL), MM_OK);
	cr_assert_eq(trace_writer_put(w, every_op, N_EVERY_OP, NULL), MM_OK);
	cr_assert_eq(trace_writer_close(w, NULL), MM_OK);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	read_path(path, TRACE_FORMAT_AUTO, 7, &c, NULL);
	check_every_op(&c);
	free(c.ev);
	remove_temp_file(path);
}

Test(binary, writer_errors)
{
	struct trace_writer *w = (void *)1;
	struct mm_error err = { 0 };
	struct trace_event bad[2] = {
		{ .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 1 },
		{ .op = TRACE_ACCESS, .access = 7 },
	};
	char *path = temp_bytes("", 0), want[512];

	cr_expect_eq(trace_writer_open("/nonexistent/out.bin", &w, &err), MM_EIO);
	cr_expect_null(w);
	cr_expect_str_eq(err.msg, "/nonexistent/out.bin: cannot create: No such file or directory");

	cr_assert_eq(trace_writer_open(path, &w, &err), MM_OK);
	cr_expect_eq(trace_writer_put(w, bad, 2, &err), MM_EINVAL);
	snprintf(want, sizeof(want), "%s: event 2: bad access kind 7", path);
	cr_expect_str_eq(err.msg, want);
	bad[1] = (struct trace_event){ .op = TRACE_ASID, .n = 65536 };
	cr_expect_eq(trace_writer_put(w, &bad[1], 1, &err), MM_EINVAL);
	bad[1] = (struct trace_event){ .op = TRACE_FLUSH, .scope = FLUSH_SCOPE_LAST + 1 };
	cr_expect_eq(trace_writer_put(w, &bad[1], 1, &err), MM_EINVAL);
	cr_expect(strstr(err.msg, ": event 2: bad flush scope 0x05") != NULL, "%s", err.msg);
	bad[1] = (struct trace_event){ .op = TRACE_FLUSH, .scope = FLUSH_ALL | 0x40 }; /* no such modifier */
	cr_expect_eq(trace_writer_put(w, &bad[1], 1, &err), MM_EINVAL);
	cr_expect(strstr(err.msg, ": event 2: bad flush scope 0x40") != NULL, "%s", err.msg);
	bad[1] = (struct trace_event){ .op = 42 };
	cr_expect_eq(trace_writer_put(w, &bad[1], 1, &err), MM_EINVAL);
	bad[1] = (struct trace_event){ .op = TRACE_MAP, .prop = { 0x200, CACHE_WB } };
	cr_expect_eq(trace_writer_put(w, &bad[1], 1, &err), MM_EINVAL);
	cr_expect(strstr(err.msg, "bad page flags 0x200") != NULL, "%s", err.msg);
	bad[1] = (struct trace_event){ .op = TRACE_PROTECT, .prop = { 0, (enum cache_policy)5 } };
	cr_expect_eq(trace_writer_put(w, &bad[1], 1, &err), MM_EINVAL);
	cr_expect(strstr(err.msg, "bad cache policy 5") != NULL, "%s", err.msg);
	bad[1] = (struct trace_event){ .op = TRACE_FLUSH, .scope = FLUSH_VA_ASID, .n = 65536 };
	cr_expect_eq(trace_writer_put(w, &bad[1], 1, &err), MM_EINVAL);
	cr_expect(strstr(err.msg, "asid 65536 is out of range") != NULL, "%s", err.msg);
	bad[1] = (struct trace_event){ .op = TRACE_PRIV, .n = 2 };
	cr_expect_eq(trace_writer_put(w, &bad[1], 1, &err), MM_EINVAL);
	bad[1] = (struct trace_event){ .op = TRACE_CPU, .n = 1024 };
	cr_expect_eq(trace_writer_put(w, &bad[1], 1, &err), MM_EINVAL);
	cr_expect_eq(trace_writer_close(w, &err), MM_OK); /* what was valid was written */
	cr_expect_eq(trace_writer_close(NULL, &err), MM_OK);
	remove_temp_file(path);

	if (access("/dev/full", W_OK) == 0) {
		struct trace_event many[1000];
		int rc = MM_OK;

		cr_assert_eq(trace_writer_open("/dev/full", &w, &err), MM_OK);
		cr_expect_eq(trace_writer_put(w, every_op, N_EVERY_OP, &err), MM_OK); /* buffered */
		cr_expect_eq(trace_writer_close(w, &err), MM_EIO);
		cr_expect_str_eq(err.msg, "/dev/full: write error: No space left on device");

		/* failing while put() flushes; the error sticks */
		for (int i = 0; i < 1000; i++)
			many[i] = (struct trace_event){ .op = TRACE_ACCESS, .access = ACCESS_EXEC, .va = 977ull * i << 20 };
		cr_assert_eq(trace_writer_open("/dev/full", &w, &err), MM_OK);
		for (int i = 0; i < 1000 && rc == MM_OK; i++)
			rc = trace_writer_put(w, many, 1000, &err);
		cr_expect_eq(rc, MM_EIO);
		memset(&err, 0, sizeof(err));
		cr_expect_eq(trace_writer_put(w, many, 1, &err), MM_EIO);
		cr_expect_str_eq(err.msg, "/dev/full: write error: No space left on device");
		cr_expect_eq(trace_writer_close(w, &err), MM_EIO);
	}
}

/* Random events of every op, VAs from every range (near, far, full 64-bit), through file and pipe. */
static uint64_t rng_next_global(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

Test(binary, random_round_trip, .init = time_limit_60s)
{
	enum { N = 200000 };
	static const unsigned sizes[] = { 0, 1, 4, 8, 12, 13, 16, 32, 64, 255 };
	struct trace_event *ev = calloc(N, sizeof(*ev));
	uint64_t s = 0x2545f4914f6cdd1dull, near = 0x7fff0000;
	struct collected c;
	char *path;

	for (size_t i = 0; i < N; i++) {
		uint64_t r = rng_next_global(&s), v = rng_next_global(&s);
		struct trace_event *e = &ev[i];
		unsigned what = (unsigned)(r % 64);

		switch (r >> 8 & 3) { /* where the VA comes from */
		case 0: v = near + (v % 4096) - 2048; break;
		case 1: v = near; break;
		case 2: v = v >> (r >> 16 & 63); break;
		default: break; /* full 64-bit random */
		}
		near = v;
		if (what < 56) {
			*e = (struct trace_event){ .op = TRACE_ACCESS, .access = (uint8_t)(what % 3), .va = v,
						   .size = (uint8_t)sizes[(r >> 24) % 10] };
			if (what % 7 == 0 && i + 1 < N) { /* a read+write pair: a modify record */
				e->access = ACCESS_READ;
				ev[++i] = *e;
				ev[i].access = ACCESS_WRITE;
			}
			continue;
		}
		switch (what) {
		case 56: *e = (struct trace_event){ .op = TRACE_MAP, .va = v, .pa = r, .len = r >> 20,
						    .prop = { (uint32_t)(r >> 40) & 0x1ff, (enum cache_policy)(r >> 50) % 5 } }; break;
		case 57: *e = (struct trace_event){ .op = TRACE_PROTECT, .va = v, .len = r,
						    .prop = { (uint32_t)(r >> 40) & 0x1ff, (enum cache_policy)(r >> 50) % 5 } }; break;
		case 58: *e = (struct trace_event){ .op = TRACE_UNMAP, .va = v, .len = r }; break;
		case 59: *e = (struct trace_event){ .op = TRACE_ASID, .n = (uint32_t)(r >> 30) & 0xffff }; break;
		case 60: *e = (struct trace_event){ .op = TRACE_PRIV, .n = (uint32_t)(r >> 30) & 1 }; break;
		case 61: *e = (struct trace_event){ .op = TRACE_CPU, .n = (uint32_t)(r >> 30) % 1024 }; break;
		default: *e = (struct trace_event){ .op = TRACE_FLUSH,
						    .scope = (uint8_t)((r >> 30) % (FLUSH_SCOPE_LAST + 1) |
								       ((r >> 34) & (FLUSH_LAST_LEVEL | FLUSH_ALL_CPUS))),
						    .va = v, .n = (uint32_t)(r >> 40) & 0xffff };
			if (!flush_scope_has_va(e->scope))
				e->va = 0;
			if (!flush_scope_has_asid(e->scope))
				e->n = 0;
			break;
		}
	}
	path = write_binary(ev, N, 4099);
	for (int mode = 0; mode < 2; mode++) {
		if (mode == 0) {
			read_path(path, TRACE_FORMAT_AUTO, 1000, &c, NULL);
		} else {
			size_t len = file_size(path);
			char *bytes = malloc(len);
			FILE *f = fopen(path, "rb");
			cr_assert_eq(fread(bytes, 1, len, f), len);
			fclose(f);
			read_pipe(bytes, len, 4093, TRACE_FORMAT_BINARY, 777, &c, NULL);
			free(bytes);
		}
		cr_assert_eq(c.last, 0, "%s", c.err.msg);
		cr_assert_eq(c.n, (size_t)N);
		for (size_t i = 0; i < N; i++) {
			if (!same_event(&c.ev[i], &ev[i])) {
				expect_same_event(&c.ev[i], &ev[i], i);
				cr_assert_fail("mode %d: event %zu differs", mode, i);
			}
		}
		free(c.ev);
	}
	remove_temp_file(path);
	free(ev);
}

/* ---- long traces ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static uint64_t mix(uint64_t h, uint64_t x)
{
	return (h ^ x) * 0x100000001b3ull + (h >> 29);
}

static uint64_t hash_event(uint64_t h, const struct trace_event *e, bool with_line)
{
	h = mix(h, e->op);
	h = mix(h, e->access);
	h = mix(h, e->va);
	h = mix(h, e->size);
	return with_line ? mix(h, e->line) : h;
}

struct long_trace {
	char *text;
	size_t len;
	size_t events;
	uint64_t hash, hash_noline;
};

/* About `lines` lackey lines, with valgrind noise, every record kind and address length. */
static void make_lackey(size_t lines, struct long_trace *t)
{
	static const unsigned data_sizes[] = { 1, 2, 4, 8, 8, 8, 16, 32, 64, 3, 255 };
	struct rng g = { 0x9e3779b97f4a7c15ull };
	size_t cap = lines * 28 + 64;
	char *p;

	memset(t, 0, sizeof(*t));
	t->text = p = malloc(cap);
	t->hash = t->hash_noline = 1;
	for (size_t line = 1; line <= lines; line++) {
		uint64_t r = rng_next(&g), va;
		unsigned k = (unsigned)(r % 100), size;
		struct trace_event e = { .op = TRACE_ACCESS, .line = line };

		if (k < 2) {
			p += sprintf(p, k ? "==4242== noise %llu\n" : "\n", (unsigned long long)(r >> 40));
			continue;
		}
		if (k < 57) {
			va = 0x4000000 + (r >> 20) % 0x200000;
			size = 1 + (unsigned)(r >> 50) % 15;
			p += sprintf(p, "I  %08llx,%u\n", (unsigned long long)va, size);
			e.access = ACCESS_EXEC;
		} else {
			static const char letters[] = "LLLLSSSM";
			char letter = letters[(r >> 8) % 8];
			unsigned region = (unsigned)(r >> 12) % 16;
			va = region == 0   ? 0xffffffffff600000ull + (r >> 30) % 4096
			     : region < 10 ? 0x1ffefff000ull - (r >> 30) % 0x10000
					   : 0x5200000 + (r >> 30) % 0x1000000;
			size = data_sizes[(r >> 56) % (sizeof(data_sizes) / sizeof(data_sizes[0]))];
			p += sprintf(p, " %c %08llx,%u\n", letter, (unsigned long long)va, size);
			e.access = letter == 'S' ? ACCESS_WRITE : ACCESS_READ;
			if (letter == 'M') {
				e.va = va;
				e.size = (uint8_t)size;
				t->hash = hash_event(t->hash, &e, true);
				t->hash_noline = hash_event(t->hash_noline, &e, false);
				t->events++;
				e.access = ACCESS_WRITE;
			}
		}
		e.va = va;
		e.size = (uint8_t)size;
		t->hash = hash_event(t->hash, &e, true);
		t->hash_noline = hash_event(t->hash_noline, &e, false);
		t->events++;
	}
	t->len = (size_t)(p - t->text);
}

static void hash_reader(struct trace_reader *r, size_t batch, bool with_line, size_t *events, uint64_t *hash)
{
	struct trace_event *ev = malloc(batch * sizeof(*ev));
	struct mm_error err = { 0 };
	long k;

	*events = 0;
	*hash = 1;
	while ((k = trace_reader_next(r, ev, batch, &err)) > 0) {
		for (long i = 0; i < k; i++)
			*hash = hash_event(*hash, &ev[i], with_line);
		*events += (size_t)k;
	}
	cr_expect_eq(k, 0, "%s", err.msg);
	free(ev);
}

Test(long_trace, million_lackey_lines_file_pipe_and_binary, .init = time_limit_120s)
{
	struct long_trace t;
	struct trace_reader *r;
	struct trace_writer *w;
	struct trace_event ev[1000];
	size_t events;
	uint64_t hash;
	char *path, *bin;
	long k;

	make_lackey(1000000, &t);
	path = temp_bytes(t.text, t.len);

	/* mmap'd file, a batch size that does not divide anything */
	cr_assert_eq(trace_reader_open(path, TRACE_FORMAT_AUTO, &r, NULL), MM_OK);
	cr_expect_eq(trace_reader_format(r), TRACE_FORMAT_LACKEY);
	cr_expect_eq(trace_reader_size(r), t.len);
	hash_reader(r, 997, true, &events, &hash);
	cr_expect_eq(events, t.events);
	cr_expect_eq(hash, t.hash);
	cr_expect_eq(trace_reader_offset(r), t.len);
	trace_reader_close(r);

	/* a pipe in odd chunks: partial lines at every buffer boundary */
	{
		pid_t pid = feed_stdin(t.text, t.len, 4093);
		cr_assert_eq(trace_reader_open("-", TRACE_FORMAT_AUTO, &r, NULL), MM_OK);
		cr_expect_eq(trace_reader_format(r), TRACE_FORMAT_LACKEY);
		hash_reader(r, 4096, true, &events, &hash);
		cr_expect_eq(events, t.events);
		cr_expect_eq(hash, t.hash);
		cr_expect_eq(trace_reader_offset(r), t.len);
		trace_reader_close(r);
		feed_stdin_end(pid);
	}

	/* convert to binary and read that back, from the file and from a pipe */
	bin = temp_bytes("", 0);
	cr_assert_eq(trace_reader_open(path, TRACE_FORMAT_LACKEY, &r, NULL), MM_OK);
	cr_assert_eq(trace_writer_open(bin, &w, NULL), MM_OK);
	while ((k = trace_reader_next(r, ev, 1000, NULL)) > 0)
		cr_assert_eq(trace_writer_put(w, ev, (size_t)k, NULL), MM_OK);
	cr_assert_eq(k, 0);
	cr_assert_eq(trace_writer_close(w, NULL), MM_OK);
	trace_reader_close(r);
	/* random addresses compress far worse than real traces, still 3x smaller than the text */
	cr_expect_lt(file_size(bin), t.len / 3, "binary %zu bytes vs lackey %zu", file_size(bin), t.len);

	cr_assert_eq(trace_reader_open(bin, TRACE_FORMAT_AUTO, &r, NULL), MM_OK);
	cr_expect_eq(trace_reader_format(r), TRACE_FORMAT_BINARY);
	hash_reader(r, 1021, false, &events, &hash);
	cr_expect_eq(events, t.events);
	cr_expect_eq(hash, t.hash_noline);
	cr_expect_eq(trace_reader_offset(r), trace_reader_size(r));
	trace_reader_close(r);
	{
		size_t blen = file_size(bin);
		char *bytes = malloc(blen);
		FILE *f = fopen(bin, "rb");
		pid_t pid;
		cr_assert_eq(fread(bytes, 1, blen, f), blen);
		fclose(f);
		pid = feed_stdin(bytes, blen, 4093);
		cr_assert_eq(trace_reader_open("-", TRACE_FORMAT_AUTO, &r, NULL), MM_OK);
		hash_reader(r, 333, false, &events, &hash);
		cr_expect_eq(events, t.events);
		cr_expect_eq(hash, t.hash_noline);
		trace_reader_close(r);
		feed_stdin_end(pid);
		free(bytes);
	}
	remove_temp_file(bin);
	remove_temp_file(path);
	free(t.text);
}

/* ---- truncation: the end record, old files, files that shrink while read ---- */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;

	cr_assert_not_null(f);
	*len = file_size(path);
	b = malloc(*len + 1);
	cr_assert_eq(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

/*
 * The issue's count: cut at a record boundary, the old format read 8 of 40
 * lengths as a valid shorter trace.  Every prefix of a written file must now
 * be an error, through a file and through a pipe; only the whole file reads.
 */
Test(binary_end, every_cut_is_detected)
{
	char *path = write_binary(every_op, N_EVERY_OP, N_EVERY_OP);
	size_t len, silent = 0;
	unsigned char *bytes = slurp(path, &len);

	cr_assert_gt(len, 40);
	for (size_t cut = 0; cut < len; cut++) {
		char *part = temp_bytes(bytes, cut);
		struct collected c;
		read_path(part, TRACE_FORMAT_BINARY, 16, &c, NULL);
		if (c.last == 0)
			silent++;
		cr_expect_eq(c.last, -1, "cut at %zu of %zu bytes: read as a complete trace of %zu events", cut, len, c.n);
		cr_expect_eq(c.err.code, MM_EINVAL, "cut at %zu: %s", cut, c.err.msg);
		free(c.ev);
		if (cut % 7 == 0) { /* a pipe sees the same end (every 7th: each costs a child process) */
			read_pipe(bytes, cut, 5, TRACE_FORMAT_BINARY, 16, &c, NULL);
			cr_expect_eq(c.last, -1, "pipe, cut at %zu", cut);
			free(c.ev);
		}
		remove_temp_file(part);
	}
	cr_expect_eq(silent, 0);
	{
		struct collected c;
		read_path(path, TRACE_FORMAT_AUTO, 16, &c, NULL);
		check_every_op(&c);
		free(c.ev);
	}
	free(bytes);
	remove_temp_file(path);
}

/* A cut right before the end record names what is missing. */
Test(binary_end, cut_before_end_record_message)
{
	char *path = write_binary(every_op, N_EVERY_OP, N_EVERY_OP), want[512];
	size_t len;
	unsigned char *bytes = slurp(path, &len);
	/* every_op has fewer than 128 records: the end record is 0x8f and a 1-byte count */
	size_t records = bytes[len - 1];
	char *part = temp_bytes(bytes, len - 2);
	struct collected c;

	cr_assert_eq(bytes[len - 2], 0x8f);
	read_path(part, TRACE_FORMAT_BINARY, 64, &c, NULL);
	cr_expect_eq(c.n, N_EVERY_OP, "every event before the cut is read");
	snprintf(want, sizeof(want), "%s: byte %zu: truncated: no end record after %zu records", part, len - 2, records);
	cr_expect_str_eq(c.err.msg, want);
	free(c.ev);
	free(bytes);
	remove_temp_file(part);
	remove_temp_file(path);
}

/* A file from before end records (flags 0, no end record) replays whole, with a warning. */
Test(binary_end, old_format_reads_with_warning)
{
	char *path = write_binary(every_op, N_EVERY_OP, N_EVERY_OP), *old;
	size_t len;
	unsigned char *bytes = slurp(path, &len);
	struct trace_reader *r;
	struct collected c;

	cr_assert_eq(bytes[12], 1, "the writer sets flag bit 0");
	bytes[12] = 0;
	old = temp_bytes(bytes, len - 2); /* without the 2-byte end record */
	cr_assert_eq(trace_reader_open(old, TRACE_FORMAT_AUTO, &r, NULL), MM_OK);
	cr_expect_null(trace_reader_warning(r), "nothing to say before the end");
	collect(r, 16, &c);
	check_every_op(&c);
	cr_expect_str_eq(trace_reader_warning(r),
			 "no end record: the trace may be truncated (a binary trace from before end records)");
	trace_reader_close(r);
	free(c.ev);

	/* the writer's own files say nothing */
	cr_assert_eq(trace_reader_open(path, TRACE_FORMAT_AUTO, &r, NULL), MM_OK);
	collect(r, 16, &c);
	cr_expect_eq(c.last, 0);
	cr_expect_null(trace_reader_warning(r));
	trace_reader_close(r);
	free(c.ev);
	free(bytes);
	remove_temp_file(old);
	remove_temp_file(path);
}

/*
 * Another process truncates the trace while it is being read: an mmap'd
 * reader died of SIGBUS here.  Now: the events read stand, then an error.
 */
Test(reader, file_shrinks_while_read)
{
	enum { LINES = 400000 }; /* 4.4 MB: several read buffers */
	char *path = temp_bytes("", 0), want[512];
	FILE *f = fopen(path, "w");
	struct trace_reader *r;
	struct trace_event ev[64];
	struct mm_error err = { 0 };
	long k;
	size_t n = 0;

	for (int i = 0; i < LINES; i++)
		fprintf(f, "r 0x%07x\n", i * 8); /* 12 bytes a line */
	fclose(f);
	cr_assert_eq(trace_reader_open(path, TRACE_FORMAT_TEXT, &r, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(trace_reader_next(r, ev, 64, &err), 64);
	cr_assert_eq(truncate(path, 12 * 1000), 0);
	while ((k = trace_reader_next(r, ev, 64, &err)) > 0)
		n += (size_t)k;
	cr_expect_eq(k, -1, "a shrunken file is an error, not a shorter trace");
	cr_expect_lt(n + 64, (size_t)LINES);
	snprintf(want, sizeof(want), "%s: the file shrank while being read (", path);
	cr_expect(strncmp(err.msg, want, strlen(want)) == 0, "%s", err.msg);
	cr_expect(strstr(err.msg, " of 4800000 bytes)") != NULL, "%s", err.msg);
	cr_expect_eq(err.code, MM_EIO);
	trace_reader_close(r);
	remove_temp_file(path);
}

/* The writer's abort: nothing appears, what had the name stays. */
Test(binary_end, writer_abort_keeps_old_file)
{
	char *path = temp_bytes("previous\n", 9);
	struct trace_writer *w;
	size_t len;
	unsigned char *bytes;

	cr_assert_eq(trace_writer_open(path, &w, NULL), MM_OK);
	cr_assert_eq(trace_writer_put(w, every_op, N_EVERY_OP, NULL), MM_OK);
	trace_writer_abort(w);
	bytes = slurp(path, &len);
	cr_expect_eq(len, 9);
	cr_expect(memcmp(bytes, "previous\n", 9) == 0);
	free(bytes);
	remove_temp_file(path);
}
