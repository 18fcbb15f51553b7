/*
 * trace_binary_encode: the record encoding of mmusim's binary trace format
 * (trace_binary.h, traces/README.md) as inline helpers with no dependencies,
 * for writers that cannot link the formats library: the QEMU capture plugin
 * (tools/qemu_plugin) is loaded into QEMU's process.
 */
#ifndef MMUSIM_FORMATS_TRACE_BINARY_ENCODE_H
#define MMUSIM_FORMATS_TRACE_BINARY_ENCODE_H

#include <stdint.h>
#include <string.h>

#define TRACE_ENC_MAGIC "\x89MMUTRC\n"
#define TRACE_ENC_HEADER_LEN 16
#define TRACE_ENC_VERSION 1u
#define TRACE_ENC_FLAG_END 1u
#define TRACE_ENC_TAG_SAME_VA 0x10u
#define TRACE_ENC_TAG_SIZE_BYTE 0x0fu
#define TRACE_ENC_TAG_CPU 0x85u
#define TRACE_ENC_TAG_THREAD 0x9bu
#define TRACE_ENC_TAG_END 0x8fu
#define TRACE_ENC_MAX_ACCESS 12 /* tag, a 10-byte varint, a size byte */

enum trace_enc_kind { TRACE_ENC_READ, TRACE_ENC_WRITE, TRACE_ENC_EXEC };

/* The decoder's predictions: [0] the previous data VA, [1] the end of the previous fetch. */
struct trace_enc_state {
	uint64_t pred[2];
	uint64_t records;
};

static inline unsigned char *trace_enc_varint(unsigned char *p, uint64_t x)
{
	while (x >= 0x80) {
		*p++ = (unsigned char)(x | 0x80);
		x >>= 7;
	}
	*p++ = (unsigned char)x;
	return p;
}

static inline unsigned char *trace_enc_header(unsigned char *p, uint32_t flags)
{
	memcpy(p, TRACE_ENC_MAGIC, 8);
	for (int i = 0; i < 4; i++) {
		p[8 + i] = (unsigned char)(TRACE_ENC_VERSION >> (8 * i));
		p[12 + i] = (unsigned char)(flags >> (8 * i));
	}
	return p + TRACE_ENC_HEADER_LEN;
}

static inline unsigned char *trace_enc_access(struct trace_enc_state *s, unsigned char *p, enum trace_enc_kind kind,
					      uint64_t va, unsigned size)
{
	unsigned stream = kind == TRACE_ENC_EXEC;
	unsigned code = size <= 12 ? size : size == 16 ? 13 : size == 32 ? 14 : TRACE_ENC_TAG_SIZE_BYTE;
	uint64_t d = va - s->pred[stream];
	unsigned char *tag = p++;

	*tag = (unsigned char)((unsigned)kind << 5 | code);
	if (d == 0)
		*tag |= TRACE_ENC_TAG_SAME_VA;
	else
		p = trace_enc_varint(p, (d << 1) ^ (0 - (d >> 63)));
	if (code == TRACE_ENC_TAG_SIZE_BYTE)
		*p++ = (unsigned char)size;
	s->pred[stream] = stream ? va + size : va;
	s->records++;
	return p;
}

static inline unsigned char *trace_enc_cpu(struct trace_enc_state *s, unsigned char *p, unsigned cpu)
{
	*p++ = TRACE_ENC_TAG_CPU;
	s->records++;
	return trace_enc_varint(p, cpu);
}

/* A thread record: what follows is thread `thread`'s (replay maps it to a CPU). */
static inline unsigned char *trace_enc_thread(struct trace_enc_state *s, unsigned char *p, unsigned thread)
{
	*p++ = TRACE_ENC_TAG_THREAD;
	s->records++;
	return trace_enc_varint(p, thread);
}

/* The end record: the number of records before it. */
static inline unsigned char *trace_enc_end(const struct trace_enc_state *s, unsigned char *p)
{
	*p++ = TRACE_ENC_TAG_END;
	return trace_enc_varint(p, s->records);
}

#endif
