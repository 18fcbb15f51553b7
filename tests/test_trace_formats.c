/*
 * trace formats from other tools: ChampSim, DineroIV din and Pin pinatrace,
 * plain and compressed (gzip, xz, zstd), through trace_reader_*: the events
 * each layout decodes to, auto-detection, batches of every size, and every
 * kind of damage named with its exact place.  The fixtures of
 * traces/fixtures/ (written by traces/make_fixtures.py from the documented
 * layouts) replay end to end to the same statistics in every encoding.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt/walk.h"
#include "sim/byteorder.h"
#include "formats/trace.h"
#include "support.h"

#define FIXTURES MMUSIM_SOURCE_DIR "/traces/fixtures/"

/* ---- helpers ---- */

static char *temp_bytes(const void *data, size_t len)
{
	char *path = malloc(64);
	FILE *f;
	int fd;

	snprintf(path, 64, "/tmp/mmusim-fmt-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "wb");
	cr_assert(f);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

struct collected {
	struct trace_event ev[4096];
	size_t n;
	long last;
	struct mm_error err;
	enum trace_format fmt;
};

/* Reads the whole trace in batches of `batch`; stops at the end or the first error. */
static void collect_path(const char *path, enum trace_format fmt, size_t batch, struct collected *c)
{
	struct trace_reader *r;
	struct mm_error err = { 0 };
	long k;

	memset(c, 0, sizeof(*c));
	cr_assert_eq(trace_reader_open(path, fmt, &r, &err), MM_OK, "%s", err.msg);
	c->fmt = trace_reader_format(r);
	for (;;) {
		size_t room = sizeof(c->ev) / sizeof(c->ev[0]) - c->n, want = batch < room ? batch : room;
		cr_assert_gt(want, 0, "more events than the test expects");
		if ((k = trace_reader_next(r, c->ev + c->n, want, &c->err)) <= 0)
			break;
		cr_assert_leq((size_t)k, want);
		c->n += (size_t)k;
	}
	c->last = k;
	trace_reader_close(r);
}

static void collect_bytes(const void *data, size_t len, enum trace_format fmt, size_t batch, struct collected *c,
			  char **path_out)
{
	char *path = temp_bytes(data, len);
	collect_path(path, fmt, batch, c);
	if (path_out)
		*path_out = path;
	else
		remove_temp_file(path);
}

static void expect_access(const struct trace_event *e, unsigned access, uint64_t va, uint64_t line)
{
	cr_expect_eq(e->op, TRACE_ACCESS);
	cr_expect_eq(e->access, access, "line %llu: access %u != %u", (unsigned long long)line, e->access, access);
	cr_expect_eq(e->va, va, "line %llu: va %llx != %llx", (unsigned long long)line, (unsigned long long)e->va,
		     (unsigned long long)va);
	cr_expect_eq(e->size, 0);
	cr_expect_eq(e->line, line, "line %llu != %llu", (unsigned long long)e->line, (unsigned long long)line);
}

/* ---- ChampSim ---- */

struct champsim_instr {
	uint64_t ip;
	uint8_t is_branch, taken;
	uint64_t dest[2], src[4];
};

/* The 64-byte input_instr layout, little-endian, registers left 0. */
static void put_champsim(unsigned char *p, const struct champsim_instr *in)
{
	memset(p, 0, 64);
	store_le(p, 8, in->ip);
	p[8] = in->is_branch;
	p[9] = in->taken;
	p[10] = 3; /* a destination register, ignored */
	for (int i = 0; i < 2; i++)
		store_le(p + 16 + 8 * i, 8, in->dest[i]);
	for (int i = 0; i < 4; i++)
		store_le(p + 32 + 8 * i, 8, in->src[i]);
}

static const struct champsim_instr champsim_instrs[] = {
	{ .ip = 0x401000 },                                                       /* no memory operand */
	{ .ip = 0x401004, .src = { 0x600000, 0, 0x600040 } },                    /* a zero slot between */
	{ .ip = 0x401008, .dest = { 0, 0x7ffd0008 } },                            /* first dest slot zero */
	{ .ip = 0x40100c, .is_branch = 1, .taken = 1,
	  .src = { 1, 2, 3, 4 }, .dest = { 0xffffffff00000000ull, 5 } },        /* all seven */
};

/* The events, in order: fetch, loads, stores. */
static void expect_champsim_events(const struct collected *c)
{
	static const struct { unsigned access; uint64_t va; uint64_t rec; } want[] = {
		{ ACCESS_EXEC, 0x401000, 1 },
		{ ACCESS_EXEC, 0x401004, 2 }, { ACCESS_READ, 0x600000, 2 }, { ACCESS_READ, 0x600040, 2 },
		{ ACCESS_EXEC, 0x401008, 3 }, { ACCESS_WRITE, 0x7ffd0008, 3 },
		{ ACCESS_EXEC, 0x40100c, 4 }, { ACCESS_READ, 1, 4 }, { ACCESS_READ, 2, 4 }, { ACCESS_READ, 3, 4 },
		{ ACCESS_READ, 4, 4 }, { ACCESS_WRITE, 0xffffffff00000000ull, 4 }, { ACCESS_WRITE, 5, 4 },
	};
	cr_assert_eq(c->n, sizeof(want) / sizeof(want[0]), "%zu events", c->n);
	for (size_t i = 0; i < c->n; i++)
		expect_access(&c->ev[i], want[i].access, want[i].va, want[i].rec);
}

static size_t champsim_bytes(unsigned char *buf)
{
	size_t n = sizeof(champsim_instrs) / sizeof(champsim_instrs[0]);
	for (size_t i = 0; i < n; i++)
		put_champsim(buf + 64 * i, &champsim_instrs[i]);
	return 64 * n;
}

Test(champsim, records_expand_in_order_in_any_batch)
{
	unsigned char buf[64 * 4];
	size_t len = champsim_bytes(buf);
	struct collected *c = malloc(sizeof(*c));

	for (size_t batch = 1; batch <= 9; batch++) {
		collect_bytes(buf, len, TRACE_FORMAT_AUTO, batch, c, NULL);
		cr_expect_eq(c->fmt, TRACE_FORMAT_CHAMPSIM);
		cr_expect_eq(c->last, 0, "batch %zu: %s", batch, c->err.msg);
		expect_champsim_events(c);
	}
	free(c);
}

Test(champsim, truncated_record_after_the_events_before_it)
{
	unsigned char buf[64 * 4 + 10];
	size_t len = champsim_bytes(buf);
	struct collected *c = malloc(sizeof(*c));
	char *path;

	memset(buf + len, 0x11, 10);
	collect_bytes(buf, len + 10, TRACE_FORMAT_CHAMPSIM, 5, c, &path);
	expect_champsim_events(c);
	cr_expect_eq(c->last, -1);
	char want[128];
	snprintf(want, sizeof(want), "%s: byte 256: truncated record (10 of 64 bytes)", path);
	cr_expect_str_eq(c->err.msg, want);
	remove_temp_file(path);
	free(c);
}

Test(champsim, bad_branch_byte_is_named)
{
	unsigned char buf[64 * 4];
	size_t len = champsim_bytes(buf);
	struct collected *c = malloc(sizeof(*c));
	char *path, want[160];

	buf[64 * 2 + 9] = 7; /* branch_taken of record 3 */
	collect_bytes(buf, len, TRACE_FORMAT_CHAMPSIM, 64, c, &path);
	cr_expect_eq(c->n, 4); /* records 1 and 2 */
	cr_expect_eq(c->last, -1);
	snprintf(want, sizeof(want),
		 "%s: byte 128: bad record 3: branch_taken is 7 (expected 0 or 1; not a ChampSim trace?)", path);
	cr_expect_str_eq(c->err.msg, want);
	remove_temp_file(path);
	free(c);
}

/* ---- din ---- */

Test(din, labels_addresses_and_skipped_lines)
{
	static const char text[] =
		"2 400d7d4\n"
		"0 0x7FFD3A8C\n"          /* 0x and upper case */
		"\n"
		"1\t7ffd3a80 extra fields\n"
		"3 0\n"                   /* escape: skipped */
		"4 0\n"                   /* flush: skipped */
		"17 1234\n"               /* unknown label: skipped */
		"  2   ffffffffffffffff  \r\n"
		"0 10";                   /* no final newline */
	struct collected *c = malloc(sizeof(*c));

	collect_bytes(text, sizeof(text) - 1, TRACE_FORMAT_AUTO, 2, c, NULL);
	cr_expect_eq(c->fmt, TRACE_FORMAT_DIN);
	cr_expect_eq(c->last, 0, "%s", c->err.msg);
	cr_assert_eq(c->n, 5);
	expect_access(&c->ev[0], ACCESS_EXEC, 0x400d7d4, 1);
	expect_access(&c->ev[1], ACCESS_READ, 0x7ffd3a8c, 2);
	expect_access(&c->ev[2], ACCESS_WRITE, 0x7ffd3a80, 4);
	expect_access(&c->ev[3], ACCESS_EXEC, UINT64_MAX, 8);
	expect_access(&c->ev[4], ACCESS_READ, 0x10, 9);
	free(c);
}

struct bad_line {
	char text[64];
	char msg[128];
	size_t events_before;
};

static struct bad_line din_bad[] = {
	{ "2 400\nx 400\n", "2: bad label 'x 400' (expected 'LABEL ADDRESS', LABEL a decimal number)", 1 },
	{ "2 400\n0\n", "2: missing address after label '0' (expected 'LABEL ADDRESS')", 1 },
	{ "2 400\n0 40g0\n", "2: bad address '40g0' (expected hex digits)", 1 },
	{ "0 0x\n", "1: bad address '0x' (expected hex digits)", 0 },
	{ "2 400\n1 10000000000000000\n", "2: address '10000000000000000' does not fit in 64 bits", 1 },
};

ParameterizedTestParameters(din, bad_lines)
{
	return cr_make_param_array(struct bad_line, din_bad, sizeof(din_bad) / sizeof(din_bad[0]));
}

ParameterizedTest(struct bad_line *b, din, bad_lines)
{
	struct collected *c = malloc(sizeof(*c));
	char *path, want[256];

	collect_bytes(b->text, strlen(b->text), TRACE_FORMAT_DIN, 16, c, &path);
	cr_expect_eq(c->n, b->events_before);
	cr_expect_eq(c->last, -1);
	snprintf(want, sizeof(want), "%s:%s", path, b->msg);
	cr_expect_str_eq(c->err.msg, want);
	remove_temp_file(path);
	free(c);
}

/* ---- pinatrace ---- */

Test(pinatrace, reads_writes_comments_and_eof)
{
	static const char text[] =
		"# pinatrace output\n"
		"0x7f3e1c0b2093: W 0x7ffd3a8c3d58\n"
		"0x7f3e1c0b209a: R 0x7f3e1c2d1e70 8\n"   /* a size field: ignored */
		"\n"
		"7f3e1c0b20a0:  R   1000\r\n"            /* no 0x, extra blanks */
		"#eof\n";
	struct collected *c = malloc(sizeof(*c));

	collect_bytes(text, sizeof(text) - 1, TRACE_FORMAT_AUTO, 1, c, NULL);
	cr_expect_eq(c->fmt, TRACE_FORMAT_PINATRACE);
	cr_expect_eq(c->last, 0, "%s", c->err.msg);
	cr_assert_eq(c->n, 3);
	expect_access(&c->ev[0], ACCESS_WRITE, 0x7ffd3a8c3d58, 2);
	expect_access(&c->ev[1], ACCESS_READ, 0x7f3e1c2d1e70, 3);
	expect_access(&c->ev[2], ACCESS_READ, 0x1000, 5);
	free(c);
}

/*
 * pinatrace prints with "%p", which glibc writes "(nil)" for address 0: the
 * NULL load a crashing program makes (Pin records it before the instruction
 * runs) was a "bad data address".  It is an access at 0.
 */
Test(pinatrace, a_nil_address_is_zero)
{
	static const char text[] = "0x401000: R (nil)\n0x401004: W (nil)\n#eof\n";
	struct collected *c = malloc(sizeof(*c));

	collect_bytes(text, sizeof(text) - 1, TRACE_FORMAT_PINATRACE, 1, c, NULL);
	cr_expect_eq(c->last, 0, "%s", c->err.msg);
	cr_assert_eq(c->n, 2);
	expect_access(&c->ev[0], ACCESS_READ, 0, 1);
	expect_access(&c->ev[1], ACCESS_WRITE, 0, 2);
	free(c);
}

static struct bad_line pin_bad[] = {
	{ "0x1: R 0x10\n", "1: the trace ends without '#eof' (cut short?)", 1 },
	{ "0x1: R 0x10\n#eof\n0x2: W 0x20\n", "3: record after '#eof'", 1 },
	{ "0x1: R 0x10\n0x2: X 0x20\n#eof\n", "2: unknown access 'X' (expected R or W)", 1 },
	{ "0x1: R 0x10\n0x2 R 0x20\n#eof\n", "2: missing ':' after the instruction address (expected 'IP: R|W ADDRESS')", 1 },
	{ "0x1: R 0x10\n0xq1: R 0x20\n#eof\n", "2: bad instruction address '0xq1' (expected hex digits)", 1 },
	{ "0x1: RW 0x10\n#eof\n", "1: unknown access 'RW' (expected R or W)", 0 },
	{ "0x1: W\n#eof\n", "1: missing data address (expected 'IP: R|W ADDRESS')", 0 },
	{ "0x1: W 0xzz\n#eof\n", "1: bad data address '0xzz' (expected hex digits)", 0 },
	{ "0x1: W (nil)x\n#eof\n", "1: bad data address '(nil)x' (expected hex digits)", 0 },
};

ParameterizedTestParameters(pinatrace, bad_lines)
{
	return cr_make_param_array(struct bad_line, pin_bad, sizeof(pin_bad) / sizeof(pin_bad[0]));
}

ParameterizedTest(struct bad_line *b, pinatrace, bad_lines)
{
	struct collected *c = malloc(sizeof(*c));
	char *path, want[256];

	collect_bytes(b->text, strlen(b->text), TRACE_FORMAT_PINATRACE, 16, c, &path);
	cr_expect_eq(c->n, b->events_before);
	cr_expect_eq(c->last, -1);
	snprintf(want, sizeof(want), "%s:%s", path, b->msg);
	cr_expect_str_eq(c->err.msg, want);
	remove_temp_file(path);
	free(c);
}

/* ---- fixtures, plain and compressed ---- */

struct fixture {
	char name[40];
	enum trace_format fmt;
	size_t events;
};

static struct fixture fixtures[] = {
	{ "loop.champsim", TRACE_FORMAT_CHAMPSIM, 360 }, { "loop.champsim.gz", TRACE_FORMAT_CHAMPSIM, 360 },
	{ "loop.champsim.xz", TRACE_FORMAT_CHAMPSIM, 360 }, { "loop.champsim.zst", TRACE_FORMAT_CHAMPSIM, 360 },
	{ "loop.din", TRACE_FORMAT_DIN, 360 }, { "loop.din.gz", TRACE_FORMAT_DIN, 360 },
	{ "loop.din.xz", TRACE_FORMAT_DIN, 360 }, { "loop.din.zst", TRACE_FORMAT_DIN, 360 },
	{ "loop.pinatrace", TRACE_FORMAT_PINATRACE, 120 }, { "loop.pinatrace.gz", TRACE_FORMAT_PINATRACE, 120 },
	{ "loop.pinatrace.xz", TRACE_FORMAT_PINATRACE, 120 }, { "loop.pinatrace.zst", TRACE_FORMAT_PINATRACE, 120 },
};

ParameterizedTestParameters(fixtures, detected_and_decoded_like_the_champsim_one)
{
	return cr_make_param_array(struct fixture, fixtures, sizeof(fixtures) / sizeof(fixtures[0]));
}

/* Every fixture holds the same program: the din one event for event, pinatrace its loads and stores. */
ParameterizedTest(struct fixture *f, fixtures, detected_and_decoded_like_the_champsim_one)
{
	struct collected *c = malloc(sizeof(*c)), *ref = malloc(sizeof(*ref));
	char path[512];
	size_t j = 0;

	snprintf(path, sizeof(path), FIXTURES "%s", f->name);
	collect_path(FIXTURES "loop.champsim", TRACE_FORMAT_CHAMPSIM, 4096, ref);
	collect_path(path, TRACE_FORMAT_AUTO, 100, c);
	cr_expect_eq(c->fmt, f->fmt);
	cr_expect_eq(c->last, 0, "%s", c->err.msg);
	cr_assert_eq(c->n, f->events);
	for (size_t i = 0; i < ref->n; i++) {
		if (f->fmt == TRACE_FORMAT_PINATRACE && ref->ev[i].access == ACCESS_EXEC)
			continue;
		cr_expect_eq(c->ev[j].access, ref->ev[i].access, "event %zu", i);
		cr_expect_eq(c->ev[j].va, ref->ev[i].va, "event %zu", i);
		j++;
	}
	cr_expect_eq(j, c->n);
	free(c);
	free(ref);
}

/* Compressed data through stdin (a pipe): the magic is read, then handed to the decoder. */
Test(compressed, read_from_a_pipe)
{
	static const char *const names[] = { "loop.din.gz", "loop.din.xz", "loop.din.zst" };

	for (int i = 0; i < 3; i++) {
		char path[512];
		snprintf(path, sizeof(path), FIXTURES "%s", names[i]);
		char cmd[1200];
		snprintf(cmd, sizeof(cmd), "%s --json replay - < %s", MMUSIM_BIN, path);
		FILE *p = popen(cmd, "r");
		char out[4096] = "";
		cr_assert(p);
		size_t n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		cr_expect_eq(pclose(p), 0, "%s", names[i]);
		cr_expect(strstr(out, "\"format\":\"din\"") != NULL, "%s: %s", names[i], out);
		cr_expect(strstr(out, "\"accesses\":{\"total\":360,") != NULL, "%s: %s", names[i], out);
	}
}

/*
 * pzstd (zstd's parallel tool) starts its output with a skippable frame
 * (magic 0x184D2A50-5F, RFC 8878 3.1.2) that holds its frame sizes; libzstd
 * skips it, but the sniff knew only the data-frame magic: the file was read
 * as text ("NUL byte in a text trace").  A skippable frame, then loop.din.zst.
 */
Test(compressed, a_zstd_file_starting_with_a_skippable_frame)
{
	static const unsigned char skippable[] = { 0x5a, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4 };
	unsigned char data[8192];
	FILE *f = fopen(FIXTURES "loop.din.zst", "rb");
	struct collected *c = malloc(sizeof(*c));

	cr_assert_not_null(f);
	memcpy(data, skippable, sizeof(skippable));
	size_t n = fread(data + sizeof(skippable), 1, sizeof(data) - sizeof(skippable), f);
	fclose(f);
	cr_assert_lt(n, sizeof(data) - sizeof(skippable));
	char *path = write_temp_bytes(data, sizeof(skippable) + n);
	collect_path(path, TRACE_FORMAT_AUTO, 100, c);
	cr_expect_eq(c->fmt, TRACE_FORMAT_DIN);
	cr_expect_eq(c->last, 0, "%s", c->err.msg);
	cr_expect_eq(c->n, 360);

	char cmd[1200], out[4096] = "";
	snprintf(cmd, sizeof(cmd), "%s --json replay - < %s", MMUSIM_BIN, path); /* a pipe too */
	FILE *p = popen(cmd, "r");
	cr_assert(p);
	out[fread(out, 1, sizeof(out) - 1, p)] = '\0';
	cr_expect_eq(pclose(p), 0);
	cr_expect(strstr(out, "\"accesses\":{\"total\":360,") != NULL, "%s", out);
	remove_temp_file(path);
	free(c);
}

struct damaged {
	char name[40];
	size_t keep;       /* bytes kept (truncation), 0 = all */
	size_t flip;       /* offset of a damaged byte, 0 = none */
	char msg[128];     /* after "PATH" */
};

static struct damaged damaged[] = {
	{ "loop.din.gz", 200, 0, ": truncated gzip data (the input ends at byte 200, inside a stream)" },
	{ "loop.din.xz", 200, 0, ": truncated xz data (the input ends at byte 200, inside a stream)" },
	{ "loop.din.zst", 200, 0, ": truncated zstd data (the input ends at byte 200, inside a stream)" },
	{ "loop.din.gz", 0, 100, ": byte 102: corrupt gzip data (invalid distance too far back)" },
	{ "loop.din.xz", 0, 100, ": byte 108: corrupt xz data (bad compressed data)" },
	{ "loop.din.zst", 0, 100, ": byte 0: corrupt zstd data (Data corruption detected)" },
	{ "loop.champsim.xz", 300, 0, ": truncated xz data (the input ends at byte 300, inside a stream)" },
};

ParameterizedTestParameters(compressed, damage_is_named_with_its_offset)
{
	return cr_make_param_array(struct damaged, damaged, sizeof(damaged) / sizeof(damaged[0]));
}

ParameterizedTest(struct damaged *d, compressed, damage_is_named_with_its_offset)
{
	char path[512], want[700];
	unsigned char *buf = malloc(1 << 16);
	FILE *f;
	size_t len;
	struct run_result r;

	snprintf(path, sizeof(path), FIXTURES "%s", d->name);
	f = fopen(path, "rb");
	cr_assert(f);
	len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	if (d->keep)
		len = d->keep;
	if (d->flip)
		memset(buf + d->flip, 0xff, 3);
	char *tmp = temp_bytes(buf, len);
	cr_assert_eq(run_mmusim(&r, "replay", tmp, NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strncmp(r.out, "replay of ", 10) == 0, "stats first: %s", r.out);
	snprintf(want, sizeof(want), "mmusim: %s%s\n", tmp, d->msg);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(tmp);
	free(buf);
}

/* ---- end to end: the same statistics in every encoding ---- */

/* The JSON report with its "trace" and "format" fields cut out. */
static char *stats_of(const char *path, int *status)
{
	struct run_result r;
	char *s, *p, *q;

	cr_assert_eq(run_mmusim(&r, "--json", "replay", "--demand-paging", path, NULL), 0);
	*status = r.status;
	s = strdup(r.out);
	p = strstr(s, "\"config\":");
	cr_assert(p, "%s", r.out);
	q = s + 1;
	memmove(q, p, strlen(p) + 1);
	run_result_free(&r);
	return s;
}

Test(fixtures, same_statistics_compressed_or_not_and_champsim_equals_din)
{
	static const char *const bases[] = { "loop.champsim", "loop.din", "loop.pinatrace" };
	static const char *const ext[] = { "", ".gz", ".xz", ".zst" };
	char *first[3];

	for (int b = 0; b < 3; b++) {
		for (int e = 0; e < 4; e++) {
			char path[512];
			int status;
			snprintf(path, sizeof(path), FIXTURES "%s%s", bases[b], ext[e]);
			char *s = stats_of(path, &status);
			cr_expect_eq(status, 0, "%s", path);
			if (e == 0)
				first[b] = s;
			else {
				cr_expect_str_eq(s, first[b], "%s", path);
				free(s);
			}
		}
	}
	cr_expect_str_eq(first[0], first[1]);
	cr_expect(strstr(first[0], "\"accesses\":{\"total\":360,\"read\":60,\"write\":60,\"exec\":240}") != NULL,
		  "%s", first[0]);
	cr_expect(strstr(first[2], "\"accesses\":{\"total\":120,\"read\":60,\"write\":60,\"exec\":0}") != NULL,
		  "%s", first[2]);
	for (int b = 0; b < 3; b++)
		free(first[b]);
}

Test(fixtures, bad_din_line_prints_stats_then_the_line)
{
	char *path = write_temp_file("2 401000\n0 600000\n0 6000zz\n", ".din");
	struct run_result r;
	char want[300];

	cr_assert_eq(run_mmusim(&r, "replay", "--demand-paging", path, NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.out, "accesses        2  (read 1, write 0, exec 1)\n") != NULL, "%s", r.out);
	snprintf(want, sizeof(want), "mmusim: %s:3: bad address '6000zz' (expected hex digits)\n", path);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(path);
}

/* Detection on a pipe (nothing to mmap or re-read), and convert to binary: the same statistics. */
Test(fixtures, detected_on_a_pipe_and_converted_to_binary)
{
	static const char *const names[] = { "loop.champsim", "loop.din", "loop.pinatrace.zst" };
	static const char *const formats[] = { "champsim", "din", "pinatrace" };

	for (int i = 0; i < 3; i++) {
		char path[512], cmd[1400], out[8192] = "", want[80];
		char bin[] = "/tmp/mmusim-fmt-bin-XXXXXX";
		int fd = mkstemp(bin), status;
		FILE *p;
		size_t n;

		cr_assert_geq(fd, 0);
		close(fd);
		snprintf(path, sizeof(path), FIXTURES "%s", names[i]);
		snprintf(cmd, sizeof(cmd), "cat %s | %s --json replay --demand-paging -", path, MMUSIM_BIN);
		cr_assert((p = popen(cmd, "r")));
		n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		cr_expect_eq(pclose(p), 0);
		snprintf(want, sizeof(want), "{\"trace\":\"-\",\"format\":\"%s\",", formats[i]);
		cr_expect(strncmp(out, want, strlen(want)) == 0, "%s", out);

		struct run_result r;
		cr_assert_eq(run_mmusim(&r, "convert", path, bin, NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		run_result_free(&r);
		char *from_bin = stats_of(bin, &status), *from_src = stats_of(path, &status);
		cr_expect_str_eq(from_bin, from_src, "%s", names[i]);
		free(from_bin);
		free(from_src);
		unlink(bin);
	}
}

/*
 * convert to a name ending in .gz, .xz or .zst writes that codec's stream
 * (its magic bytes: RFC 1952, the xz format, RFC 8878), which replays to the
 * same statistics as the plain binary trace; another name stays uncompressed.
 */
Test(fixtures, convert_compresses_as_the_output_name_says)
{
	static const struct {
		const char *ext;
		unsigned char magic[4];
		size_t len;
	} outs[] = {
		{ ".bin", { 0x89, 'M', 'M', 'U' }, 4 },
		{ ".gz", { 0x1f, 0x8b }, 2 },
		{ ".xz", { 0xfd, '7', 'z', 'X' }, 4 },
		{ ".zst", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
	};
	char *plain = NULL;
	int status;

	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		char dir[] = "/tmp/mmusim-conv-XXXXXX", out[128];
		unsigned char head[4] = { 0 };
		struct run_result r;
		FILE *f;

		cr_assert(mkdtemp(dir));
		snprintf(out, sizeof(out), "%s/t%s", dir, outs[i].ext);
		cr_assert_eq(run_mmusim(&r, "convert", FIXTURES "loop.din", out, NULL), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		run_result_free(&r);
		cr_assert((f = fopen(out, "rb")), "%s", out);
		cr_expect_eq(fread(head, 1, sizeof(head), f), sizeof(head));
		fclose(f);
		cr_expect(memcmp(head, outs[i].magic, outs[i].len) == 0, "%s: %02x %02x %02x %02x", out, head[0], head[1],
			  head[2], head[3]);
		char *s = stats_of(out, &status);
		cr_expect_eq(status, 0);
		if (!plain)
			plain = s;
		else {
			cr_expect_str_eq(s, plain, "%s", out);
			free(s);
		}
		unlink(out);
		rmdir(dir);
	}
	free(plain);
}
