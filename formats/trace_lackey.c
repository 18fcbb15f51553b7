/*
 * trace_lackey: Valgrind lackey --trace-mem=yes decoder (see trace_lackey.h).
 *
 * Two paths.  The fast path takes a well-formed record ("I  hex,dec\n" or
 * " [LSM] hex,dec\n", at most 16 hex and 3 decimal digits) straight from the
 * window, with no bounds checks: it runs only while at least LACKEY_SAFE
 * bytes remain, more than the longest line it accepts.  Anything else (the
 * end of the window, '==' lines, blank lines, "\r\n", every malformed line)
 * goes to the slow path, which finds the line end with memchr and either
 * accepts it or names the problem.  Both paths accept exactly the same
 * records, so the fast one is only an optimisation.
 */
#include "trace_lackey.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pt/walk.h"
#include "trace_token.h"

#define LACKEY_SAFE 32 /* the fast path reads at most 24 bytes of a line */
#define KIND_MODIFY 3  /* M: a read then a write */
/* Lackey's own bound (MAX_DSIZE in lk_main.c): an FXSAVE's 512 bytes are one record. */
#define SIZE_MAX_LACKEY 512

/* Record kind + 1, by the character in column 1 (a space there means "I  "); 0 = not a record. */
static const uint8_t kind_of[256] = {
	[' '] = ACCESS_EXEC + 1, ['L'] = ACCESS_READ + 1, ['S'] = ACCESS_WRITE + 1, ['M'] = KIND_MODIFY + 1,
};

