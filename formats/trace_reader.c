/*
 * trace_reader: opens a trace, detects its format, and streams its events
 * in batches (see trace.h).
 *
 * Input comes through one byte window, data[pos, end): the input is read()
 * into a READ_BUF buffer; the unconsumed tail (a partial line or record) is
 * moved to the front before each refill, and the buffer doubles only when
 * one line does not fit.  Files are read, never mmap'd: a mapped file that
 * another process truncates kills the reader with SIGBUS, and catching that
 * would take a process-wide signal handler.  read() simply returns less, so
 * a regular file that ends before the size it had at open is reported as
 * "the file shrank while being read" instead of passing for a shorter trace.
 * The format decoders (text below, trace_lackey.c, trace_binary.c) consume
 * only whole lines or records from the window unless told it reaches the
 * end of the input, so the reader just alternates decode and refill.
 *
 * Auto-detection reads through the same window, so nothing it peeks at is
 * lost, even on a pipe.
 *
 * Compressed input (told by its magic before anything else) goes through
 * the decompressor (trace_inflate.c) in place of read(), so the window holds
 * decompressed bytes and the decoders never know.
 *
 * Line formats see the window a piece at a time (line_window): at most
 * LINE_WINDOW bytes, and never past a NUL byte, which no text format allows.
 * A decoder stops at the first line it does not see whole, so the NUL is
 * reported on its own line, and a line that is still unfinished after
 * TRACE_LINE_MAX bytes is reported before the rest of it is read: memory and
 * time stay linear in the input whatever its lines look like.
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace_binary.h"
#include "trace_champsim.h"
#include "trace_din.h"
#include "trace_drmemtrace.h"
#include "trace_inflate.h"
#include "trace_lackey.h"
#include "trace_pinatrace.h"
#include "trace_text.h"

#define READ_BUF (1u << 20)
#define LINE_INIT 256
#define LINE_WINDOW ((size_t)1 << 20) /* more than TRACE_LINE_MAX, so a whole line always fits */
#define NO_NUL UINT64_MAX

struct trace_reader {
	enum trace_format fmt;
	char *name;                  /* for messages: the path, or "<stdin>" */
	int fd;
	bool own_fd;
	const unsigned char *data;   /* the window: buf */
	size_t pos, end;
	bool eof;                    /* data[end] is the end of the input */
	uint64_t base;               /* file offset of data[0] */
	uint64_t size;               /* total bytes, 0 if unknown */
	bool sized;                  /* a regular file read from its start: ending before `size` means it shrank */
	unsigned char *buf;          /* read buffer */
	size_t cap;
	char *line;                  /* text: the current line, NUL-terminated */
	size_t line_cap;
	uint64_t lineno;             /* text: lines consumed (the bad line's number after an error) */
	struct lackey_decoder lackey;
	struct binary_decoder binary;
	struct champsim_decoder champsim;
	struct din_decoder din;
	struct pinatrace_decoder pinatrace;
	struct drmemtrace_decoder drmemtrace;
	enum trace_compression compression;
	struct trace_inflate *inflate; /* compressed input: where refill reads from */
	uint64_t decoder_memory;     /* the decompressor's limit (0: the default) */
	uint64_t nul_scanned;        /* line formats: input offset up to which no NUL byte was seen */
	uint64_t nul_at;             /* input offset of the first NUL byte seen, or NO_NUL */
	bool failed;                 /* sticky: every later call repeats `fail` */
	bool input_failed;           /* reading failed during detection: `fail` comes after the window */
	struct mm_error fail;
	struct event_source source;  /* this reader, for a sweep */
	/* text: the events of a pte line that did not fit in the caller's array, returned first next call */
	struct trace_event pending[TRACE_TEXT_LINE_EVENTS];
	unsigned nr_pending, next_pending;
};

static const char *const format_names[] = {
	[TRACE_FORMAT_AUTO] = "auto", [TRACE_FORMAT_TEXT] = "text",
	[TRACE_FORMAT_LACKEY] = "lackey", [TRACE_FORMAT_BINARY] = "binary",
	[TRACE_FORMAT_CHAMPSIM] = "champsim", [TRACE_FORMAT_DIN] = "din",
	[TRACE_FORMAT_PINATRACE] = "pinatrace", [TRACE_FORMAT_DRMEMTRACE] = "drmemtrace",
};

const char *trace_format_name(enum trace_format f)
{
	return (unsigned)f < sizeof(format_names) / sizeof(format_names[0]) ? format_names[f] : "?";
}

int trace_format_parse(const char *name, enum trace_format *out)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcmp(name, format_names[i]) == 0) {
			*out = (enum trace_format)i;
			return MM_OK;
		}
	}
	return MM_EINVAL;
}

/*
 * Read mode: moves the unconsumed bytes to the front and reads more (one
 * read() call); doubles the buffer if it is full of one unfinished line.
 * Sets eof at the end of the input.  Returns MM_OK, or an error in r->fail.
 */
static int refill(struct trace_reader *r)
{
	ssize_t k;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->base += r->pos;
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->end == r->cap) {
		unsigned char *nb = realloc(r->buf, r->cap * 2);
		if (!nb)
			return mm_error_set(&r->fail, MM_ENOMEM, "%s: out of memory for a line of %zu bytes",
					    r->name, r->end);
		r->data = r->buf = nb;
		r->cap *= 2;
	}
	if (r->inflate) {
		long z = trace_inflate_read(r->inflate, r->buf + r->end, r->cap - r->end, &r->fail);
		if (z == INFLATE_FAILED) {
			mm_error_prefix(&r->fail, "%s", r->name);
			return r->fail.code;
		}
		k = z;
	} else {
		while ((k = read(r->fd, r->buf + r->end, r->cap - r->end)) < 0) {
			if (errno != EINTR)
				return mm_error_set(&r->fail, MM_EIO, "%s: read error: %s", r->name, strerror(errno));
		}
	}
	if (k == 0 && r->sized && r->base + r->end < r->size)
		return mm_error_set(&r->fail, MM_EIO, "%s: the file shrank while being read (%llu of %llu bytes)",
				    r->name, (unsigned long long)(r->base + r->end), (unsigned long long)r->size);
	if (k == 0)
		r->eof = true;
	r->end += (size_t)k;
	return MM_OK;
}

static bool blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Auto-detection on s[0, len): the binary magic, else a drmemtrace header,
 * else a ChampSim record,
 * else the first line that is not blank, a '#' comment or a valgrind message
 * (==PID==, --PID--, **PID**) decides between lackey, pinatrace, din and text;
 * a file of nothing but valgrind messages is lackey.  Returns TRACE_FORMAT_AUTO when it needs more input
 * (only when !eof).
 */
static enum trace_format sniff(const unsigned char *s, size_t len, bool eof)
{
	size_t m = len < TRACE_BINARY_MAGIC_LEN ? len : TRACE_BINARY_MAGIC_LEN, off = 0;
	bool saw_valgrind = false;
	int champsim, drmemtrace;

	if (binary_has_magic(s, len))
		return TRACE_FORMAT_BINARY;
	if (len > 0 && len < TRACE_BINARY_MAGIC_LEN && memcmp(s, TRACE_BINARY_MAGIC, m) == 0)
		return eof ? TRACE_FORMAT_BINARY : TRACE_FORMAT_AUTO; /* a short one reads as a truncated header */
	/* before ChampSim: a drmemtrace header's zero bytes would pass for a ChampSim record's */
	if ((drmemtrace = drmemtrace_sniff(s, len, eof)) != 0)
		return drmemtrace > 0 ? TRACE_FORMAT_DRMEMTRACE : TRACE_FORMAT_AUTO;
	if ((champsim = champsim_sniff(s, len, eof)) != 0)
		return champsim > 0 ? TRACE_FORMAT_CHAMPSIM : TRACE_FORMAT_AUTO;
	while (off < len) {
		const unsigned char *line = s + off, *nl = memchr(line, '\n', len - off), *p = line;
		size_t ll = nl ? (size_t)(nl - line) : len - off;

		if (!nl && !eof)
			return TRACE_FORMAT_AUTO;
		off += ll + 1;
		if (lackey_line_is_message((const char *)line, ll)) {
			saw_valgrind = true;
			continue;
		}
		while (p < line + ll && blank(*p))
			p++;
		if (p == line + ll || *p == '#')
			continue;
		if (lackey_line_is_record((const char *)line, ll))
			return TRACE_FORMAT_LACKEY;
		if (pinatrace_line_is_record((const char *)line, ll))
			return TRACE_FORMAT_PINATRACE;
		return din_line_is_record((const char *)line, ll) ? TRACE_FORMAT_DIN : TRACE_FORMAT_TEXT;
	}
	if (!eof)
		return TRACE_FORMAT_AUTO;
	return saw_valgrind ? TRACE_FORMAT_LACKEY : TRACE_FORMAT_TEXT;
}

static void reader_free(struct trace_reader *r)
{
	trace_inflate_close(r->inflate);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->line);
	free(r->name);
	free(r);
}

/* Starts decompressing when the input begins with a compression magic. */
static int start_inflate(struct trace_reader *r, bool regular, struct mm_error *err)
{
	unsigned char magic[TRACE_COMPRESSION_MAGIC_MAX];
	ssize_t k;

	if (regular) {
		/* pread leaves the offset alone: a plain file is then read from 0 */
		while ((k = pread(r->fd, magic, sizeof(magic), 0)) < 0 && errno == EINTR)
			;
		r->compression = trace_compression_sniff(magic, k > 0 ? (size_t)k : 0);
		if (r->compression == TRACE_COMPRESSION_NONE)
			return MM_OK;
		return trace_inflate_open(r->compression, r->fd, NULL, 0, r->decoder_memory, &r->inflate, err);
	}
	/* A pipe cannot be re-read: what the sniff needed becomes the decompressor's first input. */
	while (r->end < TRACE_COMPRESSION_MAGIC_MAX && !r->eof) {
		if (refill(r) != MM_OK) {
			if (err)
				*err = r->fail;
			return r->fail.code;
		}
	}
	r->compression = trace_compression_sniff(r->buf, r->end);
	if (r->compression == TRACE_COMPRESSION_NONE)
		return MM_OK;
	if (trace_inflate_open(r->compression, r->fd, r->buf, r->end, r->decoder_memory, &r->inflate, err))
		return err ? err->code : MM_ENOMEM;
	r->end = 0;
	r->eof = false;
	return MM_OK;
}

