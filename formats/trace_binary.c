/*
 * trace_binary: the compact binary trace format (see trace_binary.h and
 * traces/README.md), decoder and writer.
 *
 * Decoding runs over a caller-owned window (the reader's read buffer).
 * While at least MAX_RECORD bytes remain, a record cannot run past the end of
 * the window, so the loop decodes without bounds checks; the last few records
 * of a window take the checked path, which also tells "need more input" from
 * "truncated file".  A record is decoded into locals first and committed
 * (predictions, record count, events) only once it is complete and valid, so
 * stopping before a bad or partial record leaves the state exact.
 */
#include "trace_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pt/walk.h"
#include "sim/machine.h"
#include "sim/mmu.h"
#include "formats/compress_sink.h"
#include "formats/output_file.h"

enum {
	TAG_ACCESS_MAX = 0x7f,  /* 0kkzssss */
	TAG_SAME_VA = 0x10,     /* z: VA == prediction, no delta */
	TAG_SIZE_BYTE = 0x0f,   /* ssss == 15: a size byte follows */
	TAG_MAP = 0x80,
	TAG_UNMAP = 0x81,
	TAG_PROTECT = 0x82,
	TAG_ASID = 0x83,
	TAG_PRIV = 0x84,
	TAG_CPU = 0x85,
	TAG_FLUSH = 0x86,       /* + enum flush_scope, up to FLUSH_VA_ASID: 0x86..0x89 */
	TAG_LAST = TAG_FLUSH + FLUSH_VA_ASID,
	TAG_STATS_RESET = 0x90, /* no operands */
	TAG_FLUSH_SCOPED = 0x91, /* + a scope byte (enum flush_scope | modifiers): the flushes 0x86..0x89 cannot say */
	TAG_END = 0x8f,         /* + varint: the number of records before it */
	TAG_GMAP = 0x92,        /* as TAG_MAP, PROTECT, UNMAP, for a VM's stage-2 table */
	TAG_GUNMAP = 0x93,
	TAG_GPROTECT = 0x94,
	TAG_GFLUSH = 0x95,      /* + a byte, enum gflush_scope (GFLUSH_GPA: a varint follows) */
	TAG_VM = 0x96,          /* + varint: the VMID */
	TAG_MMAP = 0x97,        /* + varints VA, length, flags, then a byte: 1 shared, 0 private */
	TAG_MUNMAP = 0x98,      /* + varints VA, length */
	TAG_FORK = 0x99,        /* + varint: the child's ASID */
	TAG_EXIT = 0x9a,        /* + varint: the ASID */
	TAG_THREAD = 0x9b,      /* + varint: the thread id (replay maps it to a CPU) */
};

#define KIND_MODIFY 3
#define MAX_VARINT 10
#define MAX_RECORD 48            /* map: tag + 4 varints + cache byte = 42 */
#define ASID_MAX (MACHINE_NR_ASIDS - 1u) /* the machine's limits, as the text format checks them */
#define CPU_MAX (MMU_MAX_CPUS - 1u)
#define VM_MAX (MACHINE_NR_VMS - 1u)
#define PROP_ALL 0x1ffu          /* PROP_R .. PROP_AVAIL2 */
#define WRITER_BUF (256u * 1024u)

/* Size by the ssss code (15: an explicit byte follows). */
static const uint8_t size_of_code[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 16, 32, 0 };

/* The access of a record's (first) event, by kk. */
static const uint8_t access_of_kind[4] = { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC, ACCESS_READ };

static unsigned code_of_size(unsigned size)
{
	return size <= 12 ? size : size == 16 ? 13 : size == 32 ? 14 : TAG_SIZE_BYTE;
}

static uint64_t zigzag(uint64_t d)
{
	return (d << 1) ^ (0 - (d >> 63));
}

static uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

bool binary_has_magic(const void *buf, size_t len)
{
	return len >= TRACE_BINARY_MAGIC_LEN && memcmp(buf, TRACE_BINARY_MAGIC, TRACE_BINARY_MAGIC_LEN) == 0;
}