/* Hex digit value + 1; 0 = not a hex digit. */
static const uint8_t hex_of[256] = {
	['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

void lackey_decoder_init(struct lackey_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

/*
 * The fast path: parses the record at p (at least LACKEY_SAFE readable bytes)
 * and returns the start of the next line, or NULL if the line is not in the
 * plain form (the slow path then decides).
 */
static inline const unsigned char *fast_record(const unsigned char *p, unsigned *kind, uint64_t *va,
					       unsigned *size)
{
	unsigned c1 = p[1], k = kind_of[c1], h, s, d;
	const unsigned char *q = p + 3;
	uint64_t a;

	if (!k || p[0] != (c1 == ' ' ? 'I' : ' ') || p[2] != ' ')
		return NULL;
	if (!(h = hex_of[*q]))
		return NULL;
	a = h - 1;
	q++;
	for (int i = 1; i < 16 && (h = hex_of[*q]) != 0; i++, q++)
		a = a << 4 | (h - 1);
	if (*q != ',') /* also a 17th digit */
		return NULL;
	s = (unsigned)q[1] - '0';
	if (s > 9)
		return NULL;
	q += 2;
	if ((d = (unsigned)*q - '0') <= 9) {
		s = s * 10 + d;
		q++;
		if ((d = (unsigned)*q - '0') <= 9) {
			s = s * 10 + d;
			q++;
		}
	}
	if (*q != '\n' || s - 1 >= SIZE_MAX_LACKEY) /* size 0 wraps around */
		return NULL;
	*kind = k - 1;
	*va = a;
	*size = s;
	return q + 1;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Sets the message, quoting (at most TOKEN_SHOWN bytes of) [s, e) with fmt's %.*s; returns TRACE_LINE_BAD. */
static int bad_token(struct mm_error *err, const char *fmt, const unsigned char *s, const unsigned char *e)
{
	int len = e - s > TOKEN_SHOWN ? TOKEN_SHOWN : (int)(e - s);
	mm_error_set(err, MM_EINVAL, fmt, len, (const char *)s);
	return TRACE_LINE_BAD;
}

static int bad(struct mm_error *err, const char *msg)
{
	mm_error_set(err, MM_EINVAL, "%s", msg);
	return TRACE_LINE_BAD;
}

/* "SB ADDR": a superblock entered (--trace-superblocks=yes), not an access; trailing blanks allowed. */
static bool is_superblock(const unsigned char *s, size_t len)
{
	const unsigned char *p = s + 3, *e = s + len;

	if (len < 4 || s[0] != 'S' || s[1] != 'B' || s[2] != ' ')
		return false;
	while (e > p && is_space(e[-1]))
		e--;
	if (e == p)
		return false;
	for (; p < e; p++)
		if (!hex_of[*p])
			return false;
	return true;
}

bool lackey_line_is_message(const char *line, size_t len)
{
	/* '==' lines as before, whatever follows; '--' and '**' only with the PID, so that garbage stays an error. */
	if (len >= 2 && line[0] == '=' && line[1] == '=')
		return true;
	if (len >= 3 && (line[0] == '-' || line[0] == '*') && line[1] == line[0] && line[2] >= '0' && line[2] <= '9')
		return true;
	return is_superblock((const unsigned char *)line, len);
}

/*
 * The slow path: one line [s, e) without its '\n'.  Returns TRACE_LINE_EVENT with
 * the record, TRACE_LINE_BLANK for a line to skip, TRACE_LINE_BAD with a message.
 */
static int slow_record(const unsigned char *s, const unsigned char *e, unsigned *kind, uint64_t *va,
		       unsigned *size, struct mm_error *err)
{
	const unsigned char *a, *comma, *p;
	uint64_t v = 0;
	unsigned digits = 0, sz = 0;

	while (e > s && is_space(e[-1]))
		e--;
	if (e == s) {
		return TRACE_LINE_BLANK;
	}
	if (lackey_line_is_message((const char *)s, (size_t)(e - s)))
		return TRACE_LINE_BLANK;
	if (e - s >= 3 && s[0] == 'I' && s[1] == ' ' && s[2] == ' ') {
		*kind = ACCESS_EXEC;
	} else if (e - s >= 3 && s[0] == ' ' && s[1] != ' ' && s[2] == ' ') {
		if (s[1] == 'L')
			*kind = ACCESS_READ;
		else if (s[1] == 'S')
			*kind = ACCESS_WRITE;
		else if (s[1] == 'M')
			*kind = KIND_MODIFY;
		else
			return bad_token(err, "unknown record type '%.*s' (expected 'I  ADDR,SIZE' or ' L|S|M ADDR,SIZE')",
					 s + 1, s + 2);
	} else if (e - s >= 3 && s[0] != ' ' && s[1] == ' ' && s[2] == ' ') {
		return bad_token(err, "unknown record type '%.*s' (expected 'I  ADDR,SIZE' or ' L|S|M ADDR,SIZE')",
				 s, s + 1);
	} else {
		return bad(err, "not a lackey line (expected 'I  ADDR,SIZE', ' L|S|M ADDR,SIZE' or '==PID== ...')");
	}

	a = s + 3;
	comma = memchr(a, ',', (size_t)(e - a));
	p = comma ? comma : e;
	if (p == a)
		return bad(err, "missing address (expected hex digits without 0x)");
	for (const unsigned char *q = a; q < p; q++) {
		unsigned h = hex_of[*q];
		if (!h)
			return bad_token(err, "bad address '%.*s' (expected hex digits without 0x)", a, p);
		if (digits || h > 1)
			digits++;
		v = v << 4 | (h - 1);
	}
	if (digits > 16)
		return bad_token(err, "address '%.*s' does not fit in 64 bits", a, p);
	if (!comma)
		return bad(err, "missing ',SIZE' after the address");

	p = comma + 1;
	if (p == e)
		return bad(err, "missing size after ','");
	for (const unsigned char *q = p; q < e; q++) {
		if ((unsigned)*q - '0' > 9)
			return bad_token(err, "bad size '%.*s' (expected a decimal number)", p, e);
		if (sz <= SIZE_MAX_LACKEY)
			sz = sz * 10 + (*q - '0');
	}
	if (sz == 0 || sz > SIZE_MAX_LACKEY)
		return bad_token(err, "size %.*s is out of range (expected 1 to 512)", p, e);
	*va = v;
	*size = sz;
	return TRACE_LINE_EVENT;
}

static inline void put_access(struct trace_event *ev, uint64_t line, unsigned access, unsigned size,
			      uint64_t va)
{
	*ev = (struct trace_event){
		.line = line, .op = TRACE_ACCESS, .access = (uint8_t)access, .size = (uint16_t)size, .va = va,
	};
}

/*
 * A "==PID==" line: valgrind writes the process's messages so.  A second PID
 * is a forked child writing into the same log (valgrind without
 * --child-silent-after-fork and without %p in --log-file): its accesses are
 * in the trace too, indistinguishable from the parent's.
 */
static void note_process(struct lackey_decoder *d, const unsigned char *s, const unsigned char *e, uint64_t line)
{
	uint64_t pid = 0;
	const unsigned char *p = s + 2;

	if (d->other_process[0] || e - s < 5 || (s[0] != '=' && s[0] != '-' && s[0] != '*') || s[1] != s[0])
		return;
	for (; p < e && *p >= '0' && *p <= '9' && pid < UINT64_MAX / 10; p++)
		pid = pid * 10 + (uint64_t)(*p - '0');
	if (p == s + 2 || e - p < 2 || p[0] != s[0] || p[1] != s[0])
		return;
	if (!d->pid)
		d->pid = pid;
	else if (pid != d->pid)
		snprintf(d->other_process, sizeof(d->other_process),
			 "line %" PRIu64 " is process %" PRIu64 "'s, not %" PRIu64 "'s: a forked child wrote its "
			 "accesses into this trace too (valgrind --child-silent-after-fork=yes leaves them out), "
			 "replayed as one address space", line, pid, d->pid);
}

long lackey_decode(struct lackey_decoder *d, const char *buf, size_t len, bool eof, size_t *used,
		   struct trace_event *ev, size_t max, struct mm_error *err)
{
	const unsigned char *p = (const unsigned char *)buf, *end = p + len;
	uint64_t line = d->line;
	size_t n = 0;

	if (d->has_pending && max > 0) {
		ev[n++] = d->pending;
		d->has_pending = false;
	}
	while (n < max) {
		const unsigned char *next = NULL, *nl, *le;
		unsigned kind = 0, size = 0;
		uint64_t va = 0;
		int rc;

		if ((size_t)(end - p) >= LACKEY_SAFE)
			next = fast_record(p, &kind, &va, &size);
		if (!next) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl) {
				le = nl;
				next = nl + 1;
			} else if (eof && p < end) {
				le = next = end;
			} else {
				break; /* partial line: wait for more input */
			}
			rc = le - p > TRACE_LINE_MAX ? token_line_too_long(err)
						     : slow_record(p, le, &kind, &va, &size, err);
			if (rc == TRACE_LINE_BAD) {
				if (n > 0)
					break; /* return what came before; the error comes next call */
				d->line = line + 1;
				*used = (size_t)(p - (const unsigned char *)buf);
				return EVENT_SOURCE_FAILED;
			}
			if (rc == TRACE_LINE_BLANK) {
				note_process(d, p, le, line + 1);
				line++;
				p = next;
				continue;
			}
		}
		line++;
		p = next;
		if (kind != KIND_MODIFY) {
			put_access(&ev[n++], line, kind, size, va);
			continue;
		}
		put_access(&ev[n++], line, ACCESS_READ, size, va);
		if (n < max) {
			put_access(&ev[n++], line, ACCESS_WRITE, size, va);
		} else {
			put_access(&d->pending, line, ACCESS_WRITE, size, va);
			d->has_pending = true;
		}
	}
	d->line = line;
	*used = (size_t)(p - (const unsigned char *)buf);
	return (long)n;
}

bool lackey_line_is_record(const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line, *e = s + len, *p;

	if (len < 6 || !(s[0] == 'I' ? s[1] == ' ' : s[0] == ' ' && (s[1] == 'L' || s[1] == 'S' || s[1] == 'M')) ||
	    s[2] != ' ')
		return false;
	for (p = s + 3; p < e && hex_of[*p]; p++)
		;
	if (p == s + 3 || p == e || *p != ',')
		return false;
	return p + 1 < e && (unsigned)p[1] - '0' <= 9;
}