/* Opens over r->fd (already set, with r->name): fstat, buffer, decompression, detection. */
static int reader_start(struct trace_reader *r, bool from_path, enum trace_format fmt, struct mm_error *err)
{
	struct stat st;
	bool regular;

	if (fstat(r->fd, &st) != 0)
		return mm_error_set(err, MM_EIO, "%s: cannot read: %s", r->name, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return mm_error_set(err, MM_EIO, "%s: cannot read: Is a directory", r->name);
	regular = S_ISREG(st.st_mode);
	if (regular)
		r->size = (uint64_t)st.st_size;
	if (regular && from_path && start_inflate(r, true, err))
		return err ? err->code : MM_EINVAL;
	if (regular && from_path && !r->inflate) {
		r->sized = true;
		posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	if (!(r->buf = malloc(READ_BUF)))
		return mm_error_set(err, MM_ENOMEM, "out of memory");
	r->data = r->buf;
	r->cap = READ_BUF;
	if (!(regular && from_path) && start_inflate(r, false, err))
		return err ? err->code : MM_EINVAL;
	while (fmt == TRACE_FORMAT_AUTO) {
		fmt = sniff(r->data + r->pos, r->end - r->pos, r->eof);
		if (fmt == TRACE_FORMAT_AUTO && r->end == r->cap)
			fmt = sniff(r->data + r->pos, r->end - r->pos, true); /* decide on a full buffer */
		if (fmt == TRACE_FORMAT_AUTO && refill(r) != MM_OK) {
			/* Decide on what did arrive: its events come first, then the error. */
			r->input_failed = true;
			fmt = sniff(r->data + r->pos, r->end - r->pos, true);
		}
	}
	r->fmt = fmt;
	lackey_decoder_init(&r->lackey);
	binary_decoder_init(&r->binary);
	champsim_decoder_init(&r->champsim);
	din_decoder_init(&r->din);
	pinatrace_decoder_init(&r->pinatrace);
	drmemtrace_decoder_init(&r->drmemtrace);
	return MM_OK;
}

static struct trace_reader *reader_alloc(const char *name, struct mm_error *err)
{
	struct trace_reader *r = calloc(1, sizeof(*r));

	if (!r || !(r->name = strdup(name))) {
		free(r);
		mm_error_set(err, MM_ENOMEM, "out of memory");
		return NULL;
	}
	r->fd = -1;
	r->nul_at = NO_NUL;
	return r;
}

int trace_reader_open(const char *path, enum trace_format fmt, struct trace_reader **out,
		      struct mm_error *err)
{
	return trace_reader_open_limited(path, fmt, 0, out, err);
}

int trace_reader_open_limited(const char *path, enum trace_format fmt, uint64_t decoder_memory,
			      struct trace_reader **out, struct mm_error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	struct trace_reader *r;
	int rc;

	*out = NULL;
	if ((unsigned)fmt > TRACE_FORMAT_LAST)
		return mm_error_set(err, MM_EINVAL, "unknown trace format %d", (int)fmt);
	if (!(r = reader_alloc(is_stdin ? "<stdin>" : path, err)))
		return MM_ENOMEM;
	r->decoder_memory = decoder_memory;
	r->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		rc = mm_error_set(err, MM_EIO, "%s: cannot open: %s", path, strerror(errno));
		reader_free(r);
		return rc;
	}
	r->own_fd = !is_stdin;
	if ((rc = reader_start(r, !is_stdin, fmt, err))) {
		reader_free(r);
		return rc;
	}
	*out = r;
	return MM_OK;
}

int trace_reader_open_fd(int fd, const char *name, enum trace_format fmt, struct trace_reader **out,
			 struct mm_error *err)
{
	struct trace_reader *r;
	int rc;

	*out = NULL;
	if ((unsigned)fmt > TRACE_FORMAT_LAST)
		return mm_error_set(err, MM_EINVAL, "unknown trace format %d", (int)fmt);
	if (!(r = reader_alloc(name, err)))
		return MM_ENOMEM;
	r->fd = fd;
	if ((rc = reader_start(r, false, fmt, err))) {
		reader_free(r);
		return rc;
	}
	*out = r;
	return MM_OK;
}

enum trace_format trace_reader_format(const struct trace_reader *r)
{
	return r->fmt;
}

/*
 * The events of a pte line of several fields (in r->line) into ev[*n, max),
 * the rest into r->pending; counts the line.
 */
static int text_line_events(struct trace_reader *r, struct trace_event *ev, size_t *n, size_t max,
			    struct mm_error *err)
{
	struct trace_event evs[TRACE_TEXT_LINE_EVENTS];
	int k = trace_parse_line_events(r->line, evs, err);

	if (k < 0)
		return TRACE_LINE_BAD;
	r->lineno++;
	r->nr_pending = r->next_pending = 0;
	for (int i = 0; i < k; i++) {
		evs[i].line = r->lineno;
		if (*n < max)
			ev[(*n)++] = evs[i];
		else
			r->pending[r->nr_pending++] = evs[i];
	}
	return TRACE_LINE_EVENT;
}

/*
 * The text format: one line at a time into r->line (trace_parse_line edits
 * it in place and wants a NUL), same contract as lackey_decode.
 */
static long text_decode(struct trace_reader *r, const char *buf, size_t len, bool eof, size_t *used,
			struct trace_event *ev, size_t max, struct mm_error *err)
{
	size_t off = 0, n = 0;

	while (n < max && off < len) {
		const char *s = buf + off, *nl = memchr(s, '\n', len - off);
		size_t ll, next;
		int rc;

		if (nl) {
			ll = (size_t)(nl - s);
			next = off + ll + 1;
		} else if (eof) {
			ll = len - off;
			next = len;
		} else {
			break;
		}
		/* A UTF-8 byte order mark (Windows editors write one) is not part of the first command. */
		if (__builtin_expect(r->lineno == 0, 0) && ll >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			ll -= 3;
		}
		if (ll > TRACE_LINE_MAX) {
			if (n > 0)
				break;
			r->lineno++;
			*used = off;
			mm_error_set(err, MM_EINVAL, "line longer than %d bytes", TRACE_LINE_MAX);
			return EVENT_SOURCE_FAILED;
		}
		if (ll >= r->line_cap) {
			size_t cap = r->line_cap ? r->line_cap : LINE_INIT;
			char *nb;
			while (cap <= ll)
				cap *= 2;
			if (!(nb = realloc(r->line, cap))) {
				if (n > 0)
					break;
				r->lineno++;
				*used = off;
				mm_error_set(err, MM_ENOMEM, "out of memory for a line of %zu bytes", ll);
				return EVENT_SOURCE_FAILED;
			}
			r->line = nb;
			r->line_cap = cap;
		}
		memcpy(r->line, s, ll);
		r->line[ll] = '\0';
		rc = trace_parse_line(r->line, &ev[n], err);
		if (__builtin_expect(rc == TRACE_LINE_BAD, 0)) {
			/* A pte line of several fields is several events (any other bad line fails again). */
			memcpy(r->line, s, ll);
			r->line[ll] = '\0';
			rc = text_line_events(r, ev, &n, max, err);
			if (rc >= TRACE_LINE_BLANK) {
				off = next;
				continue;
			}
		}
		if (rc < TRACE_LINE_BLANK) { /* TRACE_LINE_BAD (a sign test: the cheapest) */
			if (n > 0)
				break; /* the error comes next call, after these events */
			r->lineno++;
			*used = off;
			return EVENT_SOURCE_FAILED;
		}
		r->lineno++;
		if (rc > TRACE_LINE_BLANK) /* TRACE_LINE_EVENT */
			ev[n++].line = r->lineno;
		off = next;
	}
	*used = off;
	return (long)n;
}

/* The decoder of r->fmt over data[pos, pos + len), which reaches the end of the input when eof. */
static long decode_format(struct trace_reader *r, size_t len, bool eof, size_t *used, struct trace_event *ev,
			  size_t max)
{
	const unsigned char *p = r->data + r->pos;
	long n;

	switch (r->fmt) {
	case TRACE_FORMAT_LACKEY:
		n = lackey_decode(&r->lackey, (const char *)p, len, eof, used, ev, max, &r->fail);
		if (n < 0)
			mm_error_prefix(&r->fail, "%s:%llu", r->name, (unsigned long long)r->lackey.line);
		return n;
	case TRACE_FORMAT_BINARY:
		n = binary_decode(&r->binary, p, len, eof, r->base + r->pos, used, ev, max, &r->fail);
		if (n < 0)
			mm_error_prefix(&r->fail, "%s: byte %llu", r->name, (unsigned long long)r->binary.err_offset);
		return n;
	case TRACE_FORMAT_CHAMPSIM:
		n = champsim_decode(&r->champsim, p, len, eof, r->base + r->pos, used, ev, max, &r->fail);
		if (n < 0)
			mm_error_prefix(&r->fail, "%s: byte %llu", r->name, (unsigned long long)r->champsim.err_offset);
		return n;
	case TRACE_FORMAT_DRMEMTRACE:
		n = drmemtrace_decode(&r->drmemtrace, p, len, eof, r->base + r->pos, used, ev, max, &r->fail);
		if (n < 0)
			mm_error_prefix(&r->fail, "%s: byte %llu", r->name, (unsigned long long)r->drmemtrace.err_offset);
		return n;
	case TRACE_FORMAT_DIN:
		n = din_decode(&r->din, (const char *)p, len, eof, used, ev, max, &r->fail);
		if (n < 0)
			mm_error_prefix(&r->fail, "%s:%llu", r->name, (unsigned long long)r->din.line);
		return n;
	case TRACE_FORMAT_PINATRACE:
		n = pinatrace_decode(&r->pinatrace, (const char *)p, len, eof, used, ev, max, &r->fail);
		if (n < 0)
			mm_error_prefix(&r->fail, "%s:%llu", r->name, (unsigned long long)r->pinatrace.line);
		return n;
	default:
		n = text_decode(r, (const char *)p, len, eof, used, ev, max, &r->fail);
		if (n < 0)
			mm_error_prefix(&r->fail, "%s:%llu", r->name, (unsigned long long)r->lineno);
		return n;
	}
}

static bool is_line_format(enum trace_format f)
{
	return f != TRACE_FORMAT_BINARY && f != TRACE_FORMAT_CHAMPSIM && f != TRACE_FORMAT_DRMEMTRACE;
}

/* Line formats: the lines the decoder has consumed. */
static uint64_t lines_done(const struct trace_reader *r)
{
	switch (r->fmt) {
	case TRACE_FORMAT_LACKEY: return r->lackey.line;
	case TRACE_FORMAT_DIN: return r->din.line;
	case TRACE_FORMAT_PINATRACE: return r->pinatrace.line;
	default: return r->lineno;
	}
}

/*
 * Line formats: how much of data[pos, end) the decoder may see — at most
 * LINE_WINDOW bytes, and not the first NUL byte.  Each byte is searched for
 * NUL once.
 */
static size_t line_window(struct trace_reader *r)
{
	uint64_t start = r->base + r->pos;
	size_t win = r->end - r->pos < LINE_WINDOW ? r->end - r->pos : LINE_WINDOW;
	uint64_t stop = start + win;

	if (r->nul_at == NO_NUL && r->nul_scanned < stop) {
		uint64_t from = r->nul_scanned > start ? r->nul_scanned : start;
		const unsigned char *z = memchr(r->data + (from - r->base), '\0', (size_t)(stop - from));

		if (z)
			r->nul_at = r->base + (uint64_t)(z - r->data);
		r->nul_scanned = z ? r->nul_at : stop;
	}
	if (r->nul_at < stop)
		win = (size_t)(r->nul_at - start);
	return win;
}

/*
 * Decodes from data[pos]; *partial says the decoder saw only part of
 * data[pos, end) (call again before refilling).  A line format's decoder stops short
 * of max only at a line it does not see whole: if that line holds a NUL byte
 * or is already longer than TRACE_LINE_MAX it is an error, reported once the
 * events before it are out (a call that decodes none).
 */
static long decode(struct trace_reader *r, size_t *used, struct trace_event *ev, size_t max, bool *partial)
{
	size_t len = r->end - r->pos, win;
	long n;

	*partial = false;
	if (!is_line_format(r->fmt))
		return decode_format(r, len, r->eof, used, ev, max);
	win = line_window(r);
	*partial = win < len;
	n = decode_format(r, win, r->eof && !*partial, used, ev, max);
	if (n < 0 || (size_t)n == max || (r->eof && !*partial))
		return n;
	bool at_nul = r->nul_at == r->base + r->pos + win;
	size_t unfinished = win - *used;

	if (!at_nul && unfinished <= TRACE_LINE_MAX)
		return n; /* an unfinished line: more input decides */
	if (n > 0)
		return n;
	if (unfinished > TRACE_LINE_MAX)
		mm_error_set(&r->fail, MM_EINVAL, "%s:%llu: line longer than %d bytes", r->name,
			     (unsigned long long)lines_done(r) + 1, TRACE_LINE_MAX);
	else
		mm_error_set(&r->fail, MM_EINVAL, "%s:%llu: NUL byte in a text trace (a binary file?)", r->name,
			     (unsigned long long)lines_done(r) + 1);
	return EVENT_SOURCE_FAILED;
}

long trace_reader_next(struct trace_reader *r, struct trace_event *ev, size_t max, struct mm_error *err)
{
	size_t n = 0;

	while (r->next_pending < r->nr_pending && n < max)
		ev[n++] = r->pending[r->next_pending++];
	while (!r->failed && n < max) {
		size_t used = 0;
		bool partial;
		long k = decode(r, &used, ev + n, max - n, &partial);

		r->pos += used;
		if (k < 0) {
			r->failed = true;
			break;
		}
		n += (size_t)k;
		if (n == max)
			break;
		if (partial)
			continue; /* the rest of the window is already here */
		if (r->eof)
			break; /* at eof the decoders consume everything */
		if (r->input_failed) {
			r->failed = true;
			break;
		}
		if (refill(r) != MM_OK)
			r->failed = true;
	}
	if (n > 0 || !r->failed)
		return (long)n; /* the events before an error come first */
	if (err)
		*err = r->fail;
	return EVENT_SOURCE_FAILED;
}

static long reader_next(void *r, struct trace_event *ev, size_t max, struct mm_error *err)
{
	return trace_reader_next(r, ev, max, err);
}

const struct event_source *trace_reader_source(struct trace_reader *r)
{
	r->source = (struct event_source){ reader_next, r };
	return &r->source;
}

uint64_t trace_reader_offset(const struct trace_reader *r)
{
	if (r->inflate)
		return trace_inflate_consumed(r->inflate);
	return r->base + r->pos;
}

uint64_t trace_reader_size(const struct trace_reader *r)
{
	return r->size;
}

const char *trace_reader_warning(const struct trace_reader *r)
{
	if (r->fmt == TRACE_FORMAT_BINARY && r->binary.no_end)
		return "no end record: the trace may be truncated (a binary trace from before end records)";
	if (r->fmt == TRACE_FORMAT_LACKEY && r->lackey.other_process[0])
		return r->lackey.other_process;
	return NULL;
}

void trace_reader_close(struct trace_reader *r)
{
	if (r)
		reader_free(r);
}