void binary_decoder_init(struct binary_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

/* 8 bytes as a little-endian number, any alignment. */
static inline uint64_t load_le64(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, sizeof(x));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Outcome of decoding one record. */
enum dec_status { DEC_OK, DEC_SHORT, DEC_TOO_LONG, DEC_OVERFLOW, DEC_BAD_TAG, DEC_BAD_VALUE, DEC_AFTER_END, DEC_NO_END };

/*
 * Reads a LEB128 varint at *pp.  With `checked`, never reads at or past end.
 * Inlined into the two decode loops, where `checked` is a constant.
 */
static int get_varint(const unsigned char **pp, const unsigned char *end, bool checked, uint64_t *out)
{
	const unsigned char *p = *pp;
	uint64_t x = 0;

	for (unsigned i = 0; i < MAX_VARINT; i++) {
		unsigned b;
		if (checked && (size_t)(end - p) <= i)
			return DEC_SHORT;
		b = p[i];
		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (b < 0x80) {
			if (i == MAX_VARINT - 1 && b > 1)
				return DEC_OVERFLOW;
			*pp = p + i + 1;
			*out = x;
			return DEC_OK;
		}
	}
	return DEC_TOO_LONG;
}

#define VARINT(dst)                                               \
	do {                                                      \
		int rc_ = get_varint(&p, end, checked, &(dst));  \
		if (rc_ != DEC_OK)                                \
			return rc_;                               \
	} while (0)

#define BYTE(dst)                                        \
	do {                                             \
		if (checked && p >= end)                 \
			return DEC_SHORT;                \
		(dst) = *p++;                            \
	} while (0)

#define CHECK(cond, ...)                                                 \
	do {                                                             \
		if (!(cond)) {                                           \
			snprintf(why, why_len, __VA_ARGS__);             \
			return DEC_BAD_VALUE;                            \
		}                                                        \
	} while (0)

/*
 * Decodes the record at *pp into out[0] (and out[1] for a modify); sets
 * *nev.  Commits nothing to d: the caller does, via the returned prediction.
 */
static int decode_record(const uint64_t pred[2], const unsigned char **pp, const unsigned char *end, bool checked,
			 struct trace_event *out, int *nev, char *why, size_t why_len)
{
	const unsigned char *p = *pp;
	unsigned tag;
	uint64_t a = 0, b = 0, c = 0, f = 0;
	unsigned byte = 0;

	BYTE(tag);
	if (tag <= TAG_ACCESS_MAX) {
		unsigned kind = tag >> 5, size = size_of_code[tag & 0xf];
		uint64_t va = pred[kind == ACCESS_EXEC];
		if (!(tag & TAG_SAME_VA)) {
			VARINT(a);
			va += unzigzag(a);
		}
		if ((tag & 0xf) == TAG_SIZE_BYTE)
			BYTE(size);
		*out = (struct trace_event){
			.op = TRACE_ACCESS, .access = (uint8_t)(kind == KIND_MODIFY ? ACCESS_READ : kind),
			.size = (uint8_t)size, .va = va,
		};
		*nev = kind == KIND_MODIFY ? 2 : 1;
		*pp = p;
		return DEC_OK;
	}
	*out = (struct trace_event){ 0 };
	*nev = 1;
	switch (tag) {
	case TAG_MAP:
	case TAG_PROTECT:
	case TAG_GMAP:
	case TAG_GPROTECT:
		out->op = tag == TAG_MAP ? TRACE_MAP : tag == TAG_PROTECT ? TRACE_PROTECT
			: tag == TAG_GMAP ? TRACE_GMAP : TRACE_GPROTECT;
		VARINT(a);
		if (tag == TAG_MAP || tag == TAG_GMAP)
			VARINT(b);
		VARINT(c);
		VARINT(f);
		BYTE(byte);
		CHECK(f <= PROP_ALL, "bad page flags 0x%llx (at most 0x%x)", (unsigned long long)f, PROP_ALL);
		CHECK(byte <= CACHE_WP, "bad cache policy %u (at most %u)", byte, (unsigned)CACHE_WP);
		out->va = a;
		out->pa = b;
		out->len = c;
		out->prop.flags = (uint32_t)f;
		out->prop.cache = (enum cache_policy)byte;
		break;
	case TAG_MMAP:
		out->op = TRACE_MMAP;
		VARINT(a);
		VARINT(c);
		VARINT(f);
		BYTE(byte);
		CHECK(f <= PROP_ALL, "bad page flags 0x%llx (at most 0x%x)", (unsigned long long)f, PROP_ALL);
		CHECK(byte <= 1, "bad mmap sharing %u (expected 0 private or 1 shared)", byte);
		out->va = a;
		out->len = c;
		out->prop.flags = (uint32_t)f;
		out->n = byte;
		break;
	case TAG_UNMAP:
	case TAG_GUNMAP:
	case TAG_MUNMAP:
		out->op = tag == TAG_UNMAP ? TRACE_UNMAP : tag == TAG_GUNMAP ? TRACE_GUNMAP : TRACE_MUNMAP;
		VARINT(a);
		VARINT(c);
		out->va = a;
		out->len = c;
		break;
	case TAG_ASID:
	case TAG_CPU:
	case TAG_FORK:
	case TAG_EXIT:
		out->op = tag == TAG_ASID ? TRACE_ASID : tag == TAG_CPU ? TRACE_CPU : tag == TAG_FORK ? TRACE_FORK : TRACE_EXIT;
		VARINT(a);
		CHECK(a <= (tag == TAG_CPU ? CPU_MAX : ASID_MAX), "%s %llu is out of range (at most %u)",
		      tag == TAG_CPU ? "cpu" : tag == TAG_ASID ? "asid" : tag == TAG_FORK ? "fork asid" : "exit asid",
		      (unsigned long long)a, tag == TAG_CPU ? CPU_MAX : ASID_MAX);
		out->n = (uint32_t)a;
		break;
	case TAG_THREAD:
		out->op = TRACE_THREAD;
		VARINT(a);
		CHECK(a <= TRACE_THREAD_MAX, "thread %llu is out of range (at most %u)", (unsigned long long)a,
		      TRACE_THREAD_MAX);
		out->n = (uint32_t)a;
		break;
	case TAG_VM:
		out->op = TRACE_VM;
		VARINT(a);
		CHECK(a <= VM_MAX, "vm %llu is out of range (at most %u)", (unsigned long long)a, VM_MAX);
		out->n = (uint32_t)a;
		break;
	case TAG_PRIV:
		out->op = TRACE_PRIV;
		BYTE(byte);
		CHECK(byte <= PRIV_SUPERVISOR, "bad privilege %u (expected 0 user or 1 supervisor)", byte);
		out->n = byte;
		break;
	case TAG_STATS_RESET:
		out->op = TRACE_STATS_RESET;
		break;
	case TAG_GFLUSH:
		out->op = TRACE_GFLUSH;
		BYTE(byte);
		CHECK(byte <= GFLUSH_SCOPE_LAST, "bad gflush %u (expected 0 the VM, 1 one GPA or 2 every VM)", byte);
		out->n = byte;
		if (byte == GFLUSH_GPA) {
			VARINT(a);
			out->va = a;
		}
		break;
	default:
		if (tag == TAG_FLUSH_SCOPED) {
			BYTE(byte);
			CHECK(flush_scope_valid(byte), "bad flush scope 0x%02x", byte);
			out->scope = (uint8_t)byte;
		} else if (tag >= TAG_FLUSH && tag <= TAG_LAST) {
			out->scope = (uint8_t)(tag - TAG_FLUSH);
		} else {
			return DEC_BAD_TAG;
		}
		out->op = TRACE_FLUSH;
		if (flush_scope_has_va(out->scope))
			VARINT(out->va);
		if (flush_scope_has_asid(out->scope)) {
			VARINT(a);
			CHECK(a <= ASID_MAX, "asid %llu is out of range (at most %u)", (unsigned long long)a, ASID_MAX);
			out->n = (uint32_t)a;
		}
		break;
	}
	*pp = p;
	return DEC_OK;
}

static int header_error(struct binary_decoder *d, const unsigned char *buf, size_t len, bool eof,
			struct mm_error *err)
{
	size_t cmp = len < TRACE_BINARY_MAGIC_LEN ? len : TRACE_BINARY_MAGIC_LEN;
	uint32_t v;

	d->err_offset = 0;
	if (memcmp(buf, TRACE_BINARY_MAGIC, cmp) != 0)
		return mm_error_set(err, MM_EINVAL, "bad magic (not an mmusim binary trace)");
	if (len < TRACE_BINARY_HEADER_LEN) {
		if (!eof)
			return MM_OK;
		return mm_error_set(err, MM_EINVAL, "truncated header (%zu of %d bytes)", len,
				    TRACE_BINARY_HEADER_LEN);
	}
	if ((v = get_le32(buf + 8)) != TRACE_BINARY_VERSION) {
		d->err_offset = 8;
		return mm_error_set(err, MM_EINVAL, "unsupported version %u (this build reads version %u)", v,
				    TRACE_BINARY_VERSION);
	}
	if ((v = get_le32(buf + 12)) & ~TRACE_BINARY_FLAG_END) {
		d->err_offset = 12;
		return mm_error_set(err, MM_EINVAL, "unsupported flags 0x%08x (expected 0 or 0x%08x)", v,
				    TRACE_BINARY_FLAG_END);
	}
	d->has_end = v & TRACE_BINARY_FLAG_END;
	return MM_OK;
}

/*
 * The hot loop: access records only, while a whole record is sure to fit in
 * the window (no bounds checks) and a modify's two events fit in ev.  Stops
 * at anything else (other records, a varint longer than 8 bytes, which the
 * general decoder handles or judges) and returns the number of events
 * written.
 */
static size_t decode_accesses(struct binary_decoder *d, const unsigned char **pp, const unsigned char *end,
			      struct trace_event *ev, size_t max)
{
	const unsigned char *p = *pp, *safe;
	uint64_t pred_data = d->pred[0], pred_exec = d->pred[1], record = d->record;
	size_t n = 0;

	if ((size_t)(end - p) < MAX_RECORD)
		return 0;
	safe = end - MAX_RECORD;
	while (p <= safe && n + 2 <= max && *p <= TAG_ACCESS_MAX) {
		const unsigned char *q = p + 1;
		unsigned tag = *p, kind = tag >> 5, code = tag & 0xf, has_size, size;
		bool exec = kind == ACCESS_EXEC;
		uint64_t va = exec ? pred_exec : pred_data;

		if (!(tag & TAG_SAME_VA)) {
			/*
			 * LEB128 of up to 8 bytes without a loop: the first byte with
			 * its top bit clear ends it; mask the bytes after it away,
			 * then squeeze the 7-bit groups together: pairs, quads, halves.
			 * (A branch on the same-VA bit beats a branch-free select
			 * here: it keeps the varint off the loop-carried chain.)
			 */
			uint64_t w = load_le64(q), x;
			if (__builtin_expect((w & 0x8080) != 0x8080, 1)) {
				/* One or two bytes (a delta under 8 KiB either way): the usual case. */
				uint64_t two = (w >> 7) & 1;
				x = (w & 0x7f) | ((w >> 1) & 0x3f80 & (0 - two));
				q += 1 + two;
			} else {
				uint64_t stops = ~w & 0x8080808080808080ull;
				unsigned bits;
				if (__builtin_expect(!stops, 0))
					break; /* 9 or 10 bytes, or damage: the general decoder */
				bits = (unsigned)__builtin_ctzll(stops); /* 7, 15, ..., 63 */
				x = w & (~0ull >> (63 - bits));
				x = (x & 0x007f007f007f007full) | (x & 0x7f007f007f007f00ull) >> 1;
				x = (x & 0x00003fff00003fffull) | (x & 0x3fff00003fff0000ull) >> 2;
				x = (x & 0x000000000fffffffull) | (x & 0x0fffffff00000000ull) >> 4;
				q += (bits + 1) / 8;
			}
			va += unzigzag(x);
		}
		has_size = code == TAG_SIZE_BYTE;
		size = has_size ? *q : size_of_code[code];
		p = q + has_size;
		pred_exec = exec ? va + size : pred_exec;
		pred_data = exec ? pred_data : va;
		ev[n] = (struct trace_event){
			.line = ++record, .op = TRACE_ACCESS, .access = access_of_kind[kind], .size = (uint8_t)size, .va = va,
		};
		if (kind == KIND_MODIFY) {
			ev[n + 1] = ev[n];
			ev[n + 1].access = ACCESS_WRITE;
			n++;
		}
		n++;
	}
	d->pred[0] = pred_data;
	d->pred[1] = pred_exec;
	d->record = record;
	*pp = p;
	return n;
}

/*
 * The end record at *pp: its count must be the number of records read, which
 * is what tells a complete file from one cut at a record boundary.
 */
static int decode_end(struct binary_decoder *d, const unsigned char **pp, const unsigned char *end, char *why,
		      size_t why_len)
{
	const unsigned char *p = *pp + 1;
	uint64_t count;
	int rc = get_varint(&p, end, true, &count);

	if (rc != DEC_OK)
		return rc;
	if (count != d->record) {
		snprintf(why, why_len, "end record counts %llu records, the file has %llu (records are missing)",
			 (unsigned long long)count, (unsigned long long)d->record);
		return DEC_BAD_VALUE;
	}
	d->ended = true;
	*pp = p;
	return DEC_OK;
}

long binary_decode(struct binary_decoder *d, const unsigned char *buf, size_t len, bool eof, uint64_t base,
		   size_t *used, struct trace_event *ev, size_t max, struct mm_error *err)
{
	const unsigned char *p = buf, *end = buf + len;
	size_t n = 0;
	char why[96];
	int rc = DEC_OK;

	*used = 0;
	if (!d->header_done) {
		if (header_error(d, buf, len, eof, err) != MM_OK)
			return EVENT_SOURCE_FAILED;
		if (len < TRACE_BINARY_HEADER_LEN)
			return 0; /* need more input */
		d->header_done = true;
		p += TRACE_BINARY_HEADER_LEN;
	}
	if (d->has_pending && max > 0) {
		ev[n++] = d->pending;
		d->has_pending = false;
	}
	while (n < max) {
		const unsigned char *r;
		struct trace_event e;
		int nev;

		if (!d->ended)
			n += decode_accesses(d, &p, end, ev + n, max - n);
		if (n == max || p == end)
			break;
		/* one record the hot loop did not take */
		r = p;
		if (d->ended) {
			rc = DEC_AFTER_END;
			break;
		}
		if (*p == TAG_END) {
			if ((rc = decode_end(d, &p, end, why, sizeof(why))) != DEC_OK) {
				p = r;
				break;
			}
			continue;
		}
		rc = decode_record(d->pred, &p, end, (size_t)(end - p) < MAX_RECORD, &e, &nev, why, sizeof(why));
		if (rc != DEC_OK) {
			p = r;
			break;
		}
		e.line = ++d->record;
		if (e.op == TRACE_ACCESS) {
			if (e.access == ACCESS_EXEC)
				d->pred[1] = e.va + e.size;
			else
				d->pred[0] = e.va;
		}
		ev[n++] = e;
		if (nev == 2) {
			e.access = ACCESS_WRITE;
			if (n < max) {
				ev[n++] = e;
			} else {
				d->pending = e;
				d->has_pending = true;
			}
		}
	}
	*used = (size_t)(p - buf);
	if (rc == DEC_OK && eof && p == end && n == 0 && !d->ended) {
		/* The whole file is read: only an end record proves nothing was cut off. */
		if (d->has_end)
			rc = DEC_NO_END;
		else
			d->no_end = true;
	}
	if (rc == DEC_OK || (rc == DEC_SHORT && !eof) || n > 0)
		return (long)n;

	d->err_offset = base + *used;
	switch (rc) {
	case DEC_SHORT:
		mm_error_set(err, MM_EINVAL, "truncated record (tag 0x%02x)", *p);
		break;
	case DEC_TOO_LONG:
		mm_error_set(err, MM_EINVAL, "varint longer than %d bytes (record tag 0x%02x)", MAX_VARINT, *p);
		break;
	case DEC_OVERFLOW:
		mm_error_set(err, MM_EINVAL, "varint overflows 64 bits (record tag 0x%02x)", *p);
		break;
	case DEC_BAD_TAG:
		mm_error_set(err, MM_EINVAL, "unknown record tag 0x%02x", *p);
		break;
	case DEC_AFTER_END:
		mm_error_set(err, MM_EINVAL, "data after the end record (tag 0x%02x)", *p);
		break;
	case DEC_NO_END:
		mm_error_set(err, MM_EINVAL, "truncated: no end record after %llu records",
			     (unsigned long long)d->record);
		break;
	default:
		mm_error_set(err, MM_EINVAL, "%s", why);
		break;
	}
	return EVENT_SOURCE_FAILED;
}

/* ---- writer ---- */

struct trace_writer {
	struct output_file *out;
	int fd;                   /* out's */
	struct compress_sink *sink; /* onto fd, compressed as the name's suffix says (.gz, .xz, .zst) */
	char *name;
	unsigned char *buf;
	size_t len;
	uint64_t pred[2];         /* as the decoder predicts */
	uint64_t count;           /* events accepted, for messages */
	uint64_t records;         /* records written, for the end record */
	bool has_read;            /* a read held back: a write to the same bytes makes a modify */
	struct trace_event read;
	int status;               /* sticky error */
	struct mm_error err;
};

static unsigned char *put_varint(unsigned char *p, uint64_t x)
{
	while (x >= 0x80) {
		*p++ = (unsigned char)(x | 0x80);
		x >>= 7;
	}
	*p++ = (unsigned char)x;
	return p;
}

static int writer_fail(struct trace_writer *w, struct mm_error *err)
{
	if (err)
		*err = w->err;
	return w->status;
}

static int flush_buf(struct trace_writer *w)
{
	errno = 0;
	if (!compress_sink_write(w->sink, w->buf, w->len)) {
		w->status = mm_error_set(&w->err, MM_EIO, "%s: write error: %s", w->name, strerror(errno ? errno : EIO));
		return w->status;
	}
	w->len = 0;
	return MM_OK;
}

/* Room for one record; flushes when the buffer is nearly full. */
static unsigned char *reserve(struct trace_writer *w)
{
	if (w->len > WRITER_BUF - MAX_RECORD && flush_buf(w) != MM_OK)
		return NULL;
	return w->buf + w->len;
}

static int put_access(struct trace_writer *w, unsigned kind, uint64_t va, unsigned size)
{
	unsigned char *p = reserve(w), *tagp;
	unsigned stream = kind == ACCESS_EXEC, code = code_of_size(size);
	uint64_t pred = w->pred[stream];

	if (!p)
		return w->status;
	tagp = p++;
	*tagp = (unsigned char)(kind << 5 | code);
	if (va == pred)
		*tagp |= TAG_SAME_VA;
	else
		p = put_varint(p, zigzag(va - pred));
	if (code == TAG_SIZE_BYTE)
		*p++ = (unsigned char)size;
	w->pred[stream] = stream ? va + size : va;
	w->len = (size_t)(p - w->buf);
	w->records++;
	return MM_OK;
}

static int put_other(struct trace_writer *w, const struct trace_event *ev)
{
	unsigned char *p = reserve(w);

	if (!p)
		return w->status;
	switch (ev->op) {
	case TRACE_MAP:
	case TRACE_PROTECT:
	case TRACE_GMAP:
	case TRACE_GPROTECT:
		*p++ = ev->op == TRACE_MAP ? TAG_MAP : ev->op == TRACE_PROTECT ? TAG_PROTECT
		     : ev->op == TRACE_GMAP ? TAG_GMAP : TAG_GPROTECT;
		p = put_varint(p, ev->va);
		if (ev->op == TRACE_MAP || ev->op == TRACE_GMAP)
			p = put_varint(p, ev->pa);
		p = put_varint(p, ev->len);
		p = put_varint(p, ev->prop.flags);
		*p++ = (unsigned char)ev->prop.cache;
		break;
	case TRACE_MMAP:
		*p++ = TAG_MMAP;
		p = put_varint(p, ev->va);
		p = put_varint(p, ev->len);
		p = put_varint(p, ev->prop.flags);
		*p++ = (unsigned char)ev->n;
		break;
	case TRACE_UNMAP:
	case TRACE_GUNMAP:
	case TRACE_MUNMAP:
		*p++ = ev->op == TRACE_UNMAP ? TAG_UNMAP : ev->op == TRACE_GUNMAP ? TAG_GUNMAP : TAG_MUNMAP;
		p = put_varint(p, ev->va);
		p = put_varint(p, ev->len);
		break;
	case TRACE_ASID:
	case TRACE_CPU:
	case TRACE_FORK:
	case TRACE_EXIT:
		*p++ = ev->op == TRACE_ASID ? TAG_ASID : ev->op == TRACE_CPU ? TAG_CPU : ev->op == TRACE_FORK ? TAG_FORK : TAG_EXIT;
		p = put_varint(p, ev->n);
		break;
	case TRACE_THREAD:
		*p++ = TAG_THREAD;
		p = put_varint(p, ev->n);
		break;
	case TRACE_PRIV:
		*p++ = TAG_PRIV;
		*p++ = (unsigned char)ev->n;
		break;
	case TRACE_STATS_RESET:
		*p++ = TAG_STATS_RESET;
		break;
	case TRACE_GFLUSH:
		*p++ = TAG_GFLUSH;
		*p++ = (unsigned char)ev->n;
		if (ev->n == GFLUSH_GPA)
			p = put_varint(p, ev->va);
		break;
	case TRACE_VM:
		*p++ = TAG_VM;
		p = put_varint(p, ev->n);
		break;
	default: /* TRACE_FLUSH, validated */
		if (ev->scope <= TAG_LAST - TAG_FLUSH) {
			*p++ = (unsigned char)(TAG_FLUSH + ev->scope);
		} else {
			*p++ = TAG_FLUSH_SCOPED;
			*p++ = ev->scope;
		}
		if (flush_scope_has_va(ev->scope))
			p = put_varint(p, ev->va);
		if (flush_scope_has_asid(ev->scope))
			p = put_varint(p, ev->n);
		break;
	}
	w->len = (size_t)(p - w->buf);
	w->records++;
	return MM_OK;
}

/* Refuses what the decoder would reject, so a written trace always reads back. */
static int validate(const struct trace_event *ev, struct mm_error *err)
{
	switch (ev->op) {
	case TRACE_ACCESS:
		if (ev->access > ACCESS_EXEC)
			return mm_error_set(err, MM_EINVAL, "bad access kind %u", ev->access);
		/* Its records hold a size byte: a larger access would touch fewer pages when read back. */
		if (ev->size > UINT8_MAX)
			return mm_error_set(err, MM_EINVAL,
					    "access size %u does not fit the binary format (at most 255 bytes)", ev->size);
		return MM_OK;
	case TRACE_MAP:
	case TRACE_PROTECT:
	case TRACE_GMAP:
	case TRACE_GPROTECT:
		if (ev->op == TRACE_MAP && ev->size)
			return mm_error_set(err, MM_EINVAL, "the binary format does not carry map size= (keep it in a text trace)");
		if (ev->prop.flags > PROP_ALL)
			return mm_error_set(err, MM_EINVAL, "bad page flags 0x%x", ev->prop.flags);
		if ((unsigned)ev->prop.cache > CACHE_WP)
			return mm_error_set(err, MM_EINVAL, "bad cache policy %u", (unsigned)ev->prop.cache);
		return MM_OK;
	case TRACE_UNMAP:
	case TRACE_GUNMAP:
	case TRACE_MUNMAP:
		return MM_OK;
	case TRACE_MMAP:
		if (ev->prop.flags > PROP_ALL)
			return mm_error_set(err, MM_EINVAL, "bad page flags 0x%x", ev->prop.flags);
		return ev->n <= 1 ? MM_OK : mm_error_set(err, MM_EINVAL, "bad mmap sharing %u", ev->n);
	case TRACE_FORK:
	case TRACE_EXIT:
	case TRACE_ASID:
		return ev->n <= ASID_MAX ? MM_OK
					 : mm_error_set(err, MM_EINVAL, "asid %u is out of range (at most %u)", ev->n, ASID_MAX);
	case TRACE_CPU:
		return ev->n <= CPU_MAX ? MM_OK
					: mm_error_set(err, MM_EINVAL, "cpu %u is out of range (at most %u)", ev->n, CPU_MAX);
	case TRACE_THREAD:
		return ev->n <= TRACE_THREAD_MAX ? MM_OK
						 : mm_error_set(err, MM_EINVAL, "thread %u is out of range (at most %u)", ev->n,
								TRACE_THREAD_MAX);
	case TRACE_PRIV:
		return ev->n <= PRIV_SUPERVISOR ? MM_OK : mm_error_set(err, MM_EINVAL, "bad privilege %u", ev->n);
	case TRACE_STATS_RESET:
		return MM_OK;
	case TRACE_GFLUSH:
		return ev->n <= GFLUSH_SCOPE_LAST ? MM_OK : mm_error_set(err, MM_EINVAL, "bad gflush %u", ev->n);
	case TRACE_VM:
		return ev->n <= VM_MAX ? MM_OK
				       : mm_error_set(err, MM_EINVAL, "vm %u is out of range (at most %u)", ev->n, VM_MAX);
	case TRACE_FLUSH:
		if (!flush_scope_valid(ev->scope))
			return mm_error_set(err, MM_EINVAL, "bad flush scope 0x%02x", ev->scope);
		if (flush_scope_has_asid(ev->scope) && ev->n > ASID_MAX)
			return mm_error_set(err, MM_EINVAL, "asid %u is out of range (at most %u)", ev->n, ASID_MAX);
		return MM_OK;
	case TRACE_POKE:
	case TRACE_SET_PTE:
	case TRACE_PTE_FIELD:
		return mm_error_set(err, MM_EINVAL, "the binary format does not carry %s (keep it in a text trace)",
				    ev->op == TRACE_POKE ? "poke" : ev->op == TRACE_SET_PTE ? "set-pte" : "pte");
	default:
		return mm_error_set(err, MM_EINVAL, "bad event op %u", ev->op);
	}
}

int trace_writer_open(const char *path, struct trace_writer **out, struct mm_error *err)
{
	struct trace_writer *w = calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	if (!w || !(w->buf = malloc(WRITER_BUF)) || !(w->name = strdup(strcmp(path, "-") == 0 ? "<stdout>" : path))) {
		if (w)
			free(w->buf);
		free(w);
		return mm_error_set(err, MM_ENOMEM, "out of memory");
	}
	if ((rc = output_file_open(path, &w->out, err)) != MM_OK) {
		free(w->name);
		free(w->buf);
		free(w);
		return rc;
	}
	w->fd = output_file_fd(w->out);
	if (!(w->sink = compress_sink_open(path, w->fd))) {
		output_file_abort(w->out);
		free(w->name);
		free(w->buf);
		free(w);
		return mm_error_set(err, MM_ENOMEM, "out of memory (the compressor of %s)", path);
	}
	memcpy(w->buf, TRACE_BINARY_MAGIC, TRACE_BINARY_MAGIC_LEN);
	put_le32(w->buf + 8, TRACE_BINARY_VERSION);
	put_le32(w->buf + 12, TRACE_BINARY_FLAG_END);
	w->len = TRACE_BINARY_HEADER_LEN;
	*out = w;
	return MM_OK;
}

int trace_writer_put(struct trace_writer *w, const struct trace_event *ev, size_t n, struct mm_error *err)
{
	if (w->status != MM_OK)
		return writer_fail(w, err);
	for (size_t i = 0; i < n; i++, w->count++) {
		const struct trace_event *e = &ev[i];
		int rc;

		if (validate(e, err) != MM_OK) {
			mm_error_prefix(err, "%s: event %llu", w->name, (unsigned long long)w->count + 1);
			return MM_EINVAL;
		}
		if (w->has_read) {
			w->has_read = false;
			if (e->op == TRACE_ACCESS && e->access == ACCESS_WRITE && e->va == w->read.va &&
			    e->size == w->read.size) {
				if (put_access(w, KIND_MODIFY, e->va, e->size) != MM_OK)
					return writer_fail(w, err);
				continue;
			}
			if (put_access(w, ACCESS_READ, w->read.va, w->read.size) != MM_OK)
				return writer_fail(w, err);
		}
		if (e->op == TRACE_ACCESS && e->access == ACCESS_READ) {
			w->read = *e;
			w->has_read = true;
			continue;
		}
		rc = e->op == TRACE_ACCESS ? put_access(w, e->access, e->va, e->size) : put_other(w, e);
		if (rc != MM_OK)
			return writer_fail(w, err);
	}
	return MM_OK;
}

static void writer_free(struct trace_writer *w)
{
	free(w->name);
	free(w->buf);
	free(w);
}

int trace_writer_close(struct trace_writer *w, struct mm_error *err)
{
	int rc;

	if (!w)
		return MM_OK;
	if (w->status == MM_OK && w->has_read)
		put_access(w, ACCESS_READ, w->read.va, w->read.size);
	if (w->status == MM_OK) {
		unsigned char *p = reserve(w);
		if (p) {
			*p++ = TAG_END;
			p = put_varint(p, w->records);
			w->len = (size_t)(p - w->buf);
			flush_buf(w);
		}
	}
	errno = 0;
	if (w->status == MM_OK && !compress_sink_finish(w->sink))
		w->status = mm_error_set(&w->err, MM_EIO, "%s: write error: %s", w->name, strerror(errno ? errno : EIO));
	else if (w->status != MM_OK)
		compress_sink_free(w->sink);
	w->sink = NULL;
	if (w->status != MM_OK) {
		output_file_abort(w->out);
	} else if (output_file_commit(w->out, &w->err) != MM_OK) {
		w->status = w->err.code;
	}
	rc = w->status;
	if (rc != MM_OK && err)
		*err = w->err;
	writer_free(w);
	return rc;
}

void trace_writer_abort(struct trace_writer *w)
{
	if (!w)
		return;
	output_file_abort(w->out);
	compress_sink_free(w->sink);
	writer_free(w);
}
