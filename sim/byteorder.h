/*
 * byteorder: little-endian loads and stores of 1..8 bytes, as simulated memory
 * and images hold PTEs.  On a little-endian host an 8- or 4-byte access is one
 * instruction.
 */
#ifndef MMUSIM_SIM_BYTEORDER_H
#define MMUSIM_SIM_BYTEORDER_H

#include <stdint.h>
#include <string.h>

static inline uint64_t load_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (size == 8) {
		memcpy(&v, p, 8);
		return v;
	}
	if (size == 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		return w;
	}
#endif
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void store_le(uint8_t *p, unsigned size, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (size == 8) {
		memcpy(p, &v, 8);
		return;
	}
#endif
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif
