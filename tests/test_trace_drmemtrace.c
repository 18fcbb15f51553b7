/*
 * The DynamoRIO drmemtrace reader (formats/trace_drmemtrace.c) through
 * trace_reader_*: hand-built 12-byte trace_entry_t records (type, size, addr,
 * little-endian, from DynamoRIO's documented trace_entry.h) and the exact
 * events and errors they give, then a CLI replay with exact counts.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pt/walk.h"
#include "sim/byteorder.h"
#include "formats/trace.h"
#include "support.h"

/* trace_type_t values, written out as the documentation numbers them. */
enum { READ = 0, WRITE = 1, PREFETCHT0 = 3, INSTR = 10, DIRECT_CALL = 14, BUNDLE = 17, THREAD = 22, PID = 24,
       HEADER = 25, FOOTER = 26, MARKER = 28, NO_FETCH = 29, TAKEN_JUMP = 48 };

struct entry {
	unsigned type, size;
	uint64_t addr;
};

static size_t put_entries(unsigned char *buf, const struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		store_le(buf + 12 * i, 2, e[i].type);
		store_le(buf + 12 * i + 2, 2, e[i].size);
		store_le(buf + 12 * i + 4, 8, e[i].addr);
	}
	return 12 * n;
}

/* One thread's file, a second thread cutting in (records 11-12). */
static const struct entry trace[] = {
	{ HEADER, 0, 5 },                    /* 1: version 5 */
	{ THREAD, 0, 1234 },                 /* 2: the first thread: CPU 0, no event */
	{ PID, 0, 99 },                      /* 3 */
	{ MARKER, 2, 0x123456 },             /* 4: a timestamp */
	{ INSTR, 4, 0x401000 },              /* 5: exec */
	{ READ, 8, 0x600010 },               /* 6: read */
	{ DIRECT_CALL, 5, 0x401004 },        /* 7: exec */
	{ WRITE, 8, 0x7ffd0008 },            /* 8: write */
	{ PREFETCHT0, 1, 0x600100 },         /* 9: skipped */
	{ NO_FETCH, 2, 0x401009 },           /* 10: skipped */
	{ THREAD, 0, 5678 },                 /* 11: a new thread: cpu 1 */
	{ TAKEN_JUMP, 2, 0x402000 },         /* 12: exec on CPU 1 */
	{ THREAD, 0, 1234 },                 /* 13: back: cpu 0 */
	{ WRITE, 300, 0x600020 },            /* 14: write, all 300 bytes (not clamped to 255) */
	{ FOOTER, 0, 0 },                    /* 15: skipped */
};
#define NR_TRACE (sizeof(trace) / sizeof(trace[0]))

struct want {
	unsigned op, access, size;
	uint64_t va, line;
	uint32_t n;
};

static const struct want want_events[] = {
	{ TRACE_ACCESS, ACCESS_EXEC, 4, 0x401000, 5, 0 },
	{ TRACE_ACCESS, ACCESS_READ, 8, 0x600010, 6, 0 },
	{ TRACE_ACCESS, ACCESS_EXEC, 5, 0x401004, 7, 0 },
	{ TRACE_ACCESS, ACCESS_WRITE, 8, 0x7ffd0008, 8, 0 },
	{ TRACE_THREAD, 0, 0, 0, 11, 1 },
	{ TRACE_ACCESS, ACCESS_EXEC, 2, 0x402000, 12, 0 },
	{ TRACE_THREAD, 0, 0, 0, 13, 0 },
	{ TRACE_ACCESS, ACCESS_WRITE, 300, 0x600020, 14, 0 },
};
#define NR_WANT (sizeof(want_events) / sizeof(want_events[0]))

struct collected {
	struct trace_event ev[2048];
	size_t n;
	long last;
	struct mm_error err;
	enum trace_format fmt;
};

static void collect(const void *data, size_t len, enum trace_format fmt, size_t batch, struct collected *c,
		    char **path_out)
{
	char *path = write_temp_bytes(data, len);
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
		c->n += (size_t)k;
	}
	c->last = k;
	trace_reader_close(r);
	*path_out = path;
}

static void expect_events(const struct collected *c, size_t nr)
{
	cr_assert_eq(c->n, nr, "%zu events", c->n);
	for (size_t i = 0; i < nr; i++) {
		const struct trace_event *e = &c->ev[i];
		const struct want *w = &want_events[i];
		cr_expect_eq(e->op, w->op, "event %zu: op %u", i, e->op);
		cr_expect_eq(e->line, w->line, "event %zu: line %llu", i, (unsigned long long)e->line);
		if (w->op == TRACE_THREAD) {
			cr_expect_eq(e->n, w->n, "event %zu: cpu %u", i, e->n);
			continue;
		}
		cr_expect_eq(e->access, w->access, "event %zu", i);
		cr_expect_eq(e->size, w->size, "event %zu: size %u", i, e->size);
		cr_expect_eq(e->va, w->va, "event %zu: va %llx", i, (unsigned long long)e->va);
	}
}

static void expect_error(struct collected *c, char *path, const char *rest)
{
	char want[512];

	cr_expect_eq(c->last, -1);
	snprintf(want, sizeof(want), "%s: %s", path, rest);
	cr_expect_str_eq(c->err.msg, want);
	remove_temp_file(path);
	free(c);
}

Test(drmemtrace, records_decode_in_any_batch_and_are_detected)
{
	unsigned char buf[12 * NR_TRACE];
	size_t len = put_entries(buf, trace, NR_TRACE);
	struct collected *c = malloc(sizeof(*c));
	char *path;

	for (size_t batch = 1; batch <= 9; batch++) {
		collect(buf, len, TRACE_FORMAT_AUTO, batch, c, &path);
		cr_expect_eq(c->fmt, TRACE_FORMAT_DRMEMTRACE);
		cr_expect_eq(c->last, 0, "batch %zu: %s", batch, c->err.msg);
		expect_events(c, NR_WANT);
		remove_temp_file(path);
	}
	free(c);
}

Test(drmemtrace, truncated_record_after_the_events_before_it)
{
	unsigned char buf[12 * NR_TRACE + 5];
	size_t len = put_entries(buf, trace, NR_TRACE);
	struct collected *c = malloc(sizeof(*c));
	char *path;

	memset(buf + len, 0x11, 5);
	collect(buf, len + 5, TRACE_FORMAT_DRMEMTRACE, 3, c, &path);
	expect_events(c, NR_WANT);
	expect_error(c, path, "byte 180: truncated record (5 of 12 bytes)");
}

/*
 * DynamoRIO 10 and later write version 6 (TRACE_ENTRY_VERSION_FREQUENT_TIMESTAMPS:
 * timestamp and CPU markers bracket each system call; the record layout and
 * types are those of version 5), so every trace recorded since 2023 was
 * refused.  A version 6 header reads as the others.
 */
Test(drmemtrace, version_6_of_dynamorio_10_is_read)
{
	struct entry e[NR_TRACE];
	unsigned char buf[12 * NR_TRACE];
	struct collected *c = malloc(sizeof(*c));
	char *path;

	memcpy(e, trace, sizeof(e));
	cr_assert_eq(e[0].type, HEADER);
	e[0].addr = 6;
	collect(buf, put_entries(buf, e, NR_TRACE), TRACE_FORMAT_AUTO, 4, c, &path);
	cr_expect_eq(c->fmt, TRACE_FORMAT_DRMEMTRACE);
	cr_expect_eq(c->last, 0, "%s", c->err.msg);
	expect_events(c, NR_WANT);
	remove_temp_file(path);
	free(c);
}

Test(drmemtrace, a_version_it_does_not_know_is_refused)
{
	struct entry e[] = { { HEADER, 0, 7 }, { INSTR, 4, 0x401000 } };
	unsigned char buf[24];
	struct collected *c = malloc(sizeof(*c));
	char *path;

	collect(buf, put_entries(buf, e, 2), TRACE_FORMAT_AUTO, 8, c, &path);
	cr_expect_eq(c->fmt, TRACE_FORMAT_DRMEMTRACE);
	cr_expect_eq(c->n, 0);
	expect_error(c, path, "byte 0: drmemtrace version 7 is not supported (this reader knows 2 to 6)");
}

Test(drmemtrace, an_unknown_type_names_its_record)
{
	unsigned char buf[12 * NR_TRACE];
	size_t len = put_entries(buf, trace, NR_TRACE);
	struct collected *c = malloc(sizeof(*c));
	char *path;

	store_le(buf + 12 * 6, 2, 200); /* record 7 */
	collect(buf, len, TRACE_FORMAT_DRMEMTRACE, 64, c, &path);
	expect_events(c, 2);
	expect_error(c, path, "byte 72: record 7: unknown record type 200");
}

Test(drmemtrace, an_instruction_bundle_is_refused)
{
	struct entry e[] = { { HEADER, 0, 2 }, { INSTR, 4, 0x401000 }, { BUNDLE, 0, 0x0404 } };
	unsigned char buf[36];
	struct collected *c = malloc(sizeof(*c));
	char *path;

	collect(buf, put_entries(buf, e, 3), TRACE_FORMAT_DRMEMTRACE, 64, c, &path);
	cr_expect_eq(c->n, 1);
	expect_error(c, path, "byte 24: record 3: instruction bundles (online traces) are not supported");
}

Test(drmemtrace, a_file_without_a_header_is_not_one)
{
	struct entry e[] = { { READ, 8, 0x600000 } };
	unsigned char buf[12];
	struct collected *c = malloc(sizeof(*c));
	char *path;

	collect(buf, put_entries(buf, e, 1), TRACE_FORMAT_DRMEMTRACE, 64, c, &path);
	cr_expect_eq(c->n, 0);
	expect_error(c, path, "byte 0: record 1 is of type 0, not a header (type 25): not a drmemtrace final trace "
			      "(a raw offline trace needs DynamoRIO's raw2trace first)");
}

Test(drmemtrace, one_thread_past_1024_cpus_is_an_error)
{
	static unsigned char buf[12 * 1027];
	struct entry e = { HEADER, 0, 5 };
	struct collected *c = malloc(sizeof(*c));
	char *path;

	put_entries(buf, &e, 1);
	for (unsigned t = 0; t < 1026; t++) {
		e = (struct entry){ THREAD, 0, 1000 + t };
		put_entries(buf + 12 * (1 + t), &e, 1);
	}
	collect(buf, sizeof(buf), TRACE_FORMAT_DRMEMTRACE, 4096, c, &path);
	cr_assert_eq(c->n, 1023); /* threads 2 to 1024: CPUs 1 to 1023 */
	cr_expect_eq(c->ev[1022].n, 1023);
	cr_expect_eq(c->ev[1022].line, 1025);
	expect_error(c, path, "byte 12300: record 1026: thread 2024 is one thread too many (at most 1024)");
}

Test(drmemtrace, cli_replays_with_exact_counts)
{
	/* Three pages: code 0x401000, data 0x600000, stack 0x7ffd0000; one thread. */
	static const struct entry e[] = {
		{ HEADER, 0, 5 }, { THREAD, 0, 7 }, { INSTR, 4, 0x401000 }, { READ, 8, 0x600010 },
		{ INSTR, 4, 0x401004 }, { WRITE, 8, 0x7ffd0008 }, { INSTR, 4, 0x401008 }, { READ, 8, 0x600018 },
		{ FOOTER, 0, 0 },
	};
	unsigned char buf[12 * 9];
	char *path = write_temp_bytes(buf, put_entries(buf, e, 9));
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", "--demand-paging", path, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "(drmemtrace) on x86_64\n"), "%s", r.out);
	cr_expect(strstr(r.out, "accesses        6  (read 2, write 1, exec 3)\n"), "%s", r.out);
	/* one page of code fetched thrice: 1 miss, 2 hits; data: 0x600010 and 0x7ffd0008 miss, 0x600018 hits */
	cr_expect(strstr(r.out, "\n  l1i                      2            1 "), "%s", r.out);
	cr_expect(strstr(r.out, "\n  l1d                      1            2 "), "%s", r.out);
	cr_expect(strstr(r.out, "demand paged    3\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(path);
}

Test(drmemtrace, cli_names_a_version_it_refuses)
{
	static const struct entry e[] = { { HEADER, 0, 1 }, { INSTR, 4, 0x401000 } };
	unsigned char buf[24];
	char *path = write_temp_bytes(buf, put_entries(buf, e, 2)), want[256];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", "--demand-paging", path, NULL), 0);
	cr_expect_eq(r.status, 2, "%s", r.err); /* the statistics of what came before, then the error */
	snprintf(want, sizeof(want), "mmusim: %s: byte 0: drmemtrace version 1 is not supported (this reader knows 2 to 6)\n",
		 path);
	cr_expect_str_eq(r.err, want);
	cr_expect(strstr(r.out, "accesses        0  (read 0, write 0, exec 0)\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(path);
}

/*
 * The size field is 16 bits: an XSAVE of AVX-512 state is 2696 bytes.  It was
 * clamped to 255 bytes, so the pages past the first 255 were never translated:
 * here a 2696-byte write at 0x600f00 touches 0x600000 and 0x601000, a 300-byte
 * read at 0x602f00 touches 0x602000 and 0x603000 (clamped: one page each).
 */
Test(drmemtrace, sizes_past_255_bytes_touch_every_page)
{
	static const struct entry e[] = {
		{ HEADER, 0, 5 }, { WRITE, 2696, 0x600f00 }, { READ, 300, 0x602f00 }, { FOOTER, 0, 0 },
	};
	unsigned char buf[12 * 4];
	char *path = write_temp_bytes(buf, put_entries(buf, e, 4));
	char *log = write_temp_file("", ".jsonl"), *text;
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "replay", "--demand-paging", "--log", log, path, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	cr_expect(strstr(r.out, "accesses        4  (read 2, write 2, exec 0)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "demand paged    4\n"), "%s", r.out);
	text = read_text_file(log);
	cr_assert(text);
	cr_expect(strstr(text, "\"va\":\"0x600f00\",\"access\":\"w\""), "%s", text);
	cr_expect(strstr(text, "\"va\":\"0x601000\",\"access\":\"w\""), "%s", text);
	cr_expect(strstr(text, "\"va\":\"0x602f00\",\"access\":\"r\""), "%s", text);
	cr_expect(strstr(text, "\"va\":\"0x603000\",\"access\":\"r\""), "%s", text);
	free(text);
	run_result_free(&r);
	remove_temp_file(log);
	remove_temp_file(path);
}

/* The binary format holds a size byte: convert refuses what it would shrink, and writes nothing. */
Test(drmemtrace, convert_refuses_an_access_the_binary_format_cannot_hold)
{
	static const struct entry e[] = { { HEADER, 0, 5 }, { READ, 8, 0x600000 }, { WRITE, 2696, 0x600f00 } };
	unsigned char buf[12 * 3];
	char *path = write_temp_bytes(buf, put_entries(buf, e, 3)), *out = write_temp_file("", ".mmt"), want[512];
	struct run_result r;

	remove(out);
	cr_assert_eq(run_mmusim(&r, "convert", path, out, NULL), 0);
	cr_expect_eq(r.status, 2, "%s", r.err);
	snprintf(want, sizeof(want),
		 "mmusim: %s: event 2: access size 2696 does not fit the binary format (at most 255 bytes)\n", out);
	cr_expect_str_eq(r.err, want);
	cr_expect_neq(access(out, F_OK), 0, "%s was left behind", out);
	run_result_free(&r);
	remove_temp_file(path);
	free(out);
}
